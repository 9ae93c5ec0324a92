package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.apache.pekko.actor.Address;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the direct path meets the transport: the established associations that carry DIRECT frames, by peer
 * address, and the receiving side the provider installs.
 * <p>
 * One route per peer: the association classic remoting last wrote a message envelope on (the seam's
 * {@code ClassicPdu}). Classic writes to a peer on one association at a time (its own outbound one when both sides
 * connected at once, else the inbound one), and the direct path must write into the same ordered stream, or a direct
 * message could overtake a classic one (a death notification, say) through another log. When classic moves to another
 * association, that one becomes the route and the previous one stops taking DIRECT frames, so the direct path goes
 * through its ordering barrier again; when the route's association ends, the next classic write promotes the
 * surviving one.
 * <p>
 * A route exists only when both ends decode DIRECT frames: this node because its actor system runs a direct-path
 * provider, the peer because its handshake said so ({@link FrameHeaderFlyweight#FLAG_DIRECT}).
 */
public final class DirectRoutes
{
    /** {@link #mediumOf} for a peer that never had a route. */
    public static final String UNKNOWN_MEDIUM = "unknown";

    private final boolean acceptsDirect;
    private final String directProvider;
    private final ConcurrentHashMap<Address, DirectRoute> routes = new ConcurrentHashMap<>();
    /** What carried each peer's route last ("ipc" or "udp"), kept after the route ends (one entry per address). */
    private final ConcurrentHashMap<Address, String> media = new ConcurrentHashMap<>();
    private volatile DirectInbound inbound;
    private volatile Runnable roomListener;
    private volatile TransportCounters counters;

    /**
     * @param acceptsDirect  whether this node's actor system runs a direct-path provider.
     * @param directProvider the class name of that provider (what a classic-only peer should run too), or of the
     *                       actor system's provider when it is not one.
     */
    DirectRoutes(final boolean acceptsDirect, final String directProvider)
    {
        this.acceptsDirect = acceptsDirect;
        this.directProvider = directProvider;
    }

    /** The provider class name a peer needs to take the direct path with this node. */
    String directProvider()
    {
        return directProvider;
    }

    /** Whether this node decodes DIRECT frames (its handshakes say so). */
    boolean acceptsDirect()
    {
        return acceptsDirect;
    }

    /**
     * The route to a peer; safe from any thread.
     *
     * @param remoteAddress the peer's address, with the full protocol.
     * @return its route, or null while there is no established association to it that carries DIRECT frames.
     */
    public DirectRoute route(final Address remoteAddress)
    {
        return routes.get(remoteAddress);
    }

    /**
     * What carried the peer's route, now or last: {@code "ipc"} or {@code "udp"}, or {@code "unknown"} if it never had
     * one. Any thread.
     *
     * @param remoteAddress the peer's address, with the full protocol.
     * @return the medium.
     */
    public String mediumOf(final Address remoteAddress)
    {
        return media.getOrDefault(remoteAddress, UNKNOWN_MEDIUM);
    }

    /**
     * Installs the receiving side, once, when the direct path starts. A DIRECT frame that arrives before then is
     * rejected as malformed, which ends its association.
     *
     * @param inbound opens a session for each association that carries DIRECT frames.
     */
    public void inbound(final DirectInbound inbound)
    {
        this.inbound = inbound;
    }

    DirectInbound inbound()
    {
        return inbound;
    }

    /**
     * Installs what the direct path does when a route has room again for a message it refused (FULL) because a large
     * body was going out in pieces: flush what it holds now, not at its next scheduler tick. Once, when the direct
     * path starts.
     *
     * @param listener runs on the transport's threads (the node agent, a writer): it must only hand the news on.
     */
    public void roomListener(final Runnable listener)
    {
        this.roomListener = listener;
    }

    /** A route has room again for messages it refused: tells the direct path, if it runs. */
    void roomMade()
    {
        final Runnable listener = roomListener;
        if (null != listener)
        {
            listener.run();
        }
    }

    /** Counts a message the direct path had to drop in the node's 'messages dropped'. */
    public void countDropped()
    {
        final TransportCounters current = counters;
        if (null != current)
        {
            current.dropped(null, 1);
        }
    }

    /**
     * Counts a message the direct path had to drop, to or from a peer: in the node's 'messages dropped', and in the
     * drops of the association that is the peer's route now, if one is. Any thread.
     *
     * @param peer the peer's address, with the full protocol.
     */
    public void countDropped(final Address peer)
    {
        final TransportCounters current = counters;
        if (null != current)
        {
            current.dropped(routeCounts(peer), 1);
        }
    }

    /**
     * Counts a drop the node has counted already (the Kryo serializer counts its own failures) in the drops of the
     * association that is the peer's route now, if one is. Any thread.
     *
     * @param peer the peer's address, with the full protocol.
     */
    public void countDroppedOnRoute(final Address peer)
    {
        final SendCounts counts = routeCounts(peer);
        if (null != counts)
        {
            counts.dropped.increment();
        }
    }

    private SendCounts routeCounts(final Address peer)
    {
        final DirectRoute route = routes.get(peer);
        return null == route ? null : route.sendCounts();
    }

    void counters(final TransportCounters counters)
    {
        this.counters = counters;
    }

    /**
     * Classic remoting wrote a message envelope on this route's association: it becomes the peer's route (if it is
     * not already), and the previous one stops taking DIRECT frames. Called on classic's writing threads.
     */
    void promote(final DirectRoute route)
    {
        if (routes.get(route.remoteAddress()) == route)
        {
            return;
        }
        synchronized (this)
        {
            if (route.ended)
            {
                return; // a classic write that raced with the end of its association
            }
            media.put(route.remoteAddress(), route.sharesMemory() ? ShmAssociationSnapshot.IPC :
                ShmAssociationSnapshot.UDP);
            final DirectRoute previous = routes.put(route.remoteAddress(), route);
            if (null != previous && previous != route)
            {
                previous.current(false);
            }
            route.current(true);
        }
    }

    /** The route's association ended: it is nobody's route any more (the receiving side is told, to tidy up). */
    void remove(final DirectRoute route)
    {
        synchronized (this)
        {
            routes.remove(route.remoteAddress(), route);
            route.current(false);
            route.ended = true;
        }
        final DirectInbound current = inbound;
        if (null != current)
        {
            current.routeEnded(route.remoteAddress());
        }
    }
}
