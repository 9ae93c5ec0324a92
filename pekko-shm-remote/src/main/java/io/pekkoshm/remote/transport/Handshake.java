package io.pekkoshm.remote.transport;

import io.aeron.ExclusivePublication;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import io.pekkoshm.remote.wire.HelloFlyweight;
import io.pekkoshm.remote.wire.MalformedFrameException;
import org.agrona.DirectBuffer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.event.LoggingAdapter;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The handshake that makes an association (see {@link Association}): the initiator opens a publication into the
 * peer's stream and sends HELLO; the acceptor verifies it, opens a publication back and answers HELLO_ACK naming the
 * initiator's session; both bodies carry the sender's {@link NodeIdentity} and the proof that it knows the
 * directory's secret ({@link HandshakeProof}). A handshake that fails the proof, names another host, or answers an
 * association this node does not have is rejected; one that names another actor system than asked for ends the
 * association.
 * <p>
 * Threading: the node agent's only.
 */
final class Handshake
{
    /** Makes the outbox of a new association's publication. */
    interface OutboxFactory extends Function<ExclusivePublication, Outbox>
    {
    }

    private final String scheme;
    private final NodeIdentity self;
    private final Address localAddress;
    private final Path directory;
    private final String publicationChannel;
    private final long handshakeTimeoutNs;
    private final HandshakeProof proof;
    /** This node's HELLO / HELLO_ACK body: its identity and the proof, made once. */
    private final byte[] helloBody;
    private final NodeRegistry registry;
    private final DriverAttachment driver;
    private final OutboxFactory outboxes;
    private final Associations associations;
    private final Rejections rejections;
    private final DirectRouteKeeper direct;
    private final NodeProxy proxy;
    private final DirectRoutes routes;
    private final WriteFailures writeFailures;
    private final LoggingAdapter log;
    private final FrameHeaderFlyweight frameHeader = new FrameHeaderFlyweight();
    private final HelloFlyweight hello = new HelloFlyweight();
    private NodeListener listener;

    Handshake(
        final String scheme,
        final NodeIdentity self,
        final Address localAddress,
        final Path directory,
        final int termLength,
        final long handshakeTimeoutNs,
        final HandshakeProof proof,
        final NodeRegistry registry,
        final DriverAttachment driver,
        final OutboxFactory outboxes,
        final Associations associations,
        final Rejections rejections,
        final DirectRouteKeeper direct,
        final NodeProxy proxy,
        final DirectRoutes routes,
        final WriteFailures writeFailures,
        final LoggingAdapter log)
    {
        this.scheme = scheme;
        this.self = self;
        this.localAddress = localAddress;
        this.directory = directory;
        this.publicationChannel = "aeron:ipc?term-length=" + termLength;
        this.handshakeTimeoutNs = handshakeTimeoutNs;
        this.proof = proof;
        this.helloBody = proof.sign(self.helloBody());
        this.registry = registry;
        this.driver = driver;
        this.outboxes = outboxes;
        this.associations = associations;
        this.rejections = rejections;
        this.direct = direct;
        this.proxy = proxy;
        this.routes = routes;
        this.writeFailures = writeFailures;
        this.log = log;
    }

    /** The upper layer's listener for inbound associations; HELLOs are only read once it is known. */
    void listener(final NodeListener listener)
    {
        this.listener = listener;
    }

    /** Initiator: a publication into the peer's stream, and HELLO as soon as it is connected. */
    void openOutbound(final Address remote, final CompletableFuture<Link> promise, final long nowNs)
    {
        if (driver.isDetached())
        {
            promise.completeExceptionally(new AssociationException(
                "this pekko.shm node lost its media driver connection; restart the actor system"));
            return;
        }
        final String invalid = validateRemote(remote);
        if (null != invalid)
        {
            promise.completeExceptionally(new AssociationException(invalid));
            return;
        }
        final int port = (Integer)remote.port().get();
        final Optional<NodeRegistry.NodeInfo> node = registry.lookupLive(port);
        if (node.isEmpty())
        {
            promise.completeExceptionally(new AssociationException("No live pekko.shm node at port " + port +
                " of this host (pekko.remote.shm.directory = " + directory + ")"));
            return;
        }
        final ExclusivePublication publication;
        try
        {
            publication = driver.addPublication(publicationChannel, port);
        }
        catch (final RuntimeException ex)
        {
            promise.completeExceptionally(new AssociationException(
                "Could not open a publication to " + remote + ": " + ex, ex));
            return;
        }
        final Association association = Association.outbound(
            outboxes.apply(publication), localAddress, remote, promise, nowNs, handshakeTimeoutNs);
        associations.addOutbound(association);
        trySend(association, nowNs);
    }

