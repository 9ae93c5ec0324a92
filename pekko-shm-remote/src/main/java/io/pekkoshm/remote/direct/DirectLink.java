package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.transport.DirectRoute;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;

import java.util.ArrayDeque;

/**
 * The direct path to one peer node: decides, per message, whether it goes direct or the classic way, so that the
 * messages of one sender to one recipient keep their order across the switch.
 * <pre>
 *   OPEN ----- no route yet: message goes classic ------------------------------> CLASSIC
 *   OPEN ----- route (nothing went classic) -------------------------------------> DIRECT
 *   CLASSIC -- route appears: barrier (Identify) sent classic, messages held ----> BARRIER
 *   BARRIER -- barrier answered: held messages written direct, in order ---------> DIRECT
 *   BARRIER -- barrier timed out, or no route any more: held messages go classic -> CLASSIC
 *              (after a timeout, the next barrier is tried once barrier-timeout has passed again)
 *   DIRECT --- route closed (association ended): message goes classic -----------> CLASSIC
 *   DIRECT --- the peer's log (and the association's staging) is full: held -----> CONGESTED
 *   CONGESTED  held messages written, in order, by later senders and a flush every
 *              scheduler tick; once none is left -------------------------------> DIRECT
 * </pre>
 * Held messages (while the association comes up, or while the peer's log is full) are bounded by
 * {@code direct.pending-limit} per peer: memory stays bounded, senders never block, and a message beyond the bound
 * is dropped, counted, published as Dropped and logged.
 * Why the barrier: messages that went the classic way sit in classic remoting's endpoint writer and, at the peer,
 * pass through its endpoint reader actor; a direct message written now could overtake them. The barrier is an
 * {@code Identify} sent the classic way to the peer's direct-path actor: when its answer arrives, the peer's
 * reader has put every classic message sent before it into its recipient's mailbox, so held and later direct
 * messages come after them.
 * <p>
 * Threading: any sending thread; DIRECT is lock-free (the route's outbox has its own lock), other states take this
 * link's monitor, which is also where held messages are flushed, so nothing overtakes them.
 */
public final class DirectLink
{
    private static final int OPEN = 0;
    private static final int CLASSIC = 1;
    private static final int BARRIER = 2;
    private static final int DIRECT = 3;
    private static final int CONGESTED = 4;

    private final DirectPath path;
    private final Address address;
    private volatile int state = OPEN;
    /** The route and its compression tables, while DIRECT. */
    private volatile Channel channel;
    /** The channel while CONGESTED: held messages go into it first. */
    private Channel parked;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
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
     * Sends, or holds, or drops (counted and published as Dropped) a message.
     *
     * @return false when the caller must send it the classic way.
     */
    boolean send(final DirectRef ref, final Object message, final ActorRef sender)
    {
        while (true)
        {
            final Channel current = channel;
            if (null != current)
            {
                final int result = path.write(current.route, current.compression, ref, message, sender);
                if (DirectPath.SENT == result || DirectPath.DROPPED == result)
                {
                    return true;
                }
                if (DirectPath.CLOSED == result)
                {
                    routeClosed(current);
                    return false;
                }
                if (congest(current, ref, message, sender))
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
                    case OPEN:
                    {
                        final DirectRoute route = path.routes().route(address);
                        if (null == route)
                        {
                            state = CLASSIC;
                            return false;
                        }
                        open(route);
                        break;
                    }
                    case CLASSIC:
                    {
                        final DirectRoute route = path.routes().route(address);
                        if (null == route || (barrierTimedOut && System.nanoTime() - nextBarrierNs < 0))
                        {
                            return false;
                        }
                        startBarrier();
                        hold(ref, message, sender);
                        return true;
                    }
                    case CONGESTED:
                        if (flushHeld())
                        {
                            break; // nothing held any more: write it directly
                        }
                        if (CONGESTED == state)
                        {
                            hold(ref, message, sender);
                            return true;
                        }
                        break; // the route closed while flushing: go round again
                    default:
                        hold(ref, message, sender);
                        return true;
                }
            }
        }
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
            return;
        }
        parked = new Channel(route, path.newCompression());
        state = CONGESTED;
        barrierTimedOut = false;
        if (!flushHeld())
        {
            if (CONGESTED == state)
            {
                path.congested(this);
            }
            return;
        }
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
        nextBarrierNs = System.nanoTime() + path.barrierTimeoutNs();
        releaseHeldClassic();
    }

    /**
     * The peer's log was full for a message written directly: the link holds it, and what follows, in order.
     *
     * @return false if the link had left DIRECT meanwhile (the caller goes round again).
     */
    private synchronized boolean congest(final Channel current, final DirectRef ref, final Object message,
        final ActorRef sender)
    {
        if (channel != current)
        {
            return false;
        }
        channel = null;
        parked = current;
        state = CONGESTED;
        hold(ref, message, sender);
        path.congested(this);
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
            final int result = path.write(parked.route, parked.compression, next.ref, next.message, next.sender);
            if (DirectPath.FULL == result)
            {
                return false;
            }
            if (DirectPath.CLOSED == result)
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

    /**
     * Called by the direct path's flush on the direct-path actor.
     *
     * @return true while the link is still congested.
     */
    synchronized boolean flushCongested()
    {
        return CONGESTED == state && !flushHeld() && CONGESTED == state;
    }

    private void open(final DirectRoute route)
    {
        channel = new Channel(route, path.newCompression());
        state = DIRECT;
        path.log().debug("Direct path to {} is open ({})", address, route);
    }

    private synchronized void routeClosed(final Channel closed)
    {
        if (channel == closed)
        {
            channel = null;
            state = CLASSIC;
            path.log().debug("Direct path to {}: association ended; messages go the classic way until a new one is up",
                address);
        }
    }

    private void startBarrier()
    {
        state = BARRIER;
        barrierToken = path.sendBarrier(this);
    }

    private void hold(final DirectRef ref, final Object message, final ActorRef sender)
    {
        if (held.size() >= path.pendingLimit())
        {
            path.drop(message, sender, ref.actorRef(), "more than pekko.remote.shm.direct.pending-limit (" +
                path.pendingLimit() + ") messages held for " + address + ", while its association comes up or its " +
                "log is full (the receiver is slower than its senders)");
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

    private record Held(DirectRef ref, Object message, ActorRef sender)
    {
    }

    private record Channel(DirectRoute route, OutboundCompression compression)
    {
    }
}
