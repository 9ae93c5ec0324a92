package io.pekkoshm.benchmarks.jmh;

import io.pekkoshm.remote.transport.NodeIdentity;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import io.pekkoshm.remote.wire.HelloFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's handshake body ({@link HelloFlyweight}, once per association): written and read back. Nanoseconds
 * per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
public class HandshakeCodecBenchmark
{
    /** The incarnation of the node a HELLO is for, as the initiator knows it from the node registry. */
    private static final long ADDRESSEE = 0x0fed_cba9_8765_4321L;

    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private final UnsafeBuffer written = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private final NodeIdentity identity = new NodeIdentity("benchmark-system", "localhost", 2552,
        0x1234_5678_9abc_def0L, 42L, 4242L, 1_700_000_000_000L);
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final HelloFlyweight hello = new HelloFlyweight();
    private int bodyLength;

    @Setup
    public void setup()
    {
        header.wrap(written, 0).write(FrameHeaderFlyweight.HELLO, 0);
        bodyLength = identity.writeTo(hello.wrap(written, header.bodyOffset()), ADDRESSEE);
    }

    @Benchmark
    public int encodeHello()
    {
        header.wrap(frame, 0).write(FrameHeaderFlyweight.HELLO, 0);
        return identity.writeTo(hello.wrap(frame, header.bodyOffset()), ADDRESSEE);
    }

    @Benchmark
    public NodeIdentity decodeHello()
    {
        hello.wrap(written, FrameHeaderFlyweight.LENGTH);
        if (null != hello.validate(bodyLength))
        {
            throw new IllegalStateException("bad hello");
        }
        return NodeIdentity.from(hello);
    }
}
