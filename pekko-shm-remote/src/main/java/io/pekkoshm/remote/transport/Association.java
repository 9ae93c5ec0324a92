package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import org.apache.pekko.actor.Address;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One association between this node and a peer: an exclusive publication into the peer's stream (the
 * {@link Outbox}) and the image of the peer's publication into ours, identified by its session id.
 * <pre>
 *   initiator A                                    acceptor B
 *   publication A->B (session s1) --- HELLO ---->  new session s1: publication B->A (session s2)
 *   new session s2, argument s1  &lt;-- HELLO_ACK --  the upper layer is told (NodeListener)
 *   associate future completes
 *   DATA / BATCH / HEARTBEAT both ways; DISASSOCIATE from whoever ends it
 * </pre>
 * Its life is an explicit {@link State}; each transition is a method that checks where it comes from, so an
 * association can never be, say, established and closed at once.
 * <pre>
 *   initiator: CONNECTING --HELLO sent--> AWAITING_ACK --HELLO_ACK--> ESTABLISHED --end--> CLOSED
 *   acceptor:  ACCEPTING  --HELLO_ACK sent----------------------------> ESTABLISHED --end--> CLOSED
 *   any state --end--> CLOSED (an association that never got established fails its associate promise)
 * </pre>
 * Each transition is also a flight-recorder event ({@link ShmFlightRecorder}: handshake started, established,
 * ended), and the outbox's counts are told which association they belong to (for the per-association view).
 * <p>
 * Threading: everything is owned by the node agent's thread, except the outbox (its own lock), {@link #link()}
 * once published, and {@link #directRoute()}, which the upper layer's writing threads read.
 */
final class Association
{
    /** Where an association is in its life. */
    enum State
    {
        /** Initiator: the publication to the peer is connecting; HELLO not sent yet. */
        CONNECTING,
        /** Initiator: HELLO sent; waiting for the peer's HELLO_ACK. */
        AWAITING_ACK,
        /** Acceptor: the peer's HELLO is verified; HELLO_ACK not sent yet. */
        ACCEPTING,
        /** Both ends know each other: payloads flow, heartbeats and liveness checks run. */
        ESTABLISHED,
        /** Ended: the outbox is closed and classic remoting has been told; terminal. */
        CLOSED
    }

    static final long NO_SESSION = Long.MIN_VALUE;
    /** Kept in {@link #pending} for the end of the association. */
    private static final byte[] ENDED = new byte[0];

    private final boolean outbound;
    private final Outbox outbox;
    private final Address localAddress;
    private final Address remoteAddress;
    /** Both addresses as users see them ({@code pekko.shm://...}), for the flight recorder and the counts' view. */
    private final String localText;
    private final String peerText;
    /** The initiator's promise of a link, completed when established or failed when it ends before. */
    private final CompletableFuture<Link> associatePromise;
    private final long handshakeDeadlineNs;
    /**
     * Initiator: the peer's incarnation as the host's node registry named it when the association began (0 for a node
     * of another host), which HELLO names so that a successor on the port does not take it for its own.
     */
    private final long addresseeIncarnation;
    private State state;
    private NodeIdentity peer;
    private long inboundSessionKey = NO_SESSION;
    private Link link;
    private long lastReceivedNs;
    private long lastHeartbeatNs;
    /** The peer's handshake said it decodes DIRECT frames (its actor system runs a direct-path provider). */
    private boolean peerAcceptsDirect;
    /**
     * This association as a direct route to its peer, once established with a peer that decodes DIRECT frames; it is
     * the peer's route while classic remoting writes its messages here ({@link DirectRoutes#promote}). Read by
     * classic's writing threads.
     */
    private volatile DirectRoute directRoute;
    /** Decodes the DIRECT frames that arrive on this association; opened on the first. */
    private DirectSession directSession;
    /** The order of deliveries while large bodies are read off the agent's thread; made for the first large body. */
    private InboundOrder inboundOrder;
    /** The large bodies a peer of another host sends in pieces; made for the first piece. */
    private InboundChunks inboundChunks;

    /** The upper layer's reader; until it registers, payloads (and the end, {@link #ENDED}) wait here in order. */
    private LinkReader reader;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();

    private Association(
        final boolean outbound,
        final Outbox outbox,
        final Address localAddress,
        final Address remoteAddress,
        final CompletableFuture<Link> associatePromise,
        final long addresseeIncarnation,
        final long nowNs,
        final long handshakeTimeoutNs)
    {
        this.outbound = outbound;
        this.addresseeIncarnation = addresseeIncarnation;
        this.outbox = outbox;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.associatePromise = associatePromise;
        this.state = outbound ? State.CONNECTING : State.ACCEPTING;
        this.lastReceivedNs = nowNs;
        this.lastHeartbeatNs = nowNs;
        this.handshakeDeadlineNs = nowNs + handshakeTimeoutNs;
        this.localText = fullAddress(localAddress);
        this.peerText = fullAddress(remoteAddress);
        outbox.sendCounts().describe(peerText, outbound, outbox.medium().label());
    }

    /** An association this node asked for; {@code promise} gets its link once the peer has answered. */
    static Association outbound(
        final Outbox outbox,
        final Address localAddress,
        final Address remoteAddress,
        final CompletableFuture<Link> promise,
        final long addresseeIncarnation,
        final long nowNs,
        final long handshakeTimeoutNs)
    {
        final Association association = new Association(
            true, outbox, localAddress, remoteAddress, promise, addresseeIncarnation, nowNs, handshakeTimeoutNs);
        association.recordStarted();
        return association;
    }

    /** An association a verified peer asked for, on the session its HELLO came from. */
    static Association inbound(
        final Outbox outbox,
        final Address localAddress,
        final Address remoteAddress,
        final NodeIdentity peer,
        final boolean peerAcceptsDirect,
        final long inboundSessionKey,
        final long nowNs,
        final long handshakeTimeoutNs)
    {
        final Association association = new Association(
            false, outbox, localAddress, remoteAddress, null, peer.incarnation(), nowNs, handshakeTimeoutNs);
        association.knowPeer(peer, peerAcceptsDirect, inboundSessionKey);
        association.recordStarted();
        return association;
    }

    State state()
    {
        return state;
    }

    boolean isOutbound()
    {
        return outbound;
    }

    boolean isEstablished()
    {
        return State.ESTABLISHED == state;
    }

    boolean isClosed()
    {
        return State.CLOSED == state;
    }

    /** Whether this node's half of the handshake (HELLO or HELLO_ACK) still has to be sent. */
    boolean handshakePending()
    {
        return State.CONNECTING == state || State.ACCEPTING == state;
    }

    /** Whether frames have been sent on the publication, so a DISASSOCIATE makes sense to the peer. */
    boolean handshakeSent()
    {
        return State.AWAITING_ACK == state || State.ESTABLISHED == state;
    }

    Outbox outbox()
    {
        return outbox;
    }

    Address localAddress()
    {
        return localAddress;
    }

    Address remoteAddress()
    {
        return remoteAddress;
    }

    /**
     * {@return the incarnation of the peer the handshake is for: as the node registry named it for an initiator
     * (0 if not known), as its HELLO did for an acceptor}
     */
    long addresseeIncarnation()
    {
        return addresseeIncarnation;
    }

    /** The peer as its handshake named it; null until then (an initiator before HELLO_ACK). */
    NodeIdentity peer()
    {
        return peer;
    }

    /** {@return the key of the peer's publication's session ({@link Medium#sessionKey}); NO_SESSION until known} */
    long inboundSessionKey()
    {
        return inboundSessionKey;
    }

    /** {@return what carries the association: IPC, or UDP to a node of another host} */
    Medium medium()
    {
        return outbox.medium();
    }

    boolean peerAcceptsDirect()
    {
        return peerAcceptsDirect;
    }

    /** {@return the upper layer's link; null until established} */
    Link link()
    {
        return link;
    }

    long handshakeDeadlineNs()
    {
        return handshakeDeadlineNs;
    }

    long lastReceivedNs()
    {
        return lastReceivedNs;
    }

    long lastHeartbeatNs()
    {
        return lastHeartbeatNs;
    }

    DirectRoute directRoute()
    {
        return directRoute;
    }

    void directRoute(final DirectRoute route)
    {
        this.directRoute = route;
    }

    DirectSession directSession()
    {
        return directSession;
    }

    void directSession(final DirectSession session)
    {
        this.directSession = session;
    }

    /** A frame arrived from the peer. */
    void onReceived(final long nowNs)
    {
        lastReceivedNs = nowNs;
    }

    /** A heartbeat went out. */
    void onHeartbeat(final long nowNs)
    {
        lastHeartbeatNs = nowNs;
    }

    /** Initiator: HELLO is in the peer's log. */
    void onHelloSent()
    {
        transition(State.CONNECTING, State.AWAITING_ACK);
    }

    /**
     * Initiator: the peer's verified HELLO_ACK arrived on {@code sessionKey}; the association is established and its
     * link made (not yet handed over: see {@link #completeAssociate()}).
     */
    void onHelloAck(final NodeIdentity peer, final boolean peerAcceptsDirect, final long sessionKey,
        final Link link, final long nowNs)
    {
        transition(State.AWAITING_ACK, State.ESTABLISHED);
        knowPeer(peer, peerAcceptsDirect, sessionKey);
        this.link = link;
        this.lastReceivedNs = nowNs;
        recordEstablished();
    }

    /** Acceptor: HELLO_ACK is in the peer's log; the association is established with this link. */
    void onHelloAckSent(final Link link)
    {
        transition(State.ACCEPTING, State.ESTABLISHED);
        this.link = link;
        recordEstablished();
    }

    /** Initiator: hands the link to whoever asked for the association. */
    void completeAssociate()
    {
        associatePromise.complete(link);
    }

    /**
     * Ends the association's state (the caller closes the outbox and tells the peer and classic).
     *
     * @param reason why it ends (for the flight recorder).
     * @return false if it had already ended.
     */
    boolean end(final String reason)
    {
        if (State.CLOSED == state)
        {
            return false;
        }
        final boolean wasEstablished = State.ESTABLISHED == state;
        state = State.CLOSED;
        ShmFlightRecorder.ended(localText, peerText, outbound, medium().label(), incarnation(),
            pekkoUid(), wasEstablished, reason);
        return true;
    }

    /**
     * The initiator's associate promise, failed with {@code cause}, if the association ends before it is
     * established.
     *
     * @return true if there was a promise to fail (the association was never established: no reader gets events).
     */
    boolean failAssociate(final AssociationException cause)
    {
        if (null == associatePromise || null != link)
        {
            return false;
        }
        associatePromise.completeExceptionally(cause);
        return true;
    }

    /** Hands a payload to the upper layer's reader, or keeps it, in order, until the reader has registered. */
    void deliver(final byte[] payload)
    {
        if (null != reader)
        {
            reader.onPayload(payload);
        }
        else
        {
            pending.addLast(payload);
        }
    }

    /** {@return the order of deliveries behind large bodies, null until the first large body arrived} */
    InboundOrder inboundOrder()
    {
        return inboundOrder;
    }

    void inboundOrder(final InboundOrder inboundOrder)
    {
        this.inboundOrder = inboundOrder;
    }

    /** {@return the assembly of the peer's pieced bodies, made on first use} */
    InboundChunks inboundChunks(final long maxBodyLength)
    {
        if (null == inboundChunks)
        {
            inboundChunks = new InboundChunks(maxBodyLength);
        }
        return inboundChunks;
    }

    /**
     * Tells the upper layer's reader the association ended, after what arrived before, including classic payloads
     * still held behind large bodies ({@link InboundOrder}).
     */
    void deliverEnded()
    {
        if (null != inboundChunks && inboundChunks.isMidBody())
        {
            inboundChunks.cutOff("its association with " + remoteAddress + " ended before its last piece arrived");
        }
        if (null == inboundOrder || !inboundOrder.holdEnd())
        {
            deliverEndedNow();
        }
    }

    /** Tells the upper layer's reader the association ended, now. */
    void deliverEndedNow()
    {
        if (null != reader)
        {
            reader.onEnded();
        }
        else
        {
            pending.addLast(ENDED);
        }
    }

    /** The upper layer is ready to read: hand over what arrived before, in order. */
    void readerReady(final LinkReader reader)
    {
        this.reader = reader;
        byte[] payload;
        while (null != (payload = pending.pollFirst()))
        {
            if (ENDED == payload)
            {
                reader.onEnded();
            }
            else
            {
                reader.onPayload(payload);
            }
        }
    }

    private void knowPeer(final NodeIdentity peer, final boolean peerAcceptsDirect, final long sessionKey)
    {
        this.peer = peer;
        this.peerAcceptsDirect = peerAcceptsDirect;
        this.inboundSessionKey = sessionKey;
        outbox.peer(peer);
        outbox.sendCounts().peerIncarnation(peer.incarnation());
    }

    private void recordStarted()
    {
        ShmFlightRecorder.handshakeStarted(localText, peerText, outbound, medium().label(),
            incarnation(), pekkoUid());
    }

    private void recordEstablished()
    {
        ShmFlightRecorder.established(localText, peerText, outbound, medium().label(), incarnation(),
            pekkoUid(), peerAcceptsDirect);
    }

    private long incarnation()
    {
        return null == peer ? 0 : peer.incarnation();
    }

    private long pekkoUid()
    {
        return null == peer ? 0 : peer.pekkoUid();
    }

    /** An address of the transport's scheme as classic and users see it: {@code pekko.shm://system@host:port}. */
    static String fullAddress(final Address address)
    {
        return "pekko." + address;
    }

    private void transition(final State from, final State to)
    {
        if (from != state)
        {
            throw new IllegalStateException(this + ": " + to + " from " + state + ", expected from " + from);
        }
        state = to;
    }

    @Override
    public String toString()
    {
        return (outbound ? "outbound" : "inbound") + " association " + localAddress + " -> " + remoteAddress + " (" +
            state + ")";
    }
}
