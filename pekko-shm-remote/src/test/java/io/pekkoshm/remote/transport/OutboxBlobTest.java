package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.blob.BlobPool;
import io.pekkoshm.remote.blob.BlobReader;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.wire.BatchRecordFlyweight;
import io.pekkoshm.remote.wire.BlobDescriptorFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large bodies through an outbox with a blob pool, against a real (embedded) media driver whose log the test lets
 * fill up: the copy into the block holds up no other writer, and a large body written while the log is full waits
 * in order with the small messages staged around it.
 */
@Timeout(120)
class OutboxBlobTest
{
    private static final int STREAM = 4243;
    private static final int SMALL = 100;
    private static final int THRESHOLD = 4096;
    private static final int LARGE = 20_000;
    private static final long MiB = 1024 * 1024;

    private EmbeddedLog log;
    private TransportCounters counters;
    private BlobPool pool;
    private BlobReader reader;
    private Outbox outbox;
    /** What arrived, in order: each message's first long (its sender and sequence). */
    private final List<Long> received = Collections.synchronizedList(new ArrayList<>());
    /** The frame types that arrived, in order (BLOB records of a batch as BLOB). */
    private final List<Byte> types = new ArrayList<>();
    private final FrameHeaderFlyweight frame = new FrameHeaderFlyweight();
    private final BatchRecordFlyweight record = new BatchRecordFlyweight();
    private final BlobDescriptorFlyweight descriptor = new BlobDescriptorFlyweight();

