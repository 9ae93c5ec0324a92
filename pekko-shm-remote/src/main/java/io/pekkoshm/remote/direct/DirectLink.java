package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import io.pekkoshm.remote.transport.DirectRoute;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;

import java.util.ArrayDeque;

/**
 * The direct path to one peer node: decides, per message, whether it goes direct or the classic way, so that Pekko's
 * ordering holds across the switch: the messages of one sender to one recipient arrive in the order sent, and a
 * system message (a death notification, say) never overtakes an ordinary message sent before it.
 * <pre>
 *   CLASSIC -- no route, or a barrier timed out a short while ago: message sent classic, under the lock
 *   CLASSIC -- route: barrier (Identify) sent classic, message held -------------------> BARRIER
 *   BARRIER -- barrier answered: held messages written direct, in order ----------------> DIRECT
 *   BARRIER -- barrier timed out, or no route any more: held messages go classic -------> CLASSIC
 *              (after a timeout, the next barrier is tried once barrier-timeout has passed again)
 *   DIRECT --- route closed (association ended, or classic writes on another one) ------> CLASSIC
 *   DIRECT --- the peer's log (and the association's staging) is full: held ------------> CONGESTED
 *   CONGESTED  held messages written, in order, by later senders and a flush every
 *              scheduler tick; once none is left -------------------------------------> DIRECT
 *   BARRIER or CONGESTED -- a system message: held messages go classic, then it -------> CLASSIC
 * </pre>
 * Every classic send is made under this link's monitor, so a barrier can never slip in between a decision to go
 * classic and the classic send, and nothing held can overtake it. System messages always go classic (Pekko's
 * reliable system-message delivery); in DIRECT the direct messages before them are already in the log, ahead of
 * them in the same ordered stream; while messages are held they go classic behind them. Heartbeats (Pekko's
 * {@code PriorityMessage}s, which classic sends ahead of its queue) are never held: when they cannot be written
 * directly at once they go classic, so a slow receiver cannot starve failure detection.
 * <p>
 * While the route says it is full ({@link DirectRoute#isFull}) a held message is not serialized again only to be
 * refused: the flush only offers the route's staged batch, and serializes the message once that has gone out. A
 * message is serialized once more at most each time the staging fills, however long the log stays full.
 * <p>
 * Held messages (while the association comes up, or while the peer's log is full) are bounded by
 * {@code direct.pending-limit} per peer: memory stays bounded, senders never block, and a message beyond the bound
 * is dropped, counted, published as Dropped and logged.
 * Why the barrier: messages that went the classic way sit in classic remoting's endpoint writer and, at the peer,
 * pass through its endpoint reader actor; a direct message written now could overtake them. The barrier is an
 * {@code Identify} sent the classic way to the peer's direct-path actor: when its answer arrives, the peer's
 * reader has put every classic message sent before it into its recipient's mailbox, so held and later direct
 * messages come after them. A link starts CLASSIC, so even its first direct message waits for a barrier (other
 * refs, or Pekko itself, may have sent classic before the link existed).
 * <p>
 * Threading: any sending thread; DIRECT is lock-free (the route's outbox has its own lock), other states take this
 * link's monitor, which is also where held messages are flushed, so nothing overtakes them. A link that is
 * {@linkplain #retireIfIdle() retired} (its peer is gone) takes nothing: its refs look the link of their node up again.
 * <p>
 * Each change of state is a flight-recorder event ({@link ShmFlightRecorder#directPathSwitched}), recorded under the
 * monitor where the change is made; the lock-free DIRECT path records nothing.
 */
public final class DirectLink implements CongestionFlush.Link
{
    private static final int CLASSIC = 1;
    private static final int BARRIER = 2;
    private static final int DIRECT = 3;
    private static final int CONGESTED = 4;
    private static final int RETIRED = 5;

    private final DirectPath path;
    private final Address address;
    private volatile int state = CLASSIC;
    /** The route and its compression tables, while DIRECT. */
    private volatile Channel channel;
    /** The channel while CONGESTED: held messages go into it first. */
    private Channel parked;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** The state the flight recorder was last told of; under the monitor. */
    private int recordedState = CLASSIC;
    private long barrierToken;
    /** After a barrier timed out, no new barrier before this time (System.nanoTime). */
    private long nextBarrierNs;
    private boolean barrierTimedOut;

    DirectLink(final DirectPath path, final Address address)
    {
        this.path = path;
        this.address = address;
    }

    Address address()
    {
        return address;
    }

