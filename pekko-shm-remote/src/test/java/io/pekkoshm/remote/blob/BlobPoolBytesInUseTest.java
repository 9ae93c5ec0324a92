package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.support.ShmTestDirectory;
import io.pekkoshm.remote.wire.BlobHeaderFlyweight;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bytes of blocks out at each receiver: counted while a block is out, and no longer once it is back. */
@Timeout(60)
class BlobPoolBytesInUseTest
{
    private static final long MiB = 1024 * 1024;
    private static final long IDLE = TimeUnit.SECONDS.toNanos(300);
    private static final long BLOCK_BYTES = BlobHeaderFlyweight.DATA_OFFSET + BlobPool.capacityFor(MiB);

    private final AtomicLong atA = new AtomicLong();
    private final AtomicLong atB = new AtomicLong();
    private Path root;
    private BlobPool pool;

    @BeforeEach
    void createPool() throws Exception
    {
        root = ShmTestDirectory.newPath("pool-in-use");
        Files.createDirectories(root);
        pool = new BlobPool(BlobPool.directoryOf(root, ProcessLiveness.currentPid(), 1), 16 * MiB, IDLE,
            new AtomicLong(), new AtomicLong());
    }

    @AfterEach
    void closePool()
    {
        pool.close();
        ShmTestDirectory.deleteRecursively(root);
    }

    private BlobBlock sendTo(final AtomicLong receiver)
    {
        final BlobBlock block = pool.acquire(MiB, 0);
        pool.sent(block, MiB, ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis(), 0, receiver);
        return block;
    }

    @Test
    void shouldCountABlockUnderItsReceiverOnlyUntilItIsHandedBack()
    {
        final BlobBlock toA = sendTo(atA);
        sendTo(atA);
        final BlobBlock toB = sendTo(atB);

        assertEquals(2 * BLOCK_BYTES, atA.get());
        assertEquals(BLOCK_BYTES, atB.get());

        toA.setState(BlobHeaderFlyweight.FREE); // A's receiver hands one block back
        assertEquals(2 * BLOCK_BYTES, atA.get(), "still counted until the pool sees it back");
        assertEquals(1, pool.sweep(1, false));
        assertEquals(BLOCK_BYTES, atA.get());
        assertEquals(BLOCK_BYTES, atB.get(), "B's block is still out");

        toB.setState(BlobHeaderFlyweight.FREE);
        assertEquals(1, pool.sweep(2, false));
        assertEquals(0, atB.get());
    }

    @Test
    void shouldStopCountingARecalledBlock()
    {
        final BlobBlock block = sendTo(atA);

        pool.recall(block);

        assertEquals(0, atA.get());
        pool.abandon(block);
    }

    @Test
    void shouldCountNothingOnceThePoolIsClosed()
    {
        sendTo(atA);
        sendTo(atB);

        pool.close();

        assertEquals(0, atA.get());
        assertEquals(0, atB.get());
    }
}
