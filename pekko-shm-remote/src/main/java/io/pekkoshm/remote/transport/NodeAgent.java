package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.blob.BlobPool;
import io.pekkoshm.remote.blob.BlobReader;
import io.pekkoshm.remote.blob.BlobStoreException;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.host.ProcessLiveness;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.apache.pekko.actor.Address;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.remote.transport.AssociationHandle;
import org.apache.pekko.remote.transport.Transport;
import org.apache.pekko.util.ByteString;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Promise;
import scala.runtime.BoxedUnit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The node's one thread: polls the node's IPC stream, runs handshakes, delivers inbound payloads to classic
 * remoting and direct-path envelopes to their {@link DirectSession}, flushes staged writes, sends heartbeats, ends
 * associations whose peer is gone, and attaches the node to a new media driver when it loses its own.
 * <p>
 * Single writer: only this agent touches the association tables. Other threads (classic remoting, Aeron's client
 * conductor) hand it work through {@link #commands}. Payload writes do not pass through here: they go from the
 * caller's thread into the association's {@link Outbox}.
 * <p>
 * Peer failure is noticed three ways: the peer's process is gone (checked every {@code heartbeat-interval}: a
 * {@code kill -9} is seen within one interval), nothing heard for {@code peer-timeout} (a paused or hung peer), or
 * the peer's publication image goes away.
 */
@SuppressWarnings("deprecation")
final class NodeAgent implements Agent
{
    private static final long ATTACH_RETRY_NS = TimeUnit.SECONDS.toNanos(1);

    private static final byte[] EMPTY = new byte[0];

    /** Told when the process of a peer has exited, once per peer incarnation. */
    interface PeerExitListener
    {
        void onPeerProcessExit(Address address, NodeIdentity peer);
    }

    private final ShmSettings settings;
    private final String scheme;
    /** The current driver connection's client and the node's subscription; replaced when the node attaches again. */
    private Aeron aeron;
    private Subscription subscription;
    /** The driver's process while attached (0 when it runs in this JVM): checked every heartbeat-interval. */
    private long driverPid;
    /** Attaches the node to a (new) driver after it lost its own; null when the driver runs in this JVM. */
    private final Reattacher reattacher;
    private long nextAttachNs;
    private int failedAttaches;
    private final NodeIdentity self;
    private final Address localAddress;
    private final TransportCounters counters;
    private final NodeRegistry registry;
    private final LoggingAdapter log;
    private final PeerExitListener peerExitListener;
    /** This node's blob pool and the reader of the peers' blobs; both null when the blob store is off. */
    private final BlobPool blobPool;
    private final BlobReader blobReader;
    private final DirectRoutes directRoutes;
    /** Proves this node's handshakes and checks the peers' (the directory's secret). */
    private final HandshakeProof proof;
    /** This node's HELLO / HELLO_ACK body: its identity and the proof, made once. */
    private final byte[] helloBody;
    private final long maxBlobLength;
    private final Promise<Transport.AssociationEventListener> listenerPromise;
    private final String publicationChannel;
    private final long heartbeatIntervalNs;
    private final long peerTimeoutNs;
    private final long handshakeTimeoutNs;

    private final ManyToOneConcurrentLinkedQueue<Runnable> commands = new ManyToOneConcurrentLinkedQueue<>();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    private final Int2ObjectHashMap<Association> bySession = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<Association> awaitingAck = new Int2ObjectHashMap<>();
    private final ArrayList<Association> associations = new ArrayList<>();
    private final IntHashSet rejectedSessions = new IntHashSet();
    /** Inbound sessions of associations this node has ended: their late frames are expected, not hostile. */
    private final IntHashSet endedSessions = new IntHashSet();
    /** Peers already named in the "runs without the direct path" line: it is logged once per peer address. */
    private final HashSet<Address> classicOnlyPeersLogged = new HashSet<>();
    /** Wraps the bytes of a DIRECT body that came through the blob store. */
    private final UnsafeBuffer blobBody = new UnsafeBuffer(EMPTY);
    private Transport.AssociationEventListener listener;
    /** The Aeron client has closed under this node (driver gone, or the client timed out): nothing to touch now. */
    private boolean detached;
    private long nowNs;
    private long nextPeriodicNs;

