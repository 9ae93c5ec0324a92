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
 * </pre>
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

    private final DirectPath path;
    private final Address address;
    private volatile int state = OPEN;
    /** The route and its compression tables, while DIRECT. */
    private volatile Channel channel;
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
                if (DirectPath.CLOSED != path.write(current.route, current.compression, ref, message, sender))
                {
                    return true;
                }
                routeClosed(current);
                return false;
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
        final Channel opened = new Channel(route, path.newCompression());
        Held next;
        while (null != (next = held.pollFirst()))
        {
            if (DirectPath.CLOSED == path.write(opened.route, opened.compression, next.ref, next.message, next.sender))
            {
                next.ref.sendClassic(next.message, next.sender);
                releaseHeldClassic();
                return;
            }
        }
        channel = opened;
        state = DIRECT;
        barrierTimedOut = false;
        path.log().debug("Direct path to {} is open ({})", address, route);
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
                path.pendingLimit() + ") messages held while the association to " + address + " comes up");
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
    }

    private record Held(DirectRef ref, Object message, ActorRef sender)
    {
    }

    private record Channel(DirectRoute route, OutboundCompression compression)
    {
    }
}
