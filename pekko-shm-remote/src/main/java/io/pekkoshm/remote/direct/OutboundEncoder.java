package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.blob.BlobStoreException;
import io.pekkoshm.remote.blob.SendingAcrossHosts;
import io.pekkoshm.remote.transport.DirectRoute;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;

/**
 * The sending side's encoder: serializes an ordinary message on the sending thread and writes it, as one DIRECT
 * frame ({@link EnvelopeWriter}), into a route, i.e. straight into the association's log buffer (or its staging, or a
 * blob block). What cannot be sent is handed to {@link Drops}.
 * <p>
 * Threading: any sending thread, many at once. Each thread owns its {@link SendState} (a thread-local: an envelope
 * writer and a serialization buffer reused for every message), so encoding shares nothing mutable between threads;
 * the route serializes the writers under the association's outbox lock.
 */
final class OutboundEncoder
{
    /** {@link #write} answers: written into the route. */
    static final int SENT = 1;
    /** {@link #write} answers: dropped (counted, published, reported). */
    static final int DROPPED = 0;
    /** {@link #write} answers: the route is dead; nothing was taken. */
    static final int CLOSED = -1;
    /** {@link #write} answers: the peer's log and the association's staging are full; nothing was taken. */
    static final int FULL = 2;
    /**
     * {@link #write} answers: like {@link #FULL}, for a message too large for one frame to a node of another host,
     * which the route takes again only once {@code DirectRoute.refusesLargeBody} is false; nothing was taken.
     */
    static final int FULL_LARGE = 3;

    private static final int INITIAL_SERIALIZATION_BUFFER = 64 * 1024;
    /** Serialization buffers grow up to this; larger messages are serialized into arrays of their own. */
    private static final int MAX_SERIALIZATION_BUFFER = 1024 * 1024;

    private final ActorRef deadLetters;
    private final Serialization serialization;
    private final PekkoBridge bridge;
    private final Drops drops;
    private final ThreadLocal<SendState> sendStates = ThreadLocal.withInitial(SendState::new);

    /**
     * @param deadLetters   the actor system's dead letters (a sender that is no sender).
     * @param serialization finds each message's serializer.
     * @param bridge        sets Pekko's transport information while refs are serialized.
     * @param drops         where what cannot be sent goes.
     */
    OutboundEncoder(final ActorRef deadLetters, final Serialization serialization, final PekkoBridge bridge,
        final Drops drops)
    {
        this.deadLetters = deadLetters;
        this.serialization = serialization;
        this.bridge = bridge;
        this.drops = drops;
    }

    /**
     * Serializes a message and writes it into a route, on the calling thread.
     *
     * @param route       where it goes.
     * @param compression the route's compression tables (used under the route's outbox lock).
     * @param ref         the recipient.
     * @param message     the message.
     * @param sender      the sender, or null (or dead letters) for none.
     * @return {@link #SENT}, {@link #DROPPED} (counted, published, reported), {@link #FULL} (the peer's log and the
     * association's staging are full: nothing was taken, the caller holds it in order) or {@link #CLOSED} (the route
     * is dead: nothing was taken, the caller sends it another way).
     */
    int write(final DirectRoute route, final OutboundCompression compression, final DirectRef ref,
        final Object message, final ActorRef sender)
    {
        final SendState state = sendStates.get();
        final EnvelopeWriter writer = state.writer;
        final ActorRef recipient = ref.actorRef();
        final ActorRef from = null == sender || sender == deadLetters ? null : sender;
        final Object previous = bridge.beginSerialization();
        try
        {
            final Serializer serializer = serialization.findSerializerFor(message);
            writer.message(compression, recipient, !isTemporary(recipient), from, null != from && !isTemporary(from),
                serializer.identifier(), Serializers.manifestFor(serializer, message));
            serializeFor(route, state, serializer, message);
            final int result = route.offer(writer);
            if (DirectRoute.TAKEN == result)
            {
                return SENT;
            }
            if (DirectRoute.TOO_LARGE == result)
            {
                drops.drop(Drops.TOO_LARGE, message, sender, recipient, "its serialized size (" +
                    writer.payloadLength() + " bytes) is larger than the largest message to " + route.remoteAddress() +
                    " (" + route.maxBodyLength() + " bytes; see pekko.remote.shm.blob.max-bytes, or " +
                    "cross-host.term-length for a node of another host)");
                return DROPPED;
            }
            if (DirectRoute.FULL_LARGE == result)
            {
                return FULL_LARGE;
            }
            return DirectRoute.CLOSED == result ? CLOSED : FULL;
        }
        catch (final BlobStoreException ex)
        {
            drops.drop(Drops.BLOB, message, sender, recipient, ex.getMessage());
            return DROPPED;
        }
        catch (final RuntimeException ex)
        {
            drops.unserializable(message, sender, recipient, ex);
            return DROPPED;
        }
        finally
        {
            writer.clear();
            bridge.endSerialization(previous);
        }
    }