    NodeAgent(
        final ShmSettings settings,
        final String scheme,
        final Aeron aeron,
        final Subscription subscription,
        final NodeIdentity self,
        final Address localAddress,
        final TransportCounters counters,
        final NodeRegistry registry,
        final LoggingAdapter log,
        final PeerExitListener peerExitListener,
        final Promise<Transport.AssociationEventListener> listenerPromise,
        final BlobPool blobPool,
        final BlobReader blobReader,
        final DirectRoutes directRoutes,
        final HandshakeProof proof,
        final long driverPid,
        final Reattacher reattacher)
    {
        this.driverPid = driverPid;
        this.reattacher = reattacher;
        this.proof = proof;
        this.helloBody = proof.sign(HelloFlyweight.encode(self));
        this.directRoutes = directRoutes;
        this.maxBlobLength = settings.blob().maxBytes() > 0 ? BlobPool.largestPayload(settings.blob().maxBytes()) : 0;
        this.settings = settings;
        this.scheme = scheme;
        this.aeron = aeron;
        this.subscription = subscription;
        this.self = self;
        this.localAddress = localAddress;
        this.counters = counters;
        this.registry = registry;
        this.log = log;
        this.peerExitListener = peerExitListener;
        this.listenerPromise = listenerPromise;
        this.blobPool = blobPool;
        this.blobReader = blobReader;
        this.publicationChannel = "aeron:ipc?term-length=" + settings.transport().termLength();
        this.heartbeatIntervalNs = settings.transport().heartbeatInterval().toNanos();
        this.peerTimeoutNs = settings.transport().peerTimeout().toNanos();
        this.handshakeTimeoutNs = settings.transport().handshakeTimeout().toNanos();
    }

