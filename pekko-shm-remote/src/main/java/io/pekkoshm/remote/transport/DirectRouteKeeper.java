package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.log.ErrorLog;
import io.pekkoshm.remote.wire.MalformedFrameException;
import org.apache.pekko.actor.Address;

/**
 * The direct path's part of an association's life: a candidate {@link DirectRoute} when it is established with a peer
 * that decodes DIRECT frames, the {@link DirectSession} that decodes the DIRECT frames arriving on it (opened on the
 * first), and both gone when it ends.
 * <p>
 * Threading: the node agent's only (the routes themselves are read by classic's writing threads).
 */
final class DirectRouteKeeper
{
    private final DirectRoutes routes;
    private final String scheme;
    /** Names each peer that runs without the direct path in full once (per peer address), then summarizes. */
    private final ErrorLog errors;

    DirectRouteKeeper(final DirectRoutes routes, final String scheme, final ErrorLog errors)
    {
        this.routes = routes;
        this.scheme = scheme;
        this.errors = errors;
    }

    /** Whether this node decodes DIRECT frames (its handshakes say so). */
    boolean acceptsDirect()
    {
        return routes.acceptsDirect();
    }

    /**
     * Makes the established association a candidate direct route when both ends speak the direct path; it becomes
     * the peer's route when classic remoting writes a message on it (the seam's {@code ShmAssociationHandle.write}).
     */
    void start(final Association association)
    {
        final NodeIdentity peer = association.peer();
        if (routes.acceptsDirect() && association.peerAcceptsDirect())
        {
            association.directRoute(new DirectRoute(association.outbox(), fullAddress(peer), peer.pekkoUid()));
            association.outbox().roomListener(routes::roomMade);
        }
        else if (routes.acceptsDirect())
        {
            final Address address = fullAddress(peer);
            errors.record(ErrorLog.Severity.WARNING, "classic-only-peer:" + address, () -> "Peer " + address +
                " runs without the direct path (its pekko.actor.provider is not a pekko-shm direct-path provider): " +
                "messages between it and this node go the classic way, which works but costs more per message. To " +
                "send them direct, add to the peer's configuration: pekko.actor.provider = \"" +
                routes.directProvider() + "\"", null);
        }
    }

    /**
     * The session that decodes the association's DIRECT frames, opened on the first.
     *
     * @throws MalformedFrameException if this node does not decode DIRECT frames (yet).
     */
    DirectSession session(final Association association)
    {
        DirectSession session = association.directSession();
        if (null == session)
        {
            final DirectInbound inbound = routes.inbound();
            if (!routes.acceptsDirect() || null == inbound)
            {
                throw new MalformedFrameException(routes.acceptsDirect() ?
                    "a DIRECT frame before this node's direct path started" :
                    "a DIRECT frame, but this node does not run a direct-path provider");
            }
            session = inbound.open(fullAddress(association.peer()), association.peer().pekkoUid());
            association.directSession(session);
        }
        return session;
    }

    /** The association ended: its route is nobody's any more, and its session is closed. */
    void end(final Association association)
    {
        final DirectRoute route = association.directRoute();
        if (null != route)
        {
            routes.remove(route);
            association.directRoute(null);
        }
        final DirectSession session = association.directSession();
        if (null != session)
        {
            session.close();
            association.directSession(null);
        }
    }

    /** A peer's address as Pekko names it, with the full protocol (pekko.shm or pekko.tcp). */
    private Address fullAddress(final NodeIdentity peer)
    {
        return new Address("pekko." + scheme, peer.system(), peer.host(), peer.port());
    }
}