    /**
     * Serializes for a route: to a node of another host, a SharedBlob fails ({@link SendingAcrossHosts}), since it
     * lends memory that host cannot map.
     */
    private static void serializeFor(final DirectRoute route, final SendState state, final Serializer serializer,
        final Object message)
    {
        if (route.sharesMemory())
        {
            serialize(state, serializer, message);
            return;
        }
        SendingAcrossHosts.begin(route.remoteAddress());
        try
        {
            serialize(state, serializer, message);
        }
        finally
        {
            SendingAcrossHosts.end();
        }
    }

    /**
     * Serializes into the thread's reusable buffer when the serializer can write into one, else into an array of its
     * own. A message too large for the buffer is serialized again into an array; its class is then remembered (per
     * thread), so later messages of that class go straight to an array and each is serialized once.
     */
    private static void serialize(final SendState state, final Serializer serializer, final Object message)
    {
        if (serializer instanceof ByteBufferSerializer && !state.isLarge(message.getClass()))
        {
            final ByteBuffer buffer = state.buffer;
            buffer.clear();
            try
            {
                ((ByteBufferSerializer)serializer).toBinary(message, buffer);
                state.writer.payload(buffer, buffer.position());
                return;
            }
            catch (final BufferOverflowException ex)
            {
                final byte[] bytes = serializer.toBinary(message);
                state.writer.payload(bytes);
                state.grow(bytes.length, message.getClass());
                return;
            }
        }
        state.writer.payload(serializer.toBinary(message));
    }

    /** Refs of ask's temporary actors are used once: they are sent in full and not kept in the tables. */
    private static boolean isTemporary(final ActorRef ref)
    {
        final ActorPath path = ref.path();
        final ActorPath parent = path.parent();
        return "temp".equals(parent.name()) && parent.parent() == path.root();
    }

    /** What one sending thread reuses for every message; touched by that thread only. */
    private static final class SendState
    {
        /** At most this many classes are remembered as too large for the buffer (then the memory starts over). */
        private static final int MAX_LARGE_CLASSES = 256;

        final EnvelopeWriter writer = new EnvelopeWriter();
        ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_SERIALIZATION_BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        /** Classes with a message too large for the largest buffer: serialized into arrays straight away. */
        private final IdentityHashMap<Class<?>, Boolean> largeClasses = new IdentityHashMap<>();

        boolean isLarge(final Class<?> type)
        {
            return !largeClasses.isEmpty() && largeClasses.containsKey(type);
        }

        /** A message of {@code needed} bytes overflowed the buffer: grow it, or remember its class as too large. */
        void grow(final int needed, final Class<?> type)
        {
            if (needed <= MAX_SERIALIZATION_BUFFER)
            {
                buffer = ByteBuffer.allocateDirect(Integer.highestOneBit(needed - 1) << 1)
                    .order(ByteOrder.LITTLE_ENDIAN);
                return;
            }
            if (largeClasses.size() >= MAX_LARGE_CLASSES)
            {
                largeClasses.clear();
            }
            largeClasses.put(type, Boolean.TRUE);
        }
    }
}
