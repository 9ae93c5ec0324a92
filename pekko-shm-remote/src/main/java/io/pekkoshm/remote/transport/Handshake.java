package io.pekkoshm.remote.transport;

import io.aeron.ExclusivePublication;
import io.pekkoshm.remote.CrossHostSettings;
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
 * directory's secret, or the cluster's with {@code cross-host.secret-file} ({@link HandshakeProof}). A handshake that
 * fails the proof, comes over IPC naming another host, or answers an association this node does not have is rejected;
 * one that names another actor system than asked for ends the association.
 * <p>
 * The medium of an association is chosen here, per peer: a node registered in this host's directory under the
 * address asked for is reached over IPC; with {@code cross-host.enabled} any other over UDP, to the host and port of
 * its address. An acceptor answers over the medium the HELLO came by.
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
    /** Handshake flags of this node besides the direct path's: {@link FrameHeaderFlyweight#FLAG_CHUNKS}. */
    private final short flags;
    private final NodeIdentity self;
    private final Address localAddress;
    private final Path directory;
    /** What the proof is keyed with, for the log: the directory's secret or the cluster's secret file. */
    private final String secretSource;
    private final String publicationChannel;
    /** The parameters of a UDP publication after its endpoint; null when the node reaches only this host. */
    private final String udpParameters;
    private final long handshakeTimeoutNs;
    private final HandshakeProof proof;
    /** This node's HELLO / HELLO_ACK body: its identity and the proof, made once. */
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
        final CrossHostSettings crossHost,
        final boolean readsPieces,
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
        this.flags = readsPieces ? FrameHeaderFlyweight.FLAG_CHUNKS : 0;
        this.self = self;
        this.localAddress = localAddress;
        this.directory = directory;
        this.publicationChannel = "aeron:ipc?term-length=" + termLength;
        this.secretSource = null == crossHost.secretFile() ? "the secret of " + directory :
            "the secret of pekko.remote.shm.cross-host.secret-file (" + crossHost.secretFile() + ")";
        this.udpParameters = crossHost.enabled() ? crossHost.publicationParameters() : null;
        this.handshakeTimeoutNs = handshakeTimeoutNs;
        this.proof = proof;
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
        final String host = remote.host().get();
        final Optional<NodeRegistry.NodeInfo> node =
            self.host().equals(host) ? registry.lookupLive(port) : Optional.empty();
        if (node.isEmpty() && null == udpParameters)
        {
            promise.completeExceptionally(new AssociationException("No live pekko.shm node at port " + port +
                " of this host (pekko.remote.shm.directory = " + directory + ")"));
            return;
        }
        final ExclusivePublication publication;
        try
        {
            publication = node.isPresent() ? driver.addPublication(publicationChannel, node.get().streamId()) :
                driver.addPublication(udpChannel(host, port), port);
        }
        catch (final RuntimeException ex)
        {
            promise.completeExceptionally(new AssociationException(
                "Could not open a publication to " + remote + ": " + ex, ex));
            return;
        }
        final Association association = Association.outbound(outboxes.apply(publication), localAddress, remote,
            promise, node.map(NodeRegistry.NodeInfo::incarnation).orElse(0L), nowNs, handshakeTimeoutNs);
        associations.addOutbound(association);
        trySend(association, nowNs);
    }

    /** Acceptor: a verified HELLO from a new session: a publication back, and HELLO_ACK once connected. */
    void onHello(final long sessionKey, final DirectBuffer buffer, final int offset, final int length,
        final long nowNs)
    {
        final NodeIdentity peer = verifiedIdentity(sessionKey, buffer, offset, length);
        if (null == peer)
        {
            return;
        }
        final long addressee = addresseeOf(length);
        if (!isForThisNode(addressee))
        {
            rejections.reject(sessionKey, "a HELLO for " + Long.toHexString(addressee) +
                ", the incarnation of the node this one (" +
                Long.toHexString(self.incarnation()) + ") replaced on port " + self.port() + ", from " + peer +
                ": its publication to that node, read from where that node stopped (ignored, as is the rest of it)");
            return;
        }
        final boolean peerDirect = frameHeader.wrap(buffer, offset).isDirectFlagSet();
        final boolean overIpc = Medium.IPC == Medium.of(sessionKey);
        if (overIpc && !self.host().equals(peer.host()))
        {
            rejections.reject(sessionKey, "handshake from " + peer + " names host \"" + peer.host() +
                "\", this node's is \"" + self.host() +
                "\" (pekko.remote.shm.hostname must be the same on every node of a host)");
            return;
        }
        final ExclusivePublication publication;
        try
        {
            publication = overIpc ? driver.addPublication(publicationChannel, ipcStreamOf(peer)) :
                driver.addPublication(udpChannel(peer.host(), peer.port()), peer.port());
        }
        catch (final RuntimeException ex)
        {
            rejections.reject(sessionKey, "could not open a publication back to " + peer + ": " + ex);
            return;
        }
        final Address remote = new Address(scheme, peer.system(), peer.host(), peer.port());
        final Association association = Association.inbound(
            outboxes.apply(publication), localAddress, remote, peer, peerDirect, sessionKey, nowNs, handshakeTimeoutNs);
        association.outbox().peerTakesPieces(frameHeader.wrap(buffer, offset).isChunksFlagSet());
        associations.addInbound(association);
        trySend(association, nowNs);
    }

    /** Initiator: the peer's HELLO_ACK; the association is established and whoever asked gets its link. */
    void onHelloAck(final long sessionKey, final DirectBuffer buffer, final int offset, final int length,
        final long nowNs)
    {
        final int initiatorSession = frameHeader.wrap(buffer, offset).argument();
        final Association association = associations.takeAwaitingAck(initiatorSession);
        if (null == association)
        {
            rejections.reject(sessionKey, "handshake reply for an association this node does not have (session " +
                initiatorSession + ")");
            return;
        }
        final NodeIdentity peer = verifiedIdentity(sessionKey, buffer, offset, length);
        final long addressee = null == peer ? 0 : addresseeOf(length);
        if (null == peer || !isForThisNode(addressee))
        {
            associations.keepAwaitingAck(initiatorSession, association); // a forged reply does not end the real one
            if (null != peer)
            {
                rejections.reject(sessionKey, "a HELLO_ACK for incarnation " + Long.toHexString(addressee) +
                    ", not this node's");
            }
            return;
        }
        final Address asked = association.remoteAddress();
        if (!asked.system().equals(peer.system()) || peer.port() != (Integer)asked.port().get())
        {
            associations.end(association, "the node at port " + peer.port() + " is actor system \"" +
                peer.system() + "\", not the one asked for (" + asked + ")", true, false);
            return;
        }
        association.outbox().peerTakesPieces(frameHeader.wrap(buffer, offset).isChunksFlagSet());
        association.onHelloAck(peer, frameHeader.wrap(buffer, offset).isDirectFlagSet(), sessionKey,
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
            outbound ? 0 : Medium.sessionId(association.inboundSessionKey()),
            proof.sign(self.helloBody(association.addresseeIncarnation())),
            (short)(flags | (direct.acceptsDirect() ? FrameHeaderFlyweight.FLAG_DIRECT : 0))))
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
        if (null == udpParameters && !self.host().equals(remote.host().get()))
        {
            return "pekko.shm reaches only nodes of this host, named \"" + self.host() +
                "\" (pekko.remote.shm.hostname), unless pekko.remote.shm.cross-host.enabled = on; cannot associate " +
                "with " + remote;
        }
        return null;
    }

    /** {@return the incarnation the handshake just verified names as its addressee (0: none)} */
    private long addresseeOf(final int frameLength)
    {
        return hello.addresseeIncarnation(identityLength(frameLength));
    }

    /**
     * Whether a handshake naming {@code addressee} is for this node: it names this node's incarnation, or none (a
     * node of another host, or of an earlier release). One naming another is in a publication to the node this one
     * replaced on its port: Aeron lets a new subscription join such a publication where the dead node's stopped
     * reading.
     */
    private boolean isForThisNode(final long addressee)
    {
        return 0 == addressee || self.incarnation() == addressee;
    }

    /** The length of a handshake frame's identity body: the frame less its header and the proof. */
    private static int identityLength(final int frameLength)
    {
        return frameLength - FrameHeaderFlyweight.LENGTH - HandshakeProof.LENGTH;
    }

    /** The identity in a handshake body, if its proof holds; null (the session rejected) if not. */
    private NodeIdentity verifiedIdentity(final long sessionKey, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final int bodyLength = length - FrameHeaderFlyweight.LENGTH;
        if (!proof.verify(buffer, offset + FrameHeaderFlyweight.LENGTH, bodyLength))
        {
            rejections.reject(sessionKey, "its handshake does not prove that it knows " + secretSource +
                " (not a pekko-shm node of this directory and OS user, or one whose " +
                "pekko.remote.shm.cross-host.secret-file names other bytes, or none)");
            return null;
        }
        hello.wrap(buffer, offset + FrameHeaderFlyweight.LENGTH);
        final String malformed = hello.validate(identityLength(length));
        if (null != malformed)
        {
            throw new MalformedFrameException(malformed);
        }
        return NodeIdentity.from(hello);
    }

    /**
     * The IPC stream of a node of this host that sent a HELLO, as its node file names it; its port if the file names
     * another incarnation or is gone (a node of an earlier release has no generation, so its stream is its port).
     */
    private int ipcStreamOf(final NodeIdentity peer)
    {
        return registry.lookupLive(peer.port())
            .filter(node -> node.incarnation() == peer.incarnation())
            .map(NodeRegistry.NodeInfo::streamId)
            .orElse(peer.port());
    }

    /** A UDP publication's channel to a node of another host, at the host and port of its address. */
    private String udpChannel(final String host, final int port)
    {
        return "aeron:udp?endpoint=" + host + ":" + port + udpParameters;
    }

    private Link newLink(final Association association)
    {
        return new AssociationLink(association, proxy, routes, writeFailures);
    }
}
