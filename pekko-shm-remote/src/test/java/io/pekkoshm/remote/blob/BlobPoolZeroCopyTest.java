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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's side of the zero-copy API: lending, sending to an unknown receiver, and when blocks come back. */
@Timeout(60)
class BlobPoolZeroCopyTest
{
    private static final long MiB = 1024 * 1024;
    private static final long IDLE = TimeUnit.SECONDS.toNanos(30);

    private Path root;
    private BlobPool pool;
    private BlobMappings mappings;
    private final AtomicLong reclaimed = new AtomicLong();

    @BeforeEach
    void createPool() throws Exception
    {
        root = ShmTestDirectory.newPath("pool");
        Files.createDirectories(root);
        pool = new BlobPool(BlobPool.directoryOf(root, ProcessLiveness.currentPid(), 1), 16 * MiB, IDLE,
            new AtomicLong(), reclaimed);
        mappings = new BlobMappings(IDLE);
    }

    @AfterEach
    void closePool()
    {
        mappings.close();
        pool.close();
        ShmTestDirectory.deleteRecursively(root);
    }

    private BlobBlock lendAndSend(final long length, final long nowNs)
    {
        final BlobBlock block = pool.lend(length, 0);
        assertNotNull(block);
        assertTrue(pool.sentShared(block, length, nowNs));
        return block;
    }

    /** The block as a receiver maps it. */
    private BlobMappings.Mapping receiverView(final BlobBlock block)
    {
        return mappings.acquire(BlobPool.directoryOf(root, ProcessLiveness.currentPid(), 1), block.id, 0);
    }

    @Test
    void shouldKeepABlockHeldByALiveReceiverAndTakeItBackWhenItIsFreed()
    {
        final BlobBlock block = lendAndSend(MiB, 0);
        final BlobMappings.Mapping mapping = receiverView(block);
        assertTrue(mapping.block.claim((int)ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis()));
        assertFalse(mapping.block.claim((int)ProcessLiveness.currentPid(), 0), "a block is claimed once");

        assertEquals(0, pool.sweep(Long.MAX_VALUE / 2, true), "a live holder keeps it, however long");
        assertEquals(1, pool.sharedInFlightCount());

        mapping.block.setState(BlobHeaderFlyweight.FREE);
        mappings.release(mapping, 0);
        assertEquals(1, pool.sweep(0, false));
        assertEquals(0, pool.sharedInFlightCount());
        assertEquals(0, reclaimed.get());
    }

    @Test
    void shouldTakeBackABlockWhoseHolderHasDied() throws Exception
    {
        final Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
        final BlobBlock block = lendAndSend(MiB, 0);
        final BlobMappings.Mapping mapping = receiverView(block);
        assertTrue(mapping.block.claim((int)gone.pid(), 0));
        mappings.release(mapping, 0);

        assertEquals(0, pool.sweep(1, false), "holders are checked on the periodic sweep only");
        assertEquals(1, pool.sweep(2, true));
        assertEquals(1, reclaimed.get());
        assertEquals(BlobHeaderFlyweight.FREE, block.state());
    }

    @Test
    void shouldTakeBackABlockNobodyClaimedWithinTheClaimTimeout()
    {
        pool.claimTimeout(TimeUnit.SECONDS.toNanos(5));
        final BlobBlock block = lendAndSend(MiB, 0);
        assertEquals(0, pool.sweep(TimeUnit.SECONDS.toNanos(4), true));
        assertEquals(1, pool.sweep(TimeUnit.SECONDS.toNanos(6), false));
        assertEquals(1, reclaimed.get());

        final BlobMappings.Mapping mapping = receiverView(block);
        assertFalse(mapping.block.claim((int)ProcessLiveness.currentPid(), 0), "a late receiver cannot claim it");
        mappings.release(mapping, 0);
    }

    @Test
    void shouldHandAStaleClaimBackToItsRightfulReceiver()
    {
        final BlobBlock block = lendAndSend(MiB, 0);
        final long generation = block.generation();
        final BlobMappings.Mapping mapping = receiverView(block);
        assertTrue(mapping.block.claim(4242, 0));
        assertTrue(mapping.block.unclaim(4242));
        assertEquals(BlobHeaderFlyweight.SENT, block.state());
        assertEquals(generation, block.generation());
        mappings.release(mapping, 0);
    }

    @Test
    void shouldLendFromTheCapAndGiveBackUnsentBlocks()
    {
        final BlobBlock first = pool.lend(10 * MiB, 0);
        assertNotNull(first);
        assertNull(pool.lend(10 * MiB, 0), "the cap leaves no room");
        assertEquals(1, pool.lentCount());
        assertTrue(pool.giveBack(first, 0));
        assertFalse(pool.giveBack(first, 0), "given back once");
        final BlobBlock again = pool.lend(10 * MiB, 0);
        assertEquals(first, again, "reused warm");
        assertFalse(pool.sentShared(first, 10, 0) && pool.sentShared(first, 10, 0), "sent once");
    }

    @Test
    void shouldReuseABlockAReceiverFreedBeforeCreatingANewOne()
    {
        final BlobBlock first = lendAndSend(MiB, 0);
        final long bytes = pool.allocatedBytes();
        final BlobMappings.Mapping mapping = receiverView(first);
        assertTrue(mapping.block.claim((int)ProcessLiveness.currentPid(), 0));
        mapping.block.setState(BlobHeaderFlyweight.FREE); // handed back, not yet swept by the node agent
        mappings.release(mapping, 0);

        assertEquals(first, pool.lend(MiB, 0), "the freed block, warm, not a new one");
        assertEquals(bytes, pool.allocatedBytes());
    }

    @Test
    void shouldWaitForRoomUntilABlockComesBack() throws Exception
    {
        final BlobBlock held = lendAndSend(10 * MiB, 0);
        final BlobMappings.Mapping mapping = receiverView(held);
        assertTrue(mapping.block.claim((int)ProcessLiveness.currentPid(), 0));
        final Thread receiver = new Thread(() ->
        {
            mapping.block.setState(BlobHeaderFlyweight.FREE);
            mappings.release(mapping, 0);
        });
        receiver.start();
        final BlobBlock next = pool.lend(10 * MiB, TimeUnit.SECONDS.toNanos(30));
        receiver.join();
        assertEquals(held, next, "the waiting lender took the block the receiver freed");
    }

    @Test
    void shouldKeepAMappingInUseAfterItsPeerIsForgottenAndUnmapItAtItsLastUse()
    {
        final BlobBlock block = lendAndSend(MiB, 0);
        block.data().putLong(0, 77);
        final BlobMappings.Mapping mapping = receiverView(block);
        mappings.forgetPeer(BlobPool.directoryOf(root, ProcessLiveness.currentPid(), 1));
        assertEquals(0, mappings.mappedCount());
        assertEquals(77, mapping.block.data().getLong(0), "still mapped while in use");
        mappings.release(mapping, 0);
    }
}
