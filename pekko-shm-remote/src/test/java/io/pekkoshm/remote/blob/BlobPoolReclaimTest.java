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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the owner takes back a block its receiver never handed back, and when it must not. */
@Timeout(60)
class BlobPoolReclaimTest
{
    private static final long MiB = 1024 * 1024;
    private static final long IDLE = TimeUnit.SECONDS.toNanos(300);
    private static final long CLAIM_TIMEOUT = TimeUnit.SECONDS.toNanos(5);

    private final AtomicLong reclaimed = new AtomicLong();
    private Path root;
    private Path ownDirectory;
    private BlobPool pool;
    private BlobMappings mappings;

    @BeforeEach
    void createPool() throws Exception
    {
        root = ShmTestDirectory.newPath("pool-reclaim");
        Files.createDirectories(root);
        ownDirectory = BlobPool.directoryOf(root, ProcessLiveness.currentPid(), 1);
        pool = new BlobPool(ownDirectory, 16 * MiB, IDLE, new AtomicLong(), reclaimed);
        pool.claimTimeout(CLAIM_TIMEOUT);
        mappings = new BlobMappings(IDLE);
    }

    @AfterEach
    void closePool()
    {
        mappings.close();
        pool.close();
        ShmTestDirectory.deleteRecursively(root);
    }

    /** A block the transport sent to this very process (alive), at {@code sentNs}. */
    private BlobBlock sendToALiveReceiver(final long sentNs)
    {
        final BlobBlock block = pool.acquire(MiB, sentNs);
        pool.sent(block, MiB, ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis(), sentNs);
        return block;
    }

    /** A block lent to a user and sent through the zero-copy API at {@code sentNs}. */
    private BlobBlock sendShared(final long sentNs)
    {
        final BlobBlock block = pool.lend(MiB, 0);
        assertTrue(pool.sentShared(block, MiB, sentNs));
        return block;
    }

    /**
     * A receiver's claim as its CAS leaves it: {@code HELD} naming {@code pid}, the start time not written yet. Here
     * the pid is this very process: a holder that died before writing its start time, its pid now reused.
     */
    private static boolean claimWithoutStartTime(final BlobBlock seen, final int pid)
    {
        return seen.compareAndSetStateWord(BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.SENT, 0),
            BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.HELD, pid));
    }

    /** The block as a receiver maps it. */
    private BlobBlock receiverView(final BlobBlock block)
    {
        return mappings.acquire(ownDirectory, block.id, 0).block;
    }

    @Test
    void shouldTakeBackATransportBlockItsLiveReceiverNeverClaimedWithinTheClaimTimeout()
    {
        final BlobBlock block = sendToALiveReceiver(0);

        assertEquals(0, pool.sweep(CLAIM_TIMEOUT - 1, true), "within the claim timeout it waits for its receiver");
        assertEquals(1, pool.sweep(CLAIM_TIMEOUT + 1, true), "its BLOB frame was lost: taken back");
        assertEquals(1, reclaimed.get());
        assertEquals(BlobHeaderFlyweight.FREE, block.state());
        assertEquals(0, pool.inFlightCount());
        assertFalse(receiverView(block).claim((int)ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis()),
            "a receiver that reads the frame later cannot claim it");
    }

    @Test
    void shouldNeverTakeBackATransportBlockItsLiveReceiverHolds()
    {
        final BlobBlock block = sendToALiveReceiver(0);
        final BlobBlock seen = receiverView(block);
        assertTrue(seen.claim((int)ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis()));

        assertEquals(0, pool.sweep(Long.MAX_VALUE / 2, true), "a live receiver reading it keeps it, however long");
        assertEquals(BlobHeaderFlyweight.HELD, block.state());

        seen.setState(BlobHeaderFlyweight.FREE);
        assertEquals(1, pool.sweep(Long.MAX_VALUE / 2, false));
        assertEquals(0, reclaimed.get());
    }

    @Test
    void shouldTakeBackAZeroCopyBlockWhoseHolderNeverWroteItsStartTimeAfterTheClaimTimeout()
    {
        final BlobBlock block = sendShared(0);
        assertTrue(claimWithoutStartTime(receiverView(block), (int)ProcessLiveness.currentPid()));

        final long firstSeen = TimeUnit.SECONDS.toNanos(100);
        assertEquals(0, pool.sweep(firstSeen, true), "a holder writes its start time right after its claim");
        assertEquals(0, pool.sweep(firstSeen + CLAIM_TIMEOUT, true), "within the grace it is left alone");
        assertEquals(1, pool.sweep(firstSeen + CLAIM_TIMEOUT + 1, true),
            "still 0 a claim timeout later: its holder died before writing it, whoever has its pid now");
        assertEquals(1, reclaimed.get());
        assertEquals(BlobHeaderFlyweight.FREE, block.state());
    }

    @Test
    void shouldKeepAZeroCopyBlockWhoseLiveHolderWroteItsStartTimeLate()
    {
        final BlobBlock block = sendShared(0);
        final BlobBlock seen = receiverView(block);
        assertTrue(claimWithoutStartTime(seen, (int)ProcessLiveness.currentPid()));
        assertEquals(0, pool.sweep(1, true), "seen with no start time yet");
        seen.header.holderStartMillisRelease(ProcessLiveness.currentStartMillis());

        assertEquals(0, pool.sweep(Long.MAX_VALUE / 2, true), "a live holder keeps it, however long");
        assertEquals(BlobHeaderFlyweight.HELD, block.state());
        assertEquals(0, reclaimed.get());
    }
}