    @BeforeEach
    void start() throws Exception
    {
        log = new EmbeddedLog("outbox-blob", STREAM);
        counters = new TransportCounters(log.aeron, "test");
        final Path blobs = log.directory.resolve("blobs");
        Files.createDirectories(blobs);
        pool = new BlobPool(BlobPool.directoryOf(blobs, ProcessLiveness.currentPid(), 1), 64 * MiB,
            TimeUnit.MINUTES.toNanos(1), new AtomicLong(), new AtomicLong());
        reader = new BlobReader(blobs, TimeUnit.MINUTES.toNanos(1));
        outbox = new Outbox(log.publication, 64 * 1024, counters, pool, THRESHOLD, 16 * MiB);
        outbox.peer(new NodeIdentity("test", "localhost", 1, 1, 1, ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartMillis()));
    }

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(outbox, reader, pool, counters, log);
    }

    /**
     * A writer is held inside the copy of a large body (its body waits on a gate): meanwhile another thread's small
     * message is taken and reaches the log, and the large one follows once its copy is done.
     */
    @Test
    void shouldTakeOtherWritesWhileALargeBodyIsCopiedIntoItsBlock() throws Exception
    {
        final GatedBody large = new GatedBody(message(1, 0, LARGE));
        final ExecutorService writer = Executors.newSingleThreadExecutor();
        try
        {
            final Future<Integer> largeResult =
                writer.submit(() -> outbox.writeFrame(FrameHeaderFlyweight.DATA, large));
            assertTrue(large.entered.await(30, TimeUnit.SECONDS), "the large body's copy never started");

            assertTrue(outbox.write(message(2, 0, SMALL), 0, SMALL), "a small write is taken during the copy");
            assertTrue(outbox.sendControl(FrameHeaderFlyweight.HEARTBEAT, 0, null), "so is a control frame");
            drainUntil(1);
            assertEquals(List.of(key(2, 0)), received, "the small message is in the log while the copy goes on");
            assertFalse(largeResult.isDone(), "the large write is still copying");

            large.gate.countDown();
            assertEquals(Outbox.TAKEN, largeResult.get(30, TimeUnit.SECONDS));
            drainUntil(2);
            assertEquals(List.of(key(2, 0), key(1, 0)), received);
            assertEquals(FrameHeaderFlyweight.BLOB, types.get(types.size() - 1));
        }
        finally
        {
            large.gate.countDown();
            writer.shutdownNow();
        }
    }

    /**
     * The log is full and messages are staged: a large body is staged behind them as a BLOB record, later small
     * messages behind it, and all arrive in order; its block is marked sent only when the batch goes out.
     */
    @Test
    void shouldStageALargeBodyInOrderWithTheSmallMessagesAroundIt()
    {
        long next = 0;
        while (!outbox.hasStaged())
        {
            assertTrue(outbox.write(message(0, next, SMALL), 0, SMALL));
            next++;
        }
        assertTrue(outbox.write(message(0, next, LARGE), 0, LARGE), "a large body is staged like a small one");
        next++;
        assertTrue(outbox.write(message(0, next, SMALL), 0, SMALL));
        next++;
        assertEquals(0, pool.inFlightCount(), "a staged block is not marked sent before its batch goes out");

        drainUntil(next);

        assertInOrder(0, next);
        assertTrue(types.contains(FrameHeaderFlyweight.BLOB), "the large body travelled as a BLOB record");
        assertEquals(1, counters.snapshot().blobsSent());
        assertEquals(next, counters.messagesSent());
    }

    /**
     * A block sent on the association counts its bytes (header and capacity) in the association's blob bytes in use
     * until the receiver hands it back and the pool sees it (the node agent sweeps while blocks are out).
     */
    @Test
    void shouldCountABlocksBytesInItsAssociationWhileItIsOutAndNoneOnceHandedBack()
    {
        outbox.sendCounts().describe("pekko.shm://peer@localhost:1", true, "ipc");

        assertTrue(outbox.write(message(0, 0, LARGE), 0, LARGE));

        final long inUse = counters.associations().get(0).blobBytesInUse();
        assertTrue(inUse > LARGE, "the block's bytes: " + inUse);
        assertEquals(pool.allocatedBytes(), inUse, "the one block of the pool is out on this association");

        drainUntil(1); // the receiver takes the body and hands the block back
        assertEquals(1, pool.sweep(System.nanoTime(), false));

        assertEquals(0, counters.associations().get(0).blobBytesInUse());
    }

    /** An association that ends with a large body staged gives its block back to the pool: nothing is pinned. */
    @Test
    void shouldFreeTheBlockOfAStagedLargeBodyWhenClosed()
    {
        long next = 0;
        while (!outbox.hasStaged())
        {
            assertTrue(outbox.write(message(0, next, SMALL), 0, SMALL));
            next++;
        }
        assertTrue(outbox.write(message(0, next, LARGE), 0, LARGE));
        final long allocated = pool.allocatedBytes();

        final int unsent = outbox.closeAndCountUnsent();

        assertTrue(unsent >= 1);
        assertEquals(0, pool.inFlightCount());
        final var again = pool.acquire(LARGE, System.nanoTime());
        assertEquals(allocated, pool.allocatedBytes(), "the block of the staged body was free to take again");
        pool.abandon(again);
    }

    /**
     * Four threads write small and large messages into one outbox whose log keeps filling up, while a drainer reads
     * the log (claiming every block as a receiver does) and flushes: every message arrives once, in each thread's
     * order, whether it went straight into the log, into a batch or through a block.
     */
    @Test
    void shouldKeepEachWritersOrderAcrossLogStagingAndBlocks() throws Exception
    {
        final int threads = 4;
        final int perThread = 3_000;
        final CountDownLatch go = new CountDownLatch(1);
        final List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int id = t + 1;
            writers.add(CompletableFuture.runAsync(() ->
            {
                awaitQuietly(go);
                for (int i = 0; i < perThread; i++)
                {
                    final int length = 0 == i % 7 ? LARGE + i : SMALL;
                    final byte[] bytes = message(id, i, length);
                    while (!outbox.write(bytes, 0, length))
                    {
                        Thread.onSpinWait(); // full: the drainer makes room
                    }
                }
            }));
        }
        go.countDown();
        drainUntil((long)threads * perThread);
        for (final CompletableFuture<Void> writer : writers)
        {
            writer.get(60, TimeUnit.SECONDS);
        }

        for (int t = 1; t <= threads; t++)
        {
            assertInOrder(t, perThread);
        }
        assertEquals((long)threads * perThread, received.size(), "no message twice");
        assertTrue(types.contains(FrameHeaderFlyweight.BATCH), "the log filled up: some messages were staged");
    }

    private void drainUntil(final long count)
    {
        log.drainUntil(outbox, this::onFrame, () -> received.size() >= count,
            () -> "received " + received.size() + " of " + count);
    }

    private void onFrame(final DirectBuffer buffer, final int offset, final int length,
        final io.aeron.logbuffer.Header header)
    {
        final byte type = frame.wrap(buffer, offset).type();
        types.add(type);
        if (FrameHeaderFlyweight.DATA == type)
        {
            received.add(buffer.getLong(offset + FrameHeaderFlyweight.LENGTH, ByteOrder.BIG_ENDIAN));
        }
        else if (FrameHeaderFlyweight.BLOB == type)
        {
            receiveBlob(buffer, offset + FrameHeaderFlyweight.LENGTH);
        }
        else if (FrameHeaderFlyweight.BATCH == type)
        {
            int position = offset + FrameHeaderFlyweight.LENGTH;
            for (int i = 0, count = frame.wrap(buffer, offset).argument(); i < count; i++)
            {
                record.wrap(buffer, position);
                final int bodyLength = record.bodyLength();
                if (FrameHeaderFlyweight.BLOB == record.type())
                {
                    types.add(FrameHeaderFlyweight.BLOB);
                    assertEquals(FrameHeaderFlyweight.BLOB, frame.wrap(buffer, record.bodyOffset()).type());
                    assertEquals(FrameHeaderFlyweight.DATA, frame.argument(), "a BLOB record names its body's type");
                    receiveBlob(buffer, frame.bodyOffset());
                }
                else
                {
                    received.add(buffer.getLong(record.bodyOffset(), ByteOrder.BIG_ENDIAN));
                }
                position = record.bodyOffset() + bodyLength;
            }
        }
    }

    /** Takes the block as a receiver does (claim, copy, hand back) and checks every byte of the body. */
    private void receiveBlob(final DirectBuffer buffer, final int descriptorOffset)
    {
        descriptor.wrap(buffer, descriptorOffset);
        final byte[] body = reader.take(ProcessLiveness.currentPid(), 1, descriptor.blockId(), descriptor.generation(),
            descriptor.bodyLength(), System.nanoTime());
        final long key = ByteBuffer.wrap(body).getLong();
        assertArrayEquals(message((int)(key >>> 32), (int)key, body.length), body, "the body arrives intact");
        received.add(key);
    }

    private void assertInOrder(final int writer, final long count)
    {
        final List<Long> ofWriter = new ArrayList<>();
        synchronized (received)
        {
            for (final long key : received)
            {
                if (key >>> 32 == writer)
                {
                    ofWriter.add(key);
                }
            }
        }
        assertEquals(count, ofWriter.size(), "every message of writer " + writer + " arrives, once");
        for (int i = 0; i < count; i++)
        {
            assertEquals(key(writer, i), ofWriter.get(i), "writer " + writer + ": message " + i + " out of order");
        }
    }

    private static long key(final int writer, final long sequence)
    {
        return (long)writer << 32 | sequence;
    }

    /** A message of {@code length} bytes: its key, then bytes that depend on the key and their position. */
    private static byte[] message(final int writer, final long sequence, final int length)
    {
        final byte[] bytes = new byte[length];
        ByteBuffer.wrap(bytes).putLong(key(writer, sequence));
        for (int i = 8; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + sequence + writer);
        }
        return bytes;
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** A large classic body whose copy into its block waits on a gate. */
    private static final class GatedBody implements FrameBody
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);
        private final byte[] bytes;

        GatedBody(final byte[] bytes)
        {
            this.bytes = bytes;
        }

        @Override
        public int payloadLength()
        {
            return bytes.length;
        }

        @Override
        public int length()
        {
            return bytes.length;
        }

        @Override
        public int detach()
        {
            return bytes.length;
        }

        @Override
        public void write(final MutableDirectBuffer buffer, final int offset)
        {
            entered.countDown();
            awaitQuietly(gate);
            buffer.putBytes(offset, bytes);
        }
    }
}
