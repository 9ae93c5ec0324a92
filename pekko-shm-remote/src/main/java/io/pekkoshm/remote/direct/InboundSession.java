package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.blob.ReceivedBody;
import io.pekkoshm.remote.transport.DirectSession;
import io.pekkoshm.remote.transport.LargeBodies;
import io.pekkoshm.remote.transport.LargeBodyTask;
import io.pekkoshm.remote.wire.DirectEnvelopeFlyweight;
import io.pekkoshm.remote.wire.MalformedFrameException;
import org.agrona.DirectBuffer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import scala.Option;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;

/**
 * The receiving end of the direct path on one association, on the node agent's thread: decodes each envelope,
 * resolves recipient and sender through the association's tables, deserializes the payload straight from the log
 * buffer (or the blob), and puts the message into the recipient's mailbox. No actor hop in between.
 * <p>
 * A recipient is kept in the table only while it is a live local actor; otherwise (not yet created, stopped, dead
 * letters) its path is kept and resolved again on every message, so a message to an actor created later, or to a
 * new actor of the same name, is never delivered to a stale ref. Each entry also keeps the address its path was sent
 * to: a path of this node can resolve to an actor on another node (a child this node deployed there), which is
 * forwarded because the message was addressed to this node, as classic remoting's dispatcher does.
 * <p>
 * A session of a peer incarnation that classic remoting has quarantined (when it opens, or later) decodes and
 * delivers nothing: its frames are counted as dropped ({@link QuarantinedPeers}).
 */
final class InboundSession implements DirectSession
{
    private final DirectPath path;
    private final Address remoteAddress;
    private final long remoteUid;
    private final QuarantinedPeers quarantinedPeers;
    /** Set (from any thread, once) when classic remoting has quarantined the peer's incarnation. */
    private volatile boolean quarantined;
    /** The error-log key of this incarnation's drops while quarantined. */
    private final String quarantineKey;
    private final InboundTable<Recipient> recipients;
    private final InboundTable<ActorRef> senders;
    private final InboundTable<String> manifests;
    /**
     * Recipients with a large body being read: their later messages wait here, in order, until it is delivered.
     * Made for the first large body; a lane goes when it is empty.
     */
    private HashMap<String, ArrayDeque<Pending>> lanes;
    /** The association's large-body reading, known from its first large body. */
    private LargeBodies largeBodies;
    /** The envelope {@link #decode} decoded last (fields, so a small message allocates no holder). */
    private Recipient decodedRecipient;
    private ActorRef decodedSender;
    private int decodedSerializerId;
    private String decodedManifest;
    /** The view over each frame's envelope (wrapped per frame, nothing allocated). */
    private final DirectEnvelopeFlyweight envelope = new DirectEnvelopeFlyweight();
    /** Reusable views over the log buffers the frames arrive in (one per mapped log). */
    private final IdentityHashMap<ByteBuffer, ByteBuffer> views = new IdentityHashMap<>();
    /**
     * The log buffer of the last frame and its view: a session's frames come from one mapped log (its terms are
     * slices of it), so this spares the map's lookup (6 % of the node thread's samples in a 64 B throughput run).
     */
    private ByteBuffer lastUnderlying;
    private ByteBuffer lastView;
    private boolean closed;

    /**
     * Opens the session and registers it with the bridge's {@link QuarantinedPeers}, which flags it at once if the
     * peer's incarnation is already quarantined.
     *
     * @param remoteUid the peer's Pekko system uid, as its handshake said.
     */
    InboundSession(final DirectPath path, final Address remoteAddress, final long remoteUid, final int tableSize)
    {
        this.path = path;
        this.remoteAddress = remoteAddress;
        this.remoteUid = remoteUid;
        this.quarantineKey = Drops.quarantineKey(remoteAddress, remoteUid);
        this.recipients = new InboundTable<>(tableSize, "recipient");
        this.senders = new InboundTable<>(tableSize, "sender");
        this.manifests = new InboundTable<>(tableSize, "manifest");
        this.quarantinedPeers = path.bridge().quarantinedPeers();
        quarantinedPeers.opened(this);
    }

