package io.pekkoshm.benchmarks.jmh;

import io.pekkoshm.remote.wire.BatchRecordFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's envelope codec as its hot path uses it, over a direct buffer like an Aeron term: a DATA frame
 * (header, then the payload copied in) and its decoding into the {@code byte[]} handed to Pekko; a BATCH of staged
 * payloads and its decoding. Nanoseconds per operation ({@link HandshakeCodecBenchmark} has the handshake).
 * <pre>
 *   mvn -q -Pjmh -pl benchmarks -am verify -DskipTests -Djmh.args=FrameCodec
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
public class FrameCodecBenchmark
{
    /** Payloads per BATCH frame. */
    private static final int BATCH = 16;

    @Param({"64", "1024"})
    public int payloadBytes;

    private final UnsafeBuffer term = new UnsafeBuffer(ByteBuffer.allocateDirect(256 * 1024));
    private final UnsafeBuffer dataFrame = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private final UnsafeBuffer batchFrame = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BatchRecordFlyweight record = new BatchRecordFlyweight();
    private byte[] payload;
    private int batchLength;

    @Setup
    public void setup()
    {
        payload = new byte[payloadBytes];
        payload[0] = 1;
        header.wrap(dataFrame, 0).write(FrameHeaderFlyweight.DATA, 0);
        dataFrame.putBytes(header.bodyOffset(), payload);
        batchLength = encodeBatchInto(batchFrame);
    }

    /** A DATA frame: header, then the payload copied into the term. */
    @Benchmark
    public int encodeData()
    {
        header.wrap(term, 0).write(FrameHeaderFlyweight.DATA, 0);
        term.putBytes(header.bodyOffset(), payload);
        return FrameHeaderFlyweight.LENGTH + payload.length;
    }

    /** A DATA frame read back: version and type checked, the payload copied out into a new array. */
    @Benchmark
    public byte[] decodeData()
    {
        header.wrap(dataFrame, 0);
        if (header.version() != FrameHeaderFlyweight.VERSION || header.type() != FrameHeaderFlyweight.DATA)
        {
            throw new IllegalStateException("bad frame");
        }
        final byte[] bytes = new byte[payloadBytes];
        dataFrame.getBytes(header.bodyOffset(), bytes);
        return bytes;
    }

    /** A BATCH frame of 16 payloads, each with its length prefix (what back-pressure stages). */
    @Benchmark
    public int encodeBatch()
    {
        return encodeBatchInto(term);
    }

    /** A BATCH frame read back into 16 arrays. */
    @Benchmark
    public void decodeBatch(final Blackhole sink)
    {
        final int count = header.wrap(batchFrame, 0).argument();
        int position = header.bodyOffset();
        for (int i = 0; i < count; i++)
        {
            final int length = record.wrap(batchFrame, position).bodyLength();
            position = record.bodyOffset();
            if (length < 0 || length > batchLength - position)
            {
                throw new IllegalStateException("bad batch");
            }
            final byte[] bytes = new byte[length];
            batchFrame.getBytes(position, bytes);
            sink.consume(bytes);
            position += length;
        }
    }

    private int encodeBatchInto(final UnsafeBuffer buffer)
    {
        int position = FrameHeaderFlyweight.LENGTH;
        for (int i = 0; i < BATCH; i++)
        {
            record.wrap(buffer, position).bodyLength(payload.length).type(FrameHeaderFlyweight.DATA);
            buffer.putBytes(record.bodyOffset(), payload);
            position = record.bodyOffset() + payload.length;
        }
        header.wrap(buffer, 0).write(FrameHeaderFlyweight.BATCH, BATCH);
        return position;
    }
}