    /**
     * Sends (direct or classic), or holds, or drops (counted and published as Dropped) an ordinary message.
     *
     * @param priority a heartbeat: never held, classic when it cannot be written directly at once.
     * @return false only if this link is retired: the caller looks up its node's link again.
     */
    boolean send(final DirectRef ref, final Object message, final ActorRef sender, final boolean priority)
    {
        while (true)
        {
            final Channel current = channel;
            if (null != current)
            {
                final int result = path.encoder().write(current.route, current.compression, ref, message, sender);
                if (OutboundEncoder.SENT == result || OutboundEncoder.DROPPED == result)
                {
                    return true;
                }
                if (OutboundEncoder.CLOSED == result)
                {
                    routeClosed(current);
                    continue; // decided again under the lock: classic, or a new barrier
                }
                if (priority)
                {
                    ref.sendClassic(message, sender); // no order to keep: classic sends it ahead of its queue
                    return true;
                }
                if (congest(current, ref, message, sender, OutboundEncoder.FULL_LARGE == result))
                {
                    return true;
                }
                continue; // the link changed state meanwhile: go round again
            }
            synchronized (this)
            {
                switch (state)
                {
                    case DIRECT:
                        break; // the channel was set while we waited: write it
                    case CLASSIC:
                    {
                        final DirectRoute route = path.routes().route(address);
                        if (priority || null == route || (barrierTimedOut && System.nanoTime() - nextBarrierNs < 0))
                        {
                            ref.sendClassic(message, sender);
                            return true;
                        }
                        startBarrier();
                        hold(ref, message, sender);
                        recordSwitch("a message to send and a route: ordering barrier sent");
                        return true;
                    }
                    case CONGESTED:
                    {
                        final boolean flushed = flushHeld();
                        recordSwitch("held messages written");
                        if (flushed)
                        {
                            break; // nothing held any more: write it directly
                        }
                        if (CONGESTED == state)
                        {
                            holdOrSendClassic(ref, message, sender, priority);
                            return true;
                        }
                        break; // the route closed while flushing: go round again
                    }
                    case BARRIER:
                        holdOrSendClassic(ref, message, sender, priority);
                        return true;
                    default:
                        return false; // RETIRED
                }
            }
        }
    }

    /**
     * Sends a system message the classic way, behind every message this link holds (they go classic first).
     *
     * @param classicSend sends it classic; runs under this link's monitor.
     * @return false only if this link is retired: the caller looks up its node's link again.
     */
    synchronized boolean sendSystem(final Runnable classicSend)
    {
        if (RETIRED == state)
        {
            return false;
        }
        if (BARRIER == state || CONGESTED == state)
        {
            path.log().debug("Direct path to {}: a system message; {} held message(s) go the classic way ahead of it",
                address, held.size());
            releaseHeldClassic();
            recordSwitch("a system message: held messages went the classic way ahead of it");
        }
        classicSend.run();
        return true;
    }

    /** The peer answered the barrier: flush what is held, in order, and go direct. */
    synchronized void onBarrierAnswered(final long token)
    {
        if (BARRIER != state || token != barrierToken)
        {
            return;
        }
        final DirectRoute route = path.routes().route(address);
        if (null == route)
        {
            path.log().debug("Direct path to {}: the association ended during the barrier; {} held message(s) go the " +
                "classic way", address, held.size());
            releaseHeldClassic();
            recordSwitch("the association ended during the barrier");
            return;
        }
        parked = new Channel(route, path.newCompression());
        state = CONGESTED;
        barrierTimedOut = false;
        if (!flushHeld() && CONGESTED == state)
        {
            path.congestion().congested(this);
        }
        recordSwitch("barrier answered");
    }

    /**
     * The barrier was not answered in time (its Identify or the answer was lost: classic remoting drops messages
     * while an association is being replaced): what is held goes the classic way, and a new barrier is tried once
     * barrier-timeout has passed again.
     */
    synchronized void onBarrierTimeout(final long token)
    {
        if (BARRIER != state || token != barrierToken)
        {
            return;
        }
        path.log().warning("Direct path to {}: no answer to the ordering barrier within " +
            "pekko.remote.shm.direct.barrier-timeout; {} held message(s) go the classic way, and so do later ones " +
            "until the next barrier, after as long again", address, held.size());
        barrierTimedOut = true;
        nextBarrierNs = System.nanoTime() + path.barriers().timeoutNs();
        releaseHeldClassic();
        recordSwitch("no answer to the ordering barrier within direct.barrier-timeout");
    }

    /**
     * Retires the link if it is idle: classic (or direct on a route that closed), nothing held, no route to its node.
     * Its refs then look their node's link up again (a new one), so the direct path keeps no link for a node that is
     * gone.
     *
     * @return true if retired.
     */
    synchronized boolean retireIfIdle()
    {
        final Channel current = channel;
        if (DIRECT == state && !current.route.isCurrent())
        {
            routeClosed(current);
        }
        if (CLASSIC == state && held.isEmpty() && null == path.routes().route(address))
        {
            state = RETIRED;
            recordSwitch("the peer's association ended: link retired");
            return true;
        }
        return false;
    }

    /**
     * The peer's log was full for a message written directly: the link holds it, and what follows, in order.
     *
     * @param large the route refused it as a body too large for one frame ({@link OutboundEncoder#FULL_LARGE}).
     * @return false if the link had left DIRECT meanwhile (the caller goes round again).
     */
    private synchronized boolean congest(final Channel current, final DirectRef ref, final Object message,
        final ActorRef sender, final boolean large)
    {
        if (channel != current)
        {
            return false;
        }
        channel = null;
        parked = current;
        state = CONGESTED;
        hold(ref, message, sender);
        final Held first = held.peekFirst();
        if (large && null != first && first.message == message)
        {
            first.waitsForRoom = current.route.refusesLargeBody();
        }
        path.congestion().congested(this);
        recordSwitch("the peer's log is full: messages held");
        return true;
    }