    Address remoteAddress()
    {
        return remoteAddress;
    }

    long remoteUid()
    {
        return remoteUid;
    }

    /** Classic remoting has quarantined the peer's incarnation: nothing more is decoded or delivered. Any thread. */
    void quarantined()
    {
        quarantined = true;
    }

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (quarantined)
        {
            dropQuarantined();
            return;
        }
        final int position = decode(buffer, offset, length);
        final Recipient recipient = decodedRecipient;
        final ActorRef sender = decodedSender;
        final int serializerId = decodedSerializerId;
        final String manifest = decodedManifest;
        final ActorRef to = recipient.resolve(path.bridge());
        final Object message;
        try
        {
            message = path.deserializer().deserialize(
                view(buffer, position, offset + length - position), serializerId, manifest);
        }
        catch (final Exception ex)
        {
            path.dropping().undecodable(remoteAddress, to, serializerId, manifest, ex);
            return;
        }
        final ArrayDeque<Pending> lane = null == lanes ? null : lanes.get(recipient.path);
        if (null == lane)
        {
            path.bridge().deliver(to, recipient.address, message, sender);
            return;
        }
        lane.addLast(new Pending(to, recipient.address, sender, serializerId, manifest, message));
        largeBodies.held(1);
    }

    /**
     * A large body: its envelope is decoded here, in stream order; its payload is read and deserialized by a
     * large-body thread, straight from the peer's block (a ByteBufferSerializer reads it in place); the message
     * then waits in its recipient's lane until those before it are delivered, and holds back the lane's later
     * messages. Other recipients are not held.
     */
    @Override
    public void onBlobFrame(final ReceivedBody body, final LargeBodies largeBodies)
    {
        if (quarantined)
        {
            body.release();
            dropQuarantined();
            return;
        }
        this.largeBodies = largeBodies;
        final DirectBuffer buffer = body.body();
        final int position = decode(buffer, 0, body.length());
        final Recipient recipient = decodedRecipient;
        final Pending pending = new Pending(recipient.resolve(path.bridge()), recipient.address, decodedSender,
            decodedSerializerId, decodedManifest, null);
        if (null == lanes)
        {
            lanes = new HashMap<>();
        }
        lanes.computeIfAbsent(recipient.path, key -> new ArrayDeque<>()).addLast(pending);
        largeBodies.submit(new LargeBody(recipient.path, pending, body, buffer, position));
    }

    /**
     * Decodes the envelope at {@code [offset, offset + length)} into the decoded fields, updating the association's
     * tables as the sender defined them.
     *
     * @return where the payload starts; it runs to {@code offset + length}.
     * @throws MalformedFrameException if it is not a valid envelope.
     */
    private int decode(final DirectBuffer buffer, final int offset, final int length)
    {
        DirectEnvelopeFlyweight.checkLength(length);
        envelope.wrap(buffer, offset);
        final int end = offset + length;
        final int recipientCode = envelope.recipientCode();
        final int senderCode = envelope.senderCode();
        final int serializerId = envelope.serializerId();
        final int manifestCode = envelope.manifestCode();
        DirectEnvelopeFlyweight.checkCode(recipientCode, recipients.capacity(), "recipient");
        DirectEnvelopeFlyweight.checkCode(senderCode, senders.capacity(), "sender");
        DirectEnvelopeFlyweight.checkCode(manifestCode, manifests.capacity(), "manifest");
        DirectEnvelopeFlyweight.checkRecipient(recipientCode);

        int position = envelope.literalsOffset();
        final Recipient recipient;
        if (DirectEnvelopeFlyweight.hasLiteral(recipientCode))
        {
            final int literalLength = envelope.literalLength(position, end);
            recipient = new Recipient(envelope.getLiteral(position, literalLength));
            position += DirectEnvelopeFlyweight.LITERAL_PREFIX_LENGTH + literalLength;
            if (DirectEnvelopeFlyweight.isDefinition(recipientCode))
            {
                recipients.put(DirectEnvelopeFlyweight.definedId(recipientCode), recipient);
            }
        }
        else
        {
            recipient = recipients.get(recipientCode);
        }

        ActorRef sender = null;
        if (DirectEnvelopeFlyweight.hasLiteral(senderCode))
        {
            final int literalLength = envelope.literalLength(position, end);
            sender = path.bridge().resolveSender(envelope.getLiteral(position, literalLength));
            position += DirectEnvelopeFlyweight.LITERAL_PREFIX_LENGTH + literalLength;
            if (DirectEnvelopeFlyweight.isDefinition(senderCode))
            {
                senders.put(DirectEnvelopeFlyweight.definedId(senderCode), sender);
            }
        }
        else if (DirectEnvelopeFlyweight.NONE != senderCode)
        {
            sender = senders.get(senderCode);
        }

        String manifest = "";
        if (DirectEnvelopeFlyweight.hasLiteral(manifestCode))
        {
            final int literalLength = envelope.literalLength(position, end);
            manifest = envelope.getLiteral(position, literalLength);
            position += DirectEnvelopeFlyweight.LITERAL_PREFIX_LENGTH + literalLength;
            if (DirectEnvelopeFlyweight.isDefinition(manifestCode))
            {
                manifests.put(DirectEnvelopeFlyweight.definedId(manifestCode), manifest);
            }
        }
        else if (DirectEnvelopeFlyweight.NONE != manifestCode)
        {
            manifest = manifests.get(manifestCode);
        }

        decodedRecipient = recipient;
        decodedSender = sender;
        decodedSerializerId = serializerId;
        decodedManifest = manifest;
        return position;
    }

    /** Delivers the messages at the head of a recipient's lane that are ready, in order; the lane goes when empty. */
    private void drainLane(final String recipientPath)
    {
        final ArrayDeque<Pending> lane = lanes.get(recipientPath);
        while (!lane.isEmpty() && lane.peekFirst().isReady())
        {
            final Pending next = lane.pollFirst();
            if (!next.large)
            {
                largeBodies.held(-1);
            }
            deliver(next);
        }
        if (lane.isEmpty())
        {
            lanes.remove(recipientPath);
        }
    }

    private void deliver(final Pending pending)
    {
        if (null != pending.cutOff)
        {
            path.dropping().cutOff(remoteAddress, pending.to, pending.cutOff);
        }
        else if (null != pending.failure)
        {
            path.dropping().undecodable(remoteAddress, pending.to, pending.serializerId, pending.manifest,
                pending.failure);
        }
        else if (quarantined)
        {
            dropQuarantined();
        }
        else
        {
            path.bridge().deliver(pending.to, pending.address, pending.message, pending.sender);
        }
    }

    @Override
    public void close()
    {
        closed = true;
        views.clear();
        lastUnderlying = null;
        lastView = null;
        quarantinedPeers.closed(this);
    }

    /**
     * A frame of a quarantined incarnation: not decoded, counted in the node's 'messages dropped', reported through
     * the direct path's error log (in full once, then summarized). The tables are not kept up to date any more; a
     * quarantine is never lifted for an open session.
     */
    private void dropQuarantined()
    {
        path.dropping().quarantined(quarantineKey, remoteAddress, remoteUid);
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * A little-endian ByteBuffer over {@code buffer[offset, offset + length)}, without copying (Pekko's
     * ByteBufferSerializers read in the order Artery gives them, which matches their array format).
     */
    private ByteBuffer view(final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuffer underlying = buffer.byteBuffer();
        final int at = buffer.wrapAdjustment() + offset;
        if (null != underlying)
        {
            ByteBuffer view = lastView;
            if (underlying != lastUnderlying)
            {
                view = views.get(underlying);
                if (null == view)
                {
                    view = underlying.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                    views.put(underlying, view);
                }
                lastUnderlying = underlying;
                lastView = view;
            }
            view.clear();
            view.limit(at + length).position(at);
            return view;
        }
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            return ByteBuffer.wrap(array, at, length).order(ByteOrder.LITTLE_ENDIAN);
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        return ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A new little-endian ByteBuffer over {@code buffer[offset, offset + length)}, without copying: for a large body
     * read on another thread (the reusable views are the agent's).
     */
    private static ByteBuffer freshView(final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuffer underlying = buffer.byteBuffer();
        if (null == underlying)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            return ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        }
        final int at = buffer.wrapAdjustment() + offset;
        final ByteBuffer view = underlying.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        view.limit(at + length).position(at);
        return view;
    }

    /**
     * A recipient entry: its path, the address in that path (parsed once per entry, as classic parses it once per
     * message), and its ref while that is a live local actor.
     */
    private static final class Recipient
    {
        private final String path;
        /** The address the sender wrote in the path, or null if it names none (delivery then drops the message). */
        private final Address address;
        private ActorRef cached;

        Recipient(final String path)
        {
            this.path = path;
            final Option<Address> parsed = AddressFromURIString.unapply(path);
            this.address = parsed.isDefined() ? parsed.get() : null;
        }

        ActorRef resolve(final PekkoBridge bridge)
        {
            final ActorRef current = cached;
            if (null != current && bridge.isCacheable(current))
            {
                return current;
            }
            final ActorRef resolved = bridge.resolveRecipient(path);
            cached = bridge.isCacheable(resolved) ? resolved : null;
            return resolved;
        }
    }

    /** A message in a recipient's lane: delivered when it is ready and those before it are gone. */
    private static final class Pending
    {
        private final ActorRef to;
        private final Address address;
        private final ActorRef sender;
        private final int serializerId;
        private final String manifest;
        /** A large body: ready when its reading has completed. */
        private final boolean large;
        /** Written by a large-body thread, read by the agent after the task's completion (published by its queue). */
        private Object message;
        private Exception failure;
        /** Why a large body never came whole, or null. */
        private String cutOff;
        private boolean done;

        /** @param message the message, or null for a large body not read yet. */
        private Pending(final ActorRef to, final Address address, final ActorRef sender, final int serializerId,
            final String manifest, final Object message)
        {
            this.to = to;
            this.address = address;
            this.sender = sender;
            this.serializerId = serializerId;
            this.manifest = manifest;
            this.message = message;
            this.large = null == message;
            this.done = !large;
        }

        private boolean isReady()
        {
            return done;
        }
    }

    /** The reading of one large body: deserialized on a large-body thread, delivered in its lane on the agent's. */
    private final class LargeBody implements LargeBodyTask
    {
        private final String recipientPath;
        private final Pending pending;
        private final ReceivedBody body;
        private final DirectBuffer buffer;
        private final int payloadOffset;

        private LargeBody(final String recipientPath, final Pending pending, final ReceivedBody body,
            final DirectBuffer buffer, final int payloadOffset)
        {
            this.recipientPath = recipientPath;
            this.pending = pending;
            this.body = body;
            this.buffer = buffer;
            this.payloadOffset = payloadOffset;
        }

        @Override
        public void runOffThread()
        {
            try
            {
                pending.message = path.newDeserializer().deserialize(
                    freshView(buffer, payloadOffset, body.length() - payloadOffset), pending.serializerId,
                    pending.manifest);
            }
            catch (final Exception ex)
            {
                pending.failure = ex;
            }
            catch (final OutOfMemoryError ex)
            {
                pending.failure = new IllegalStateException("the heap has no room for it (" + ex.getMessage() +
                    "): give the JVM a larger -Xmx, or send it through the zero-copy API (ShmBlobs)", ex);
            }
            finally
            {
                body.release();
            }
        }

        @Override
        public void completeOnAgent()
        {
            pending.done = true;
            drainLane(recipientPath);
        }

        @Override
        public void incomplete(final String reason)
        {
            body.release();
            pending.cutOff = reason;
            completeOnAgent();
        }

        @Override
        public void abandon()
        {
            body.release();
        }
    }
}
