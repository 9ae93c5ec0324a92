package io.pekkoshm.remote.transport;

import org.apache.pekko.actor.Address;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the direct path meets the transport: the established associations that carry DIRECT frames, by peer
 * address (one route per peer: the first association to it that is established), and the receiving side the
 * provider installs.
 * <p>
 * A route exists only when both ends decode DIRECT frames: this node because its actor system runs a direct-path
 * provider, the peer because its handshake said so ({@link FrameHeader#FLAG_DIRECT}).
 */
public final class DirectRoutes
{
    private final boolean acceptsDirect;
    private final String directProvider;
    private final ConcurrentHashMap<Address, DirectRoute> routes = new ConcurrentHashMap<>();
    private volatile DirectInbound inbound;
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

    /** Counts a message the direct path had to drop in the node's 'messages dropped'. */
    public void countDropped()
    {
        final TransportCounters current = counters;
        if (null != current)
        {
            current.dropped.increment();
        }
    }

    void counters(final TransportCounters counters)
    {
        this.counters = counters;
    }

    /** @return true if this route became the peer's route. */
    boolean add(final DirectRoute route)
    {
        return null == routes.putIfAbsent(route.remoteAddress(), route);
    }

    void remove(final DirectRoute route)
    {
        routes.remove(route.remoteAddress(), route);
    }
}