    /**
     * Writes held messages into the parked channel, in order, until the log is full again.
     *
     * @return true if nothing is held any more and the link is DIRECT again.
     */
    private boolean flushHeld()
    {
        Held next;
        while (null != (next = held.peekFirst()))
        {
            if (parked.route.isFull() && !parked.route.flushStaged())
            {
                return false; // it would be refused: the log has no room yet for the staged batch ahead of it
            }
            if (next.waitsForRoom && parked.route.refusesLargeBody())
            {
                return false; // it would be refused again: serializing it again would be for nothing
            }
            final int result =
                path.encoder().write(parked.route, parked.compression, next.ref, next.message, next.sender);
            if (OutboundEncoder.FULL == result || OutboundEncoder.FULL_LARGE == result)
            {
                // only a large one waits for the route to take large bodies again; a small one goes between pieces
                next.waitsForRoom = OutboundEncoder.FULL_LARGE == result && parked.route.refusesLargeBody();
                return false;
            }
            if (OutboundEncoder.CLOSED == result)
            {
                releaseHeldClassic();
                return false;
            }
            held.pollFirst();
        }
        channel = parked;
        parked = null;
        state = DIRECT;
        path.log().debug("Direct path to {} is open ({})", address, channel.route);
        return true;
    }

    /** {@return whether the link holds messages for a full log} Any thread. */
    @Override
    public synchronized boolean isCongested()
    {
        return CONGESTED == state;
    }

    /**
     * Called by the direct path's flush on the direct-path actor.
     *
     * @return true while the link is still congested.
     */
    @Override
    public synchronized boolean flushCongested()
    {
        final boolean congested = CONGESTED == state && !flushHeld() && CONGESTED == state;
        recordSwitch("held messages written");
        return congested;
    }

    private synchronized void routeClosed(final Channel closed)
    {
        if (channel == closed)
        {
            channel = null;
            state = CLASSIC;
            recordSwitch("the route closed: its association ended, or classic writes on another one");
            path.log().debug("Direct path to {}: the route closed (its association ended, or classic remoting writes " +
                "on another one); messages go the classic way until the next barrier", address);
        }
    }

    /** Under the monitor: tells the flight recorder of a change of state since the last it was told of. */
    private void recordSwitch(final String reason)
    {
        if (recordedState != state)
        {
            ShmFlightRecorder.directPathSwitched(address, stateName(recordedState), stateName(state), held.size(),
                reason);
            recordedState = state;
        }
    }

    private static String stateName(final int state)
    {
        switch (state)
        {
            case CLASSIC:
                return "CLASSIC";
            case BARRIER:
                return "BARRIER";
            case DIRECT:
                return "DIRECT";
            case CONGESTED:
                return "CONGESTED";
            default:
                return "RETIRED";
        }
    }

    private void startBarrier()
    {
        state = BARRIER;
        barrierToken = path.barriers().send(this);
    }

    private void holdOrSendClassic(final DirectRef ref, final Object message, final ActorRef sender,
        final boolean priority)
    {
        if (priority)
        {
            ref.sendClassic(message, sender);
        }
        else
        {
            hold(ref, message, sender);
        }
    }

    private void hold(final DirectRef ref, final Object message, final ActorRef sender)
    {
        if (held.size() >= path.pendingLimit())
        {
            path.dropping().drop(Drops.PENDING_LIMIT, message, sender, ref.actorRef(),
                "more than pekko.remote.shm.direct.pending-limit (" + path.pendingLimit() + ") messages held for " +
                address + ", while its association comes up or its log is full (the receiver is slower than its " +
                "senders)");
            return;
        }
        held.addLast(new Held(ref, message, sender));
    }

    private void releaseHeldClassic()
    {
        Held next;
        while (null != (next = held.pollFirst()))
        {
            next.ref.sendClassic(next.message, next.sender);
        }
        state = CLASSIC;
        channel = null;
        parked = null;
    }

    /** A message held in order; {@link #waitsForRoom} is written under the link's monitor. */
    private static final class Held
    {
        private final DirectRef ref;
        private final Object message;
        private final ActorRef sender;
        /**
         * It is too large for one frame and its last write was refused while the route refused such bodies (one going
         * out in pieces, or no room for a first piece): it is not serialized again, for nothing, while the route
         * still does. Never set for a message that fits a frame, which may go between another's pieces.
         */
        private boolean waitsForRoom;

        Held(final DirectRef ref, final Object message, final ActorRef sender)
        {
            this.ref = ref;
            this.message = message;
            this.sender = sender;
        }
    }

    private record Channel(DirectRoute route, OutboundCompression compression)
    {
    }

    /** {@return how many messages the link holds now (while a barrier is out or the peer's log is full)} */
    synchronized int heldCount()
    {
        return held.size();
    }

    /** {@return whether the link writes direct now (diagnostics and tests; the state may change at once)} */
    boolean isDirect()
    {
        return DIRECT == state;
    }
}
