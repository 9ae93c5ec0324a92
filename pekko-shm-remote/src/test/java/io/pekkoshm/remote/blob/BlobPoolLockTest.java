package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.support.ShmTestDirectory;
import io.pekkoshm.remote.wire.BlobHeaderFlyweight;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool's lock is never held while a block file is created and zero-filled (about a second per GiB): the node
 * agent's calls ({@code sweep}, {@code inFlightCount}) and other writers go on while a creation is held up.
 */
@Timeout(60)
class BlobPoolLockTest
{
    private static final long MiB = 1024 * 1024;
    private static final long IDLE = TimeUnit.SECONDS.toNanos(30);
    private static final long BLOCK_BYTES = BlobHeaderFlyweight.DATA_OFFSET + MiB;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch creating = new CountDownLatch(1);
    private final CountDownLatch mayCreate = new CountDownLatch(1);
    private Path root;
    private BlobPool pool;

    @BeforeEach
    void createPool() throws Exception
    {
        root = ShmTestDirectory.newPath("pool-lock");
        Files.createDirectories(root);
        pool = new BlobPool(BlobPool.directoryOf(root, ProcessLiveness.currentPid(), 1), 16 * MiB, IDLE,
            new AtomicLong(), new AtomicLong());
    }

    @AfterEach
    void closePool()
    {
        mayCreate.countDown();
        threads.shutdownNow();
        pool.close();
        ShmTestDirectory.deleteRecursively(root);
    }

    /** The first creation blocks until {@link #mayCreate}; it then creates the file, or fails with {@code failure}. */
    private void holdFirstCreation(final IOException failure)
    {
        pool.blockFactory((id, path, capacity) ->
        {
            if (0 == creating.getCount())
            {
                return BlobBlock.create(id, path, capacity);
            }
            creating.countDown();
            try
            {
                mayCreate.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (null != failure)
            {
                throw failure;
            }
            return BlobBlock.create(id, path, capacity);
        });
    }

    /** Runs {@code call} on another thread and fails the test if it does not return in time (it waits on a lock). */
    private <T> T completesWhileACreationIsHeld(final java.util.concurrent.Callable<T> call) throws Exception
    {
        final Future<T> result = threads.submit(call);
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldLetTheAgentSweepWhileAWriterCreatesABlock() throws Exception
    {
        final BlobBlock sentBefore = pool.acquire(MiB, 0);
        pool.sent(sentBefore, MiB, ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis(), 0);
        holdFirstCreation(null);

        final Future<BlobBlock> writer = threads.submit(() -> pool.acquire(2 * MiB, 0));
        assertTrue(creating.await(10, TimeUnit.SECONDS));
        sentBefore.setState(BlobHeaderFlyweight.FREE); // its receiver hands it back

        assertEquals(1, completesWhileACreationIsHeld(() -> pool.sweep(1, true)), "the sweep takes its block back");
        assertEquals(0, completesWhileACreationIsHeld(pool::inFlightCount));
        assertEquals(2 * BLOCK_BYTES + MiB, completesWhileACreationIsHeld(pool::allocatedBytes),
            "the block being created is reserved against the cap");
        final BlobBlock other = completesWhileACreationIsHeld(() -> pool.acquire(MiB, 2));
        assertNotNull(other, "another writer reuses the free block meanwhile");

        mayCreate.countDown();
        final BlobBlock created = writer.get(10, TimeUnit.SECONDS);
        assertNotNull(created);
        assertEquals(BlobHeaderFlyweight.WRITING, created.state());
        assertTrue(created.capacity >= 2 * MiB);
    }

    @Test
    void shouldGiveTheReservationBackWhenACreationFails() throws Exception
    {
        holdFirstCreation(new IOException("No space left on device"));
        final CompletableFuture<BlobBlock> writer = CompletableFuture.supplyAsync(() -> pool.acquire(MiB, 0), threads);
        assertTrue(creating.await(10, TimeUnit.SECONDS));
        assertEquals(BLOCK_BYTES, completesWhileACreationIsHeld(pool::allocatedBytes));

        mayCreate.countDown();
        final Exception failure = assertThrows(Exception.class, () -> writer.get(10, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof BlobStoreException, failure.toString());
        assertEquals(0, pool.allocatedBytes());
        assertNotNull(pool.acquire(MiB, 0), "the room is there again");
    }
}
