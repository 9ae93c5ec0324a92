package io.pekkoshm.benchmarks.jmh;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.serialization.KryoMessage;
import io.pekkoshm.remote.serialization.KryoSerializer;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Serialize and deserialize throughput of the plugin's {@link KryoSerializer} (strict registration) against Pekko's
 * Jackson CBOR serializer, on the same records: {@link SmallRecord} and the 1 KiB {@link LargeRecord}. Both through
 * the serializers as Pekko configures them in an actor system; Kryo also through its {@code ByteBuffer} path (what
 * Artery and a transport that serializes into its own memory use; Jackson has none). Operations per millisecond.
 * The setup prints the payload sizes and checks that each serializer gives back an equal record.
 * <pre>
 *   mvn -q -Pjmh -pl benchmarks -am verify -DskipTests -Djmh.args=Serializer
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
public class SerializerBenchmark
{
    /** Pekko's serializer identifier of jackson-cbor. */
    private static final int JACKSON_CBOR_ID = 33;

    @Param({"small", "1KiB"})
    public String record;

    private ActorSystem system;
    private KryoSerializer kryo;
    private SerializerWithStringManifest cbor;
    private Object value;
    private byte[] kryoBytes;
    private byte[] cborBytes;
    private String cborManifest;
    private ByteBuffer buffer;
    private ByteBuffer kryoBuffer;

    @Setup(Level.Trial)
    public void setup() throws NotSerializableException
    {
        system = ActorSystem.create("serializer-benchmark", ConfigFactory.parseString(String.join("\n",
            "pekko.loglevel = WARNING",
            "pekko.actor.provider = local",
            "pekko.remote.shm.kryo.classes {",
            "  \"" + SmallRecord.class.getName() + "\" = 100",
            "  \"" + LargeRecord.class.getName() + "\" = 101",
            "  \"" + LineItem.class.getName() + "\" = 102",
            "}",
            "pekko.serialization.jackson.allowed-class-prefix = [\"" + SmallRecord.class.getPackageName() + ".\"]"))
            .withFallback(ConfigFactory.load()));
        final Serialization serialization = SerializationExtension.get(system);
        kryo = (KryoSerializer)serialization.serializerFor(KryoMessage.class);
        cbor = (SerializerWithStringManifest)serialization.serializerByIdentity().apply(JACKSON_CBOR_ID);
        value = "small".equals(record) ? SmallRecord.sample() : LargeRecord.sample();

        kryoBytes = kryo.toBinary(value);
        cborManifest = cbor.manifest(value);
        cborBytes = cbor.toBinary(value);
        buffer = ByteBuffer.allocateDirect(64 * 1024);
        kryoBuffer = ByteBuffer.allocateDirect(64 * 1024);
        kryo.toBinary(value, kryoBuffer);
        kryoBuffer.flip();
        check("Kryo", kryo.fromBinary(kryoBytes, KryoSerializer.MANIFEST));
        check("Kryo ByteBuffer", kryo.fromBinary(kryoBuffer.duplicate(), KryoSerializer.MANIFEST));
        check("Jackson CBOR", cbor.fromBinary(cborBytes, cborManifest));
        System.out.printf("%n%s record: Kryo %d bytes, Jackson CBOR %d bytes%n", record, kryoBytes.length,
            cborBytes.length);
    }

    private void check(final String serializer, final Object back)
    {
        if (!value.equals(back))
        {
            throw new IllegalStateException(serializer + " did not give back an equal " + record + " record: " + back);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
    }

    @Benchmark
    public byte[] kryoSerialize()
    {
        return kryo.toBinary(value);
    }

    @Benchmark
    public Object kryoDeserialize() throws NotSerializableException
    {
        return kryo.fromBinary(kryoBytes, KryoSerializer.MANIFEST);
    }

    @Benchmark
    public int kryoSerializeToByteBuffer()
    {
        buffer.clear();
        kryo.toBinary(value, buffer);
        return buffer.position();
    }

    @Benchmark
    public Object kryoDeserializeFromByteBuffer() throws NotSerializableException
    {
        return kryo.fromBinary(kryoBuffer.duplicate(), KryoSerializer.MANIFEST);
    }

    @Benchmark
    public byte[] jacksonCborSerialize()
    {
        return cbor.toBinary(value);
    }

    @Benchmark
    public Object jacksonCborDeserialize() throws NotSerializableException
    {
        return cbor.fromBinary(cborBytes, cborManifest);
    }
}
