package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.ByteBufferOutput;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import io.pekkoshm.remote.pekko.ShmRemote;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;

import java.io.NotSerializableException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A Pekko serializer backed by Kryo 5 for plain Java messages, records (nested and generic), enums, arrays, collections
 * and maps, {@code Optional}, nulls, and classic and typed {@code ActorRef}s anywhere inside them. It does not depend
 * on the shm transport: it works with any Pekko remoting, with persistence, and through {@code SerializationExtension}.
 *
 * <h2>Enabling it</h2>
 * The module's reference configuration registers the serializer as {@code kryo-shm} (id 1397246802) and binds the
 * marker interface {@link KryoMessage} to it. A user's {@code application.conf} then only lists the classes:
 * <pre>
 * pekko.remote.shm.kryo {
 *   mode = strict                    # the default; or class-name
 *   classes {                        # identical in every JVM
 *     "com.example.Greet" = 100      # implements KryoMessage
 *     "com.example.Greeting" = 101   # a record inside Greet
 *     "com.example.Mood" = 102       # an enum
 *   }
 * }
 * # types that cannot implement KryoMessage are bound by name:
 * pekko.actor.serialization-bindings { "com.example.ThirdPartyEvent" = kryo-shm }
 * </pre>
 *
 * <h2>Strict and class-name mode</h2>
 * In strict mode (the default) only registered classes (and the built-in table of JDK types, see
 * {@link BuiltInRegistrations}) are written or read; a payload that names any other class is rejected before the class
 * is loaded, so a peer cannot make this JVM instantiate classes nobody listed. In class-name mode unregistered classes
 * travel by name and are loaded by name: convenient, larger on the wire, and the peer is fully trusted, since it can
 * make this JVM instantiate any class on the classpath with fields of its choosing (the raw material of
 * deserialization gadget chains). Plain classes are built without running a constructor (Objenesis) when they have no
 * no-arg constructor; records are always built through their canonical constructor, so their validation runs.
 *
 * <h2>Wire format</h2>
 * <pre>
 *  manifest: "K1"  (format version 1; an unknown manifest is rejected with NotSerializableException)
 *  payload:  one Kryo object graph, no header
 *   +-----------+---------------+-----------------------------------------------+
 *   | class tag | [fingerprint] | fields / elements, each value again tagged     |
 *   | varint    | int32 LE      | unless its declared type is final               |
 *   +-----------+---------------+-----------------------------------------------+
 *  class tag: 0 null, 1 class by name (class-name mode), id + 2 otherwise
 *  fingerprint: only after a user id (&gt;= 100), the first time that id occurs in the payload
 * </pre>
 * See {@link ShmClassResolver} for the tag and the fingerprint check, {@link ClassFingerprint} for what the fingerprint
 * covers. A JVM whose table or class definitions differ fails the message with an error naming the id and class.
 *
 * <h2>Threads and buffers</h2>
 * Thread-safe. Kryo instances and buffers come from pools ({@code pool-size}); a message borrows one of each for its
 * duration, none is created per message. {@link #toBinary(Object, ByteBuffer)} writes straight into the caller's
 * buffer from its position (Artery and the shm transport serialize into their own memory this way) and leaves the
 * position after the payload; {@link #fromBinary(ByteBuffer, String)} reads from the position to the limit in place.
 *
 * <h2>Errors</h2>
 * A message that cannot be written fails with {@link KryoSerializationException} naming its class and the field path
 * (or {@link KryoPayloadOverflowException}, a {@link BufferOverflowException}, when it does not fit); one that cannot
 * be read fails with {@link NotSerializableException}. Pekko logs either and drops the one message; the association
 * survives.
 */
public final class KryoSerializer extends SerializerWithStringManifest implements ByteBufferSerializer
{
    /** The manifest of every payload: the wire format version. */
    public static final String MANIFEST = "K1";

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final int identifier;
    private final KryoSettings settings;
    private final KryoFactory factory;
    private final Pool<Kryo> kryos;
    private final Pool<Output> arrayOutputs;
    private final Pool<ByteBufferOutput> bufferOutputs;
    private final Pool<BoundedByteBufferInput> inputs;
    private final LongAdder messagesWritten = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder messagesRead = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();
    private final LongAdder readFailures = new LongAdder();
    private final ExtendedActorSystem system;
    private final LoggingAdapter log;

    /**
     * Called by Pekko's serialization extension when the ActorSystem starts. Reads and validates the settings and
     * builds one Kryo instance, so a bad configuration fails the start with a message naming the key.
     *
     * @param system the actor system whose configuration, class loader and actor-ref provider are used.
     */
    public KryoSerializer(final ExtendedActorSystem system)
    {
        this.system = system;
        this.log = Logging.getLogger(system, this);
        this.identifier = system.settings().config().getInt(
            "pekko.actor.serialization-identifiers.\"" + KryoSerializer.class.getName() + "\"");
        this.settings = KryoSettings.fromConfig(system.settings().config(), system.dynamicAccess().classLoader());
        this.factory = new KryoFactory(settings, system);
        final int size = settings.poolSize();
        this.kryos = pool(size, factory::create);
        this.arrayOutputs = pool(size, () -> new Output(settings.initialBufferSize(), settings.maxBufferSize()));
        this.bufferOutputs = pool(size, ByteBufferOutput::new);
        this.inputs = pool(size, BoundedByteBufferInput::new);
        kryos.free(factory.create());
        if (!settings.skippedClassNames().isEmpty())
        {
            log.warning(
                "{}.classes lists classes that are not on the classpath; skipped (mode = class-name): {}",
                KryoSettings.ROOT, settings.skippedClassNames());
        }
    }

    @Override
    public int identifier()
    {
        return identifier;
    }

    @Override
    public String manifest(final Object o)
    {
        return MANIFEST;
    }

    /** @return the settings this serializer was built from. */
    public KryoSettings settings()
    {
        return settings;
    }

    /** @return how many Kryo instances have been created: pool misses plus replacements of instances that failed. */
    public long kryoInstancesCreated()
    {
        return factory.created();
    }

    /** @return the counters since start; cheap enough to poll, each value read independently. */
    public KryoSerializerStats stats()
    {
        return new KryoSerializerStats(messagesWritten.sum(), bytesWritten.sum(), messagesRead.sum(), bytesRead.sum(),
            writeFailures.sum(), readFailures.sum(), factory.created());
    }

    @Override
    public byte[] toBinary(final Object o)
    {
        final Kryo kryo = kryos.obtain();
        final Output output = arrayOutputs.obtain();
        boolean ok = false;
        try
        {
            kryo.writeClassAndObject(output, o);
            final byte[] bytes = output.toBytes();
            ok = true;
            messagesWritten.increment();
            bytesWritten.add(bytes.length);
            return bytes;
        }
        catch (final RuntimeException ex)
        {
            writeFailures.increment();
            throw writeFailure(o, ex, "max-buffer-size (" + settings.maxBufferSize() + " bytes)");
        }
        finally
        {
            release(kryo, ok);
            if (output.getBuffer().length <= settings.initialBufferSize())
            {
                output.reset();
                arrayOutputs.free(output);
            }
        }
    }

    /**
     * Writes {@code o} into {@code buf} from its position; on return the position is just after the payload. On
     * failure the position is left where it was and nothing after it is meaningful.
     *
     * @throws KryoPayloadOverflowException if the payload does not fit between the position and the limit.
     * @throws KryoSerializationException   if the message cannot be serialized.
     */
    @Override
    public void toBinary(final Object o, final ByteBuffer buf)
    {
        final int start = buf.position();
        final Kryo kryo = kryos.obtain();
        final ByteBufferOutput output = bufferOutputs.obtain();
        boolean ok = false;
        try
        {
            output.setBuffer(buf);
            kryo.writeClassAndObject(output, o);
            buf.position(output.position());
            ok = true;
            messagesWritten.increment();
            bytesWritten.add(buf.position() - start);
        }
        catch (final RuntimeException ex)
        {
            writeFailures.increment();
            buf.position(start);
            throw writeFailure(o, ex, "the buffer given (" + (buf.limit() - start) + " bytes left)");
        }
        finally
        {
            output.setBuffer(EMPTY);
            release(kryo, ok);
            bufferOutputs.free(output);
        }
    }

    @Override
    public Object fromBinary(final byte[] bytes, final String manifest) throws NotSerializableException
    {
        return fromBinary(ByteBuffer.wrap(bytes), manifest);
    }

    /**
     * Reads one message from {@code buf}, from its position to its limit; on return the position is at the limit.
     *
     * @throws NotSerializableException if the manifest is not {@link #MANIFEST}, the payload names a class this JVM
     *                                  does not accept, a class id whose class differs here, or is malformed; the
     *                                  message says which.
     */
    @Override
    public Object fromBinary(final ByteBuffer buf, final String manifest) throws NotSerializableException
    {
        if (!MANIFEST.equals(manifest))
        {
            throw readFailure("Unknown Kryo payload format [" + manifest + "]: this JVM reads [" +
                MANIFEST + "]; the sender runs an incompatible version of the serializer", null);
        }
        final int start = buf.position();
        final Kryo kryo = kryos.obtain();
        final BoundedByteBufferInput input = inputs.obtain();
        boolean ok = false;
        try
        {
            input.setBuffer(buf);
            final Object message = kryo.readClassAndObject(input);
            final int end = input.position();
            if (end != buf.limit())
            {
                throw new IllegalStateException((buf.limit() - end) + " bytes left over after the message (" +
                    (message == null ? "null" : message.getClass().getName()) + ")");
            }
            buf.position(end);
            ok = true;
            messagesRead.increment();
            bytesRead.add(end - start);
            return message;
        }
        catch (final RuntimeException ex)
        {
            throw readFailure("Cannot deserialize Kryo payload (" + (buf.limit() - start) + " bytes): " +
                ex.getMessage(), ex);
        }
        finally
        {
            input.setBuffer(EMPTY);
            release(kryo, ok);
            inputs.free(input);
        }
    }

    /**
     * A payload that cannot be read is one message lost: counted (in the serializer's stats and, when the pekko.shm
     * transport runs in this actor system, in the node's 'messages dropped'), logged as an error (the first ten,
     * then every thousandth) and thrown; the caller drops the message and its association goes on.
     */
    private KryoDeserializationException readFailure(final String message, final RuntimeException cause)
    {
        readFailures.increment();
        ShmRemote.countDropped(system);
        final long failures = readFailures.sum();
        if (failures <= 10 || failures % 1000 == 0)
        {
            log.error("Dropped an incoming message: {} ({} Kryo payloads could not be read so far.)", message,
                failures);
        }
        return new KryoDeserializationException(message, cause);
    }

    /** A Kryo that failed mid-graph may hold state from it; it is dropped and the pool makes a new one later. */
    private void release(final Kryo kryo, final boolean ok)
    {
        if (ok)
        {
            kryos.free(kryo);
        }
    }

    private static RuntimeException writeFailure(final Object o, final RuntimeException ex, final String room)
    {
        final String type = o == null ? "null" : o.getClass().getName();
        for (Throwable t = ex; t != null; t = t.getCause())
        {
            if (t instanceof KryoBufferOverflowException || t instanceof BufferOverflowException)
            {
                return new KryoPayloadOverflowException(
                    "Message of class " + type + " does not fit in " + room + ": " + ex.getMessage(), ex);
            }
        }
        return new KryoSerializationException(
            "Cannot serialize message of class " + type + " with Kryo: " + ex.getMessage(), ex);
    }

    private static <T> Pool<T> pool(final int size, final Supplier<T> create)
    {
        return new Pool<>(true, false, size)
        {
            @Override
            protected T create()
            {
                return create.get();
            }
        };
    }
}
