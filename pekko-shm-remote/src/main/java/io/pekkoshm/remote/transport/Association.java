package io.pekkoshm.remote.transport;

import org.apache.pekko.actor.Address;
import org.apache.pekko.remote.transport.AssociationHandle;
import scala.concurrent.Promise;

import java.util.ArrayDeque;

/**
 * One association between this node and a peer: an exclusive publication into the peer's stream (the
 * {@link Outbox}) and the image of the peer's publication into ours, identified by its session id.
 * <pre>
 *   initiator A                                    acceptor B
 *   publication A->B (session s1) --- HELLO ---->  new session s1: publication B->A (session s2)
 *   new session s2, argument s1  &lt;-- HELLO_ACK --  InboundAssociation(handle) to classic remoting
 *   associate future completes
 *   DATA / BATCH / HEARTBEAT both ways; DISASSOCIATE from whoever ends it
 * </pre>
 * All fields are owned by the node agent's thread, except the outbox (own lock) and {@link #handle} once published.
 */
@SuppressWarnings("deprecation")
final class Association
{
    static final int NO_SESSION = Integer.MIN_VALUE;

    final boolean outbound;
    final Outbox outbox;
    final Address localAddress;
    Address remoteAddress;
    NodeIdentity peer;
    int inboundSessionId = NO_SESSION;
    ShmAssociationHandle handle;
    Promise<AssociationHandle> associatePromise;
    long handshakeDeadlineNs;
    boolean handshakeSent;
    boolean established;
    long lastReceivedNs;
    long lastHeartbeatNs;
    boolean closed;
    /** The peer's handshake said it decodes DIRECT frames (its actor system runs a direct-path provider). */
    boolean peerAcceptsDirect;
    /**
     * This association as a direct route to its peer, once established with a peer that decodes DIRECT frames; it is
     * the peer's route while classic remoting writes its messages here ({@link DirectRoutes#promote}). Read by
     * classic's writing threads.
     */
    volatile DirectRoute directRoute;
    /** Decodes the DIRECT frames that arrive on this association; opened on the first. */
    DirectSession directSession;

    private AssociationHandle.HandleEventListener listener;
    private final ArrayDeque<AssociationHandle.HandleEvent> pending = new ArrayDeque<>();

    Association(final boolean outbound, final Outbox outbox, final Address localAddress, final Address remoteAddress,
        final long nowNs)
    {
        this.outbound = outbound;
        this.outbox = outbox;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.lastReceivedNs = nowNs;
        this.lastHeartbeatNs = nowNs;
    }

    /** Hands an event to classic remoting, or keeps it, in order, until classic has registered its listener. */
    void deliver(final AssociationHandle.HandleEvent event)
    {
        if (null != listener)
        {
            listener.notify(event);
        }
        else
        {
            pending.addLast(event);
        }
    }

    /** Classic remoting is ready to read: hand over what arrived before, in order. */
    void listenerReady(final AssociationHandle.HandleEventListener listener)
    {
        this.listener = listener;
        AssociationHandle.HandleEvent event;
        while (null != (event = pending.pollFirst()))
        {
            listener.notify(event);
        }
    }

    @Override
    public String toString()
    {
        return (outbound ? "outbound" : "inbound") + " association " + localAddress + " -> " + remoteAddress;
    }
}