    @Override
    public String roleName()
    {
        return "pekko-shm-node-" + self.port();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Entry points for other threads: each hands a command to the agent.
    // ---------------------------------------------------------------------------------------------------------------

    void associate(final Address remote, final Promise<AssociationHandle> promise)
    {
        commands.offer(() -> openOutbound(remote, promise));
    }

    void disassociate(final Association association, final String reason)
    {
        commands.offer(() -> close(association, reason, true, false));
    }

    void onImageUnavailable(final int sessionId)
    {
        commands.offer(() ->
        {
            endedSessions.remove(sessionId);
            rejectedSessions.remove(sessionId);
            final Association association = bySession.get(sessionId);
            if (null != association)
            {
                close(association, "the peer's publication went away", false, true);
            }
        });
    }

    void onBlobFailure(final Association association, final int length, final BlobStoreException failure)
    {
        counters.dropped.increment();
        log.error("Dropped a payload of {} bytes to {}: {}", length, association.remoteAddress, failure.getMessage());
    }

    void onOversizedWrite(final Association association, final int length)
    {
        counters.dropped.increment();
        log.error("Dropped a payload of {} bytes to {}: larger than the largest Aeron message of this transport " +
            "({} bytes, from pekko.remote.shm.term-length = {}).", length, association.remoteAddress,
            association.outbox.maxPayloadLength(), settings.transport().termLength());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Duty cycle.
    // ---------------------------------------------------------------------------------------------------------------

    @Override
    public int doWork()
    {
        nowNs = System.nanoTime();
        int work = 0;
        if (!detached && aeron.isClosed())
        {
            detach("its Aeron client closed (the driver stopped answering for pekko.remote.shm.driver.timeout, or this " +
                "JVM paused longer than driver.client-liveness-timeout)");
            work++;
        }
        Runnable command;
        while (null != (command = commands.poll()))
        {
            command.run();
            work++;
        }
        if (detached)
        {
            return null != reattacher && nowNs - nextAttachNs >= 0 ? work + attachAgain() : work;
        }

        if (null == listener && listenerPromise.isCompleted())
        {
            listener = listenerPromise.future().value().get().get();
        }
        if (null != listener)
        {
            work += subscription.poll(assembler, settings.transport().fragmentLimit());
        }

        for (int i = associations.size() - 1; i >= 0; i--)
        {
            final Association association = associations.get(i);
            if (!association.handshakeSent)
            {
                work += trySendHandshake(association) ? 1 : 0;
            }
            else if (association.outbox.hasStaged() && association.outbox.flush())
            {
                work++;
            }
        }

        final boolean periodic = nowNs - nextPeriodicNs >= 0;
        if (null != blobPool && (periodic || blobPool.inFlightCount() > 0))
        {
            work += blobPool.sweep(nowNs, periodic);
        }
        if (periodic)
        {
            nextPeriodicNs = nowNs + heartbeatIntervalNs;
            if (driverPid > 0 && !ProcessLiveness.isAlive(driverPid, 0))
            {
                // end every association before the client goes, so no writer touches a log it unmaps
                detach("the media driver's process (pid " + driverPid + ") has exited");
                CloseHelper.quietClose(aeron);
                return work + 1;
            }
            counters.publish();
            checkPeers();
            if (null != blobReader)
            {
                blobReader.sweep(nowNs);
            }
        }
        return work;
    }

    /**
     * The connection to the media driver is gone (its process exited, or the Aeron client closed itself: driver
     * unresponsive, or this JVM paused longer than driver.client-liveness-timeout). Nothing of that client is touched
     * again: every association ends (classic is told, staged messages are counted as dropped, and classic
     * remoting's at-most-once rules apply to what was in flight). With a driver outside this JVM the node then
     * attaches again ({@link #attachAgain()}); associations form again as messages are sent.
     */
    private void detach(final String why)
    {
        detached = true;
        nextAttachNs = nowNs;
        log.error("pekko.shm node {} lost its media driver ({}): {}. All its associations end{}", localAddress,
            settings.driver().aeronDirectory(), why, null != reattacher ?
            "; it attaches to a new driver (driver.mode = " + settings.driver().mode() +
            ") and associations form again " +
            "as messages are sent." :
            ". The driver ran in this JVM (driver.mode = embedded): restart the actor system to attach again.");
        for (int i = associations.size() - 1; i >= 0; i--)
        {
            final Association association = associations.get(i);
            association.closed = true;
            endDirect(association);
            if (null != blobReader && null != association.peer)
            {
                blobReader.forgetPeer(association.peer.pid(), association.peer.incarnation());
            }
            final int unsent = association.outbox.abandon();
            counters.associations.decrement();
            if (unsent > 0)
            {
                log.warning("{} message(s) to {} were not sent (media driver connection lost). Counted as dropped.",
                    unsent, association.remoteAddress);
            }
            if (null != association.associatePromise && !association.established)
            {
                association.associatePromise.tryFailure(new Transport.InvalidAssociationException(
                    "media driver connection lost", null));
            }
            else if (null != association.handle)
            {
                association.deliver(new AssociationHandle.Disassociated(AssociationHandle.Unknown$.MODULE$));
            }
        }
        associations.clear();
        bySession.clear();
        awaitingAck.clear();
    }

    /** Attaches the node to a driver again (starting one in auto mode); retried every second until it works. */
    private int attachAgain()
    {
        try
        {
            final Reattacher.Attachment attachment = reattacher.reattach();
            aeron = attachment.aeron();
            subscription = attachment.subscription();
            driverPid = attachment.driverPid();
            detached = false;
            failedAttaches = 0;
            rejectedSessions.clear();
            endedSessions.clear();
            log.warning("pekko.shm node {} is attached to a media driver again (pid {}); its peers can reach it, and " +
                "associations form again as messages are sent.", localAddress, driverPid);
            return 1;
        }
        catch (final Exception ex)
        {
            failedAttaches++;
            nextAttachNs = nowNs + ATTACH_RETRY_NS;
            if (1 == failedAttaches || 0 == failedAttaches % 30)
            {
                log.error("pekko.shm node {} could not attach to a media driver again ({} attempt(s), retrying every " +
                    "second): {}", localAddress, failedAttaches, ex.getMessage());
            }
            return 0;
        }
    }

    /** The direct routes, for the handles of classic's writing threads. */
    DirectRoutes directRoutes()
    {
        return directRoutes;
    }

    /** Whether the node lost its media driver connection. */
    boolean isDetached()
    {
        return detached;
    }

    @Override
    public void onClose()
    {
        if (detached)
        {
            return;
        }
        for (int i = associations.size() - 1; i >= 0; i--)
        {
            close(associations.get(i), "this node is shutting down", true, false);
        }
        Runnable command;
        while (null != (command = commands.poll()))
        {
            command.run();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Handshake.
    // ---------------------------------------------------------------------------------------------------------------

    private void openOutbound(final Address remote, final Promise<AssociationHandle> promise)
    {
        if (detached)
        {
            promise.tryFailure(new Transport.InvalidAssociationException(
                "this pekko.shm node lost its media driver connection; restart the actor system", null));
            return;
        }
        final String invalid = validateRemote(remote);
        if (null != invalid)
        {
            promise.tryFailure(new Transport.InvalidAssociationException(invalid, null));
            return;
        }
        final int port = (Integer)remote.port().get();
        final Optional<NodeRegistry.NodeInfo> node = registry.lookupLive(port);
        if (node.isEmpty())
        {
            promise.tryFailure(new Transport.InvalidAssociationException("No live pekko.shm node at port " + port +
                " of this host (pekko.remote.shm.directory = " + settings.transport().directory() + ")", null));
            return;
        }
        final ExclusivePublication publication;
        try
        {
            publication = aeron.addExclusivePublication(publicationChannel, port);
        }
        catch (final RuntimeException ex)
        {
            promise.tryFailure(new Transport.InvalidAssociationException("Could not open a publication to " + remote + ": " + ex, ex));
            return;
        }
        final Association association = new Association(
            true, newOutbox(publication), localAddress, remote, nowNs);
        association.associatePromise = promise;
        association.handshakeDeadlineNs = nowNs + handshakeTimeoutNs;
        awaitingAck.put(publication.sessionId(), association);
        associations.add(association);
        counters.associations.increment();
        trySendHandshake(association);
    }

    private Outbox newOutbox(final ExclusivePublication publication)
    {
        return new Outbox(publication, settings.transport().outboundBatchSize(), counters, blobPool,
            settings.blob().threshold(),
            maxBlobLength);
    }

    private String validateRemote(final Address remote)
    {
        if (!scheme.equals(remote.protocol()) || remote.host().isEmpty() || remote.port().isEmpty())
        {
            return "Not a pekko." + scheme + " address with host and port: " + remote;
        }
        if (!self.host().equals(remote.host().get()))
        {
            return "pekko.shm reaches only nodes of this host, named \"" + self.host() + "\" (pekko.remote.shm.hostname); " +
                "cannot associate with " + remote;
        }
        return null;
    }

    /**
     * The identity in a handshake body, if its proof holds; null (the session rejected) if not.
     */
    private NodeIdentity verifiedIdentity(final int sessionId, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final int bodyLength = length - FrameHeader.LENGTH;
        if (!proof.verify(buffer, offset + FrameHeader.LENGTH, bodyLength))
        {
            reject(sessionId, "its handshake does not prove that it knows the secret of " +
                settings.transport().directory() +
                " (not a pekko-shm node of this directory and OS user)");
            return null;
        }
        return HelloFlyweight.read(buffer, offset + FrameHeader.LENGTH, bodyLength - HandshakeProof.LENGTH);
    }

    private void onHello(final int sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        final NodeIdentity peer = verifiedIdentity(sessionId, buffer, offset, length);
        if (null == peer)
        {
            return;
        }
        final boolean peerDirect = 0 != (FrameHeader.flags(buffer, offset) & FrameHeader.FLAG_DIRECT);
        if (!self.host().equals(peer.host()))
        {
            reject(sessionId, "handshake from " + peer + " names host \"" + peer.host() + "\", this node's is \"" +
                self.host() + "\" (pekko.remote.shm.hostname must be the same on every node)");
            return;
        }
        final ExclusivePublication publication;
        try
        {
            publication = aeron.addExclusivePublication(publicationChannel, peer.port());
        }
        catch (final RuntimeException ex)
        {
            reject(sessionId, "could not open a publication back to " + peer + ": " + ex);
            return;
        }
        final Address remote = new Address(scheme, peer.system(), peer.host(), peer.port());
        final Association association = new Association(
            false, newOutbox(publication), localAddress, remote, nowNs);
        association.peer = peer;
        association.peerAcceptsDirect = peerDirect;
        association.outbox.peer(peer);
        association.inboundSessionId = sessionId;
        association.handshakeDeadlineNs = nowNs + handshakeTimeoutNs;
        bySession.put(sessionId, association);
        associations.add(association);
        counters.associations.increment();
        trySendHandshake(association);
    }

    private void onHelloAck(final int sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        final int initiatorSession = FrameHeader.argument(buffer, offset);
        final Association association = awaitingAck.remove(initiatorSession);
        if (null == association)
        {
            reject(sessionId, "handshake reply for an association this node does not have (session " + initiatorSession + ")");
            return;
        }
        final NodeIdentity peer = verifiedIdentity(sessionId, buffer, offset, length);
        if (null == peer)
        {
            awaitingAck.put(initiatorSession, association); // a forged reply does not end the real handshake
            return;
        }
        final Address asked = association.remoteAddress;
        if (!asked.system().equals(peer.system()) || peer.port() != (Integer)asked.port().get())
        {
            close(association, "the node at port " + peer.port() + " is actor system \"" + peer.system() +
                "\", not the one asked for (" + asked + ")", true, false);
            return;
        }
        association.peer = peer;
        association.peerAcceptsDirect = 0 != (FrameHeader.flags(buffer, offset) & FrameHeader.FLAG_DIRECT);
        association.outbox.peer(peer);
        association.inboundSessionId = sessionId;
        association.established = true;
        association.lastReceivedNs = nowNs;
        bySession.put(sessionId, association);
        association.handle = newHandle(association);
        startDirect(association);
        log.debug("Associated with {}", peer);
        association.associatePromise.trySuccess(association.handle);
    }

    /** Sends HELLO (initiator) or HELLO_ACK (acceptor) once the publication is connected; the acceptor then tells classic. */
    private boolean trySendHandshake(final Association association)
    {
        if (association.outbox.isConnected() && association.outbox.sendControl(
            association.outbound ? FrameHeader.HELLO : FrameHeader.HELLO_ACK,
            association.outbound ? 0 : association.inboundSessionId, helloBody,
            directRoutes.acceptsDirect() ? FrameHeader.FLAG_DIRECT : 0))
        {
            association.handshakeSent = true;
            if (!association.outbound)
            {
                association.established = true;
                association.handle = newHandle(association);
                startDirect(association);
                log.debug("Accepted association from {}", association.peer);
                listener.notify(new Transport.InboundAssociation(association.handle));
            }
            return true;
        }
        if (nowNs - association.handshakeDeadlineNs > 0)
        {
            close(association, "no handshake within pekko.remote.shm.handshake-timeout (" +
                settings.transport().handshakeTimeout().toMillis() + " ms)", false, false);
        }
        return false;
    }

    private ShmAssociationHandle newHandle(final Association association)
    {
        final ShmAssociationHandle handle = new ShmAssociationHandle(association, this);
        handle.readHandlerPromise().future().onComplete(result ->
        {
            if (result.isSuccess())
            {
                commands.offer(() -> association.listenerReady(result.get()));
            }
            return BoxedUnit.UNIT;
        }, ExecutionContext.parasitic$.MODULE$);
        return handle;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Inbound frames.
    // ---------------------------------------------------------------------------------------------------------------

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int sessionId = header.sessionId();
        if (length < FrameHeader.LENGTH || FrameHeader.VERSION != FrameHeader.version(buffer, offset))
        {
            final Association association = bySession.get(sessionId);
            final String reason = length < FrameHeader.LENGTH ? "a frame of " + length + " bytes" :
                "wire format version " + FrameHeader.version(buffer, offset) + ", this node speaks " + FrameHeader.VERSION;
            if (null != association)
            {
                counters.rejected.increment();
                close(association, "the peer sent " + reason, true, true);
            }
            else
            {
                reject(sessionId, reason);
            }
            return;
        }

        final byte type = FrameHeader.type(buffer, offset);
        final Association association = bySession.get(sessionId);
        try
        {
            if (null == association)
            {
                if (endedSessions.contains(sessionId))
                {
                    onLateFrame(sessionId, buffer, offset, length, type);
                }
                else if (FrameHeader.HELLO == type)
                {
                    onHello(sessionId, buffer, offset, length);
                }
                else if (FrameHeader.HELLO_ACK == type)
                {
                    onHelloAck(sessionId, buffer, offset, length);
                }
                else
                {
                    reject(sessionId, FrameHeader.typeName(type) + " frame from a session without handshake");
                }
                return;
            }

            association.lastReceivedNs = nowNs;
            switch (type)
            {
                case FrameHeader.DATA:
                    deliver(association, buffer, offset + FrameHeader.LENGTH, length - FrameHeader.LENGTH);
                    break;
                case FrameHeader.DIRECT:
                    deliverDirect(association, buffer, offset + FrameHeader.LENGTH, length - FrameHeader.LENGTH);
                    break;
                case FrameHeader.BATCH:
                    deliverBatch(association, buffer, offset, length);
                    break;
                case FrameHeader.BLOB:
                    deliverBlob(association, buffer, offset, length);
                    break;
                case FrameHeader.HEARTBEAT:
                case FrameHeader.HELLO:
                case FrameHeader.HELLO_ACK:
                    break;
                case FrameHeader.DISASSOCIATE:
                    close(association, "the peer ended it", false, true);
                    break;
                default:
                    throw new MalformedFrameException("unknown frame type " + type);
            }
        }
        catch (final MalformedFrameException ex)
        {
            if (null != association)
            {
                counters.rejected.increment();
                close(association, "malformed frame from the peer: " + ex.getMessage(), true, true);
            }
            else
            {
                reject(sessionId, ex.getMessage());
            }
        }
    }

    private void deliverBatch(final Association association, final DirectBuffer buffer, final int offset, final int length)
    {
        final int count = FrameHeader.argument(buffer, offset);
        final int end = offset + length;
        int position = offset + FrameHeader.LENGTH;
        for (int i = 0; i < count; i++)
        {
            if (position + FrameHeader.BATCH_RECORD_HEADER_LENGTH > end)
            {
                throw new MalformedFrameException("batch of " + count + " ends after " + i + " payloads");
            }
            final int payloadLength = buffer.getInt(position);
            final int recordType = buffer.getInt(position + FrameHeader.BATCH_RECORD_TYPE_OFFSET);
            position += FrameHeader.BATCH_RECORD_HEADER_LENGTH;
            if (payloadLength < 0 || payloadLength > end - position)
            {
                throw new MalformedFrameException("batch payload length " + payloadLength + " does not fit the frame");
            }
            if (FrameHeader.DATA == recordType)
            {
                deliver(association, buffer, position, payloadLength);
            }
            else if (FrameHeader.DIRECT == recordType)
            {
                deliverDirect(association, buffer, position, payloadLength);
            }
            else
            {
                throw new MalformedFrameException("batch record of type " + recordType);
            }
            position += payloadLength;
        }
    }

    private void deliverBlob(final Association association, final DirectBuffer buffer, final int offset, final int length)
    {
        final int bodyType = FrameHeader.argument(buffer, offset);
        if (null == blobReader || length < FrameHeader.BLOB_FRAME_LENGTH ||
            (FrameHeader.DATA != bodyType && FrameHeader.DIRECT != bodyType))
        {
            throw new MalformedFrameException(null == blobReader ?
                "a blob descriptor, but this node's blob store is off (pekko.remote.shm.blob.max-bytes = 0)" :
                length < FrameHeader.BLOB_FRAME_LENGTH ? "a blob descriptor of " + length + " bytes" :
                "a blob descriptor of a body of type " + bodyType);
        }
        final byte[] payload;
        try
        {
            payload = blobReader.take(association.peer.pid(), association.peer.incarnation(),
                buffer.getLong(offset + FrameHeader.BLOB_ID_OFFSET),
                buffer.getLong(offset + FrameHeader.BLOB_GENERATION_OFFSET),
                buffer.getLong(offset + FrameHeader.BLOB_LENGTH_OFFSET), nowNs);
        }
        catch (final BlobStoreException ex)
        {
            throw new MalformedFrameException(ex.getMessage());
        }
        counters.blobsReceived.increment();
        if (FrameHeader.DIRECT == bodyType)
        {
            blobBody.wrap(payload);
            deliverDirect(association, blobBody, 0, payload.length);
            blobBody.wrap(EMPTY);
            return;
        }
        counters.messagesReceived.increment();
        counters.bytesReceived.getAndAdd(payload.length);
        association.deliver(new AssociationHandle.InboundPayload(ByteString.fromArrayUnsafe(payload)));
    }

    /**
     * One direct-path envelope: decoded and handed to the recipient by the provider's {@link DirectSession} for this
     * association, opened on the first DIRECT frame. A malformed envelope ends the association.
     */
    private void deliverDirect(final Association association, final DirectBuffer buffer, final int offset, final int length)
    {
        counters.messagesReceived.increment();
        counters.bytesReceived.getAndAdd(length);
        counters.directReceived.increment();
        DirectSession session = association.directSession;
        if (null == session)
        {
            final DirectInbound inbound = directRoutes.inbound();
            if (!directRoutes.acceptsDirect() || null == inbound)
            {
                throw new MalformedFrameException(directRoutes.acceptsDirect() ?
                    "a DIRECT frame before this node's direct path started" :
                    "a DIRECT frame, but this node does not run a direct-path provider");
            }
            session = inbound.open(fullAddress(association.peer), association.peer.pekkoUid());
            association.directSession = session;
        }
        session.onFrame(buffer, offset, length);
    }

    /**
     * Makes the association a candidate direct route when both ends speak the direct path; it becomes the peer's
     * route when classic remoting writes a message on it ({@link ShmAssociationHandle#write}).
     */
    private void startDirect(final Association association)
    {
        if (directRoutes.acceptsDirect() && association.peerAcceptsDirect)
        {
            association.directRoute = new DirectRoute(association.outbox, fullAddress(association.peer),
                association.peer.pekkoUid());
        }
        else if (directRoutes.acceptsDirect() && classicOnlyPeersLogged.add(fullAddress(association.peer)))
        {
            log.warning("Peer {} runs without the direct path (its pekko.actor.provider is not a pekko-shm " +
                "direct-path provider): messages between it and this node go the classic way, which works but costs " +
                "more per message. To send them direct, add to the peer's configuration: pekko.actor.provider = \"{}\"",
                fullAddress(association.peer), directRoutes.directProvider());
        }
    }

    private void endDirect(final Association association)
    {
        if (null != association.directRoute)
        {
            directRoutes.remove(association.directRoute);
            association.directRoute = null;
        }
        if (null != association.directSession)
        {
            association.directSession.close();
            association.directSession = null;
        }
    }

    /** A peer's address as Pekko names it, with the full protocol (pekko.shm or pekko.tcp). */
    private Address fullAddress(final NodeIdentity peer)
    {
        return new Address("pekko." + scheme, peer.system(), peer.host(), peer.port());
    }

    private void deliver(final Association association, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        counters.messagesReceived.increment();
        counters.bytesReceived.getAndAdd(length);
        association.deliver(new AssociationHandle.InboundPayload(ByteString.fromArrayUnsafe(bytes)));
    }

    /** A frame of an association this node has already ended: data in it is counted as dropped, nothing else. */
    private void onLateFrame(final int sessionId, final DirectBuffer buffer, final int offset, final int length,
        final byte type)
    {
        int messages = FrameHeader.DATA == type || FrameHeader.DIRECT == type || FrameHeader.BLOB == type ? 1 : 0;
        if (FrameHeader.BATCH == type)
        {
            // the count is the sender's word: only as many as the frame can hold
            final int count = FrameHeader.argument(buffer, offset);
            if (count < 1 || count > (length - FrameHeader.LENGTH) / FrameHeader.BATCH_RECORD_HEADER_LENGTH)
            {
                reject(sessionId, "a late batch frame of " + length + " bytes claims " + count + " records");
                return;
            }
            messages = count;
        }
        if (messages > 0)
        {
            counters.dropped.getAndAdd(messages);
            log.debug("Dropped {} message(s) that arrived after their association had ended", messages);
        }
    }

    private void reject(final int sessionId, final String reason)
    {
        counters.rejected.increment();
        if (rejectedSessions.add(sessionId))
        {
            log.warning("Rejected frames from IPC session {} on {}: {}. Counted in 'frames rejected'. (Right after " +
                "this node started, these may be frames sent to an earlier node on the same port; otherwise a process " +
                "that is not a node of this directory writes into its stream.)", sessionId, localAddress, reason);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Liveness and ending associations.
    // ---------------------------------------------------------------------------------------------------------------

    private void checkPeers()
    {
        final Map<Long, Association> exited = new HashMap<>();
        for (int i = associations.size() - 1; i >= 0; i--)
        {
            final Association association = associations.get(i);
            if (!association.established || association.closed)
            {
                if (!association.closed && nowNs - association.handshakeDeadlineNs > 0)
                {
                    close(association, "no handshake reply within pekko.remote.shm.handshake-timeout (" +
                        settings.transport().handshakeTimeout().toMillis() + " ms)", false, false);
                }
                continue;
            }
            final NodeIdentity peer = association.peer;
            if (0 != association.outbox.terminalResult())
            {
                close(association, "its publication answered " + Outbox.describe(association.outbox.terminalResult()),
                    false, true);
            }
            else if (!ProcessLiveness.isAlive(peer.pid(), peer.processStartMillis()))
            {
                exited.put(peer.incarnation(), association);
                close(association, "the peer's process (pid " + peer.pid() + ") has exited", false, true);
            }
            else if (nowNs - association.lastReceivedNs > peerTimeoutNs)
            {
                close(association, "nothing heard from the peer for " +
                    TimeUnit.NANOSECONDS.toMillis(nowNs - association.lastReceivedNs) + " ms (pekko.remote.shm.peer-timeout = " +
                    settings.transport().peerTimeout().toMillis() + " ms)", true, true);
            }
            else if (nowNs - association.lastHeartbeatNs >= heartbeatIntervalNs && association.outbox.tryHeartbeat())
            {
                association.lastHeartbeatNs = nowNs;
            }
        }
        for (final Association association : exited.values())
        {
            peerExitListener.onPeerProcessExit(association.remoteAddress, association.peer);
        }
    }

    /**
     * Ends an association: optionally tells the peer, closes the publication (counting staged messages that were
     * never sent as dropped), and tells classic remoting (Disassociated, or a failed associate).
     */
    private void close(final Association association, final String reason, final boolean tellPeer, final boolean tellLocal)
    {
        if (association.closed)
        {
            return;
        }
        association.closed = true;
        endDirect(association);
        if (tellPeer && association.handshakeSent)
        {
            association.outbox.sendControl(FrameHeader.DISASSOCIATE, 0, null);
        }
        final int unsent = association.outbox.closeAndCountUnsent();
        associations.remove(association);
        awaitingAck.remove(association.outbox.sessionId());
        if (Association.NO_SESSION != association.inboundSessionId)
        {
            bySession.remove(association.inboundSessionId);
            endedSessions.add(association.inboundSessionId);
        }
        counters.associations.decrement();
        if (null != blobReader && null != association.peer)
        {
            blobReader.forgetPeer(association.peer.pid(), association.peer.incarnation());
        }

        if (unsent > 0)
        {
            log.warning("{} message(s) to {} were waiting for room in its log and were not sent: {}. Counted as dropped.",
                unsent, association.remoteAddress, reason);
        }
        if (null != association.associatePromise && !association.established)
        {
            log.info("Could not associate with {}: {}", association.remoteAddress, reason);
            association.associatePromise.tryFailure(new Transport.InvalidAssociationException(
                "Could not associate with " + association.remoteAddress + ": " + reason, null));
            return;
        }
        log.info("Association {} <-> {} ended: {}", localAddress, association.remoteAddress, reason);
        if (tellLocal && null != association.handle)
        {
            association.deliver(new AssociationHandle.Disassociated(AssociationHandle.Unknown$.MODULE$));
        }
    }
}