    /** Acceptor: a verified HELLO from a new session: a publication back, and HELLO_ACK once connected. */
    void onHello(final int sessionId, final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        final NodeIdentity peer = verifiedIdentity(sessionId, buffer, offset, length);
        if (null == peer)
        {
            return;
        }
        final boolean peerDirect = frameHeader.wrap(buffer, offset).isDirectFlagSet();
        if (!self.host().equals(peer.host()))
        {
            rejections.reject(sessionId, "handshake from " + peer + " names host \"" + peer.host() +
                "\", this node's is \"" + self.host() +
                "\" (pekko.remote.shm.hostname must be the same on every node)");
            return;
        }
        final ExclusivePublication publication;
        try
        {
            publication = driver.addPublication(publicationChannel, peer.port());
        }
        catch (final RuntimeException ex)
        {
            rejections.reject(sessionId, "could not open a publication back to " + peer + ": " + ex);
            return;
        }
        final Address remote = new Address(scheme, peer.system(), peer.host(), peer.port());
        final Association association = Association.inbound(
            outboxes.apply(publication), localAddress, remote, peer, peerDirect, sessionId, nowNs, handshakeTimeoutNs);
        associations.addInbound(association);
        trySend(association, nowNs);
    }

    /** Initiator: the peer's HELLO_ACK; the association is established and whoever asked gets its link. */
    void onHelloAck(final int sessionId, final DirectBuffer buffer, final int offset, final int length,
        final long nowNs)
    {
        final int initiatorSession = frameHeader.wrap(buffer, offset).argument();
        final Association association = associations.takeAwaitingAck(initiatorSession);
        if (null == association)
        {
            rejections.reject(sessionId, "handshake reply for an association this node does not have (session " +
                initiatorSession + ")");
            return;
        }
        final NodeIdentity peer = verifiedIdentity(sessionId, buffer, offset, length);
        if (null == peer)
        {
            associations.keepAwaitingAck(initiatorSession, association); // a forged reply does not end the real one
            return;
        }
        final Address asked = association.remoteAddress();
        if (!asked.system().equals(peer.system()) || peer.port() != (Integer)asked.port().get())
        {
            associations.end(association, "the node at port " + peer.port() + " is actor system \"" +
                peer.system() + "\", not the one asked for (" + asked + ")", true, false);
            return;
        }
        association.onHelloAck(peer, frameHeader.wrap(buffer, offset).isDirectFlagSet(), sessionId,
            newLink(association), nowNs);
        associations.established(association);
        direct.start(association);
        log.debug("Associated with {}", peer);
        association.completeAssociate();
    }

    /**
     * Sends HELLO (initiator) or HELLO_ACK (acceptor) once the publication is connected; the acceptor then tells
     * the upper layer. Ends the association when the handshake timeout passes first.
     *
     * @return true if sent.
     */
    boolean trySend(final Association association, final long nowNs)
    {
        final boolean outbound = association.isOutbound();
        if (association.outbox().isConnected() && association.outbox().sendControl(
            outbound ? FrameHeaderFlyweight.HELLO : FrameHeaderFlyweight.HELLO_ACK,
            outbound ? 0 : association.inboundSessionId(), helloBody,
            direct.acceptsDirect() ? FrameHeaderFlyweight.FLAG_DIRECT : 0))
        {
            if (outbound)
            {
                association.onHelloSent();
            }
            else
            {
                association.onHelloAckSent(newLink(association));
                direct.start(association);
                log.debug("Accepted association from {}", association.peer());
                listener.onInboundLink(association.link());
            }
            return true;
        }
        if (nowNs - association.handshakeDeadlineNs() > 0)
        {
            associations.end(association, "no handshake within pekko.remote.shm.handshake-timeout (" +
                TimeUnit.NANOSECONDS.toMillis(handshakeTimeoutNs) + " ms)", false, false);
        }
        return false;
    }

    private String validateRemote(final Address remote)
    {
        if (!scheme.equals(remote.protocol()) || remote.host().isEmpty() || remote.port().isEmpty())
        {
            return "Not a pekko." + scheme + " address with host and port: " + remote;
        }
        if (!self.host().equals(remote.host().get()))
        {
            return "pekko.shm reaches only nodes of this host, named \"" + self.host() +
                "\" (pekko.remote.shm.hostname); cannot associate with " + remote;
        }
        return null;
    }

    /** The identity in a handshake body, if its proof holds; null (the session rejected) if not. */
    private NodeIdentity verifiedIdentity(final int sessionId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final int bodyLength = length - FrameHeaderFlyweight.LENGTH;
        if (!proof.verify(buffer, offset + FrameHeaderFlyweight.LENGTH, bodyLength))
        {
            rejections.reject(sessionId, "its handshake does not prove that it knows the secret of " + directory +
                " (not a pekko-shm node of this directory and OS user)");
            return null;
        }
        hello.wrap(buffer, offset + FrameHeaderFlyweight.LENGTH);
        final String malformed = hello.validate(bodyLength - HandshakeProof.LENGTH);
        if (null != malformed)
        {
            throw new MalformedFrameException(malformed);
        }
        return NodeIdentity.from(hello);
    }

    private Link newLink(final Association association)
    {
        return new AssociationLink(association, proxy, routes, writeFailures);
    }
}
