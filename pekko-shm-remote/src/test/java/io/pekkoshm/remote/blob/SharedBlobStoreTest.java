package io.pekkoshm.remote.blob;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.support.FlightRecordings;
import io.pekkoshm.remote.support.ShmTestDirectory;
import jdk.jfr.consumer.RecordedEvent;
import io.pekkoshm.remote.wire.BlobHeaderFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.event.NoLogging$;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One node's zero-copy store, as owner and as receiver of its own blocks (the receiver's side maps them through
 * {@link BlobMappings} as a peer's would be): claims of stale descriptors, and what a user's views and handles do
 * after a release.
 */
@Timeout(60)
class SharedBlobStoreTest
{
    private static final long MiB = 1024 * 1024;
    private static final long IDLE = TimeUnit.SECONDS.toNanos(30);
    private static final long PID = ProcessLiveness.currentPid();

    private final ShmSettings settings = ShmSettings.fromConfig(
        ConfigFactory.defaultReference().getConfig(ShmSettings.ROOT));
    private Path root;
    private Path ownDirectory;
    private BlobPool pool;
    private BlobMappings mappings;
    private SharedBlobStore store;

    @BeforeEach
    void createStore() throws Exception
    {
        root = ShmTestDirectory.newPath("shared-store");
        Files.createDirectories(root);
        ownDirectory = BlobPool.directoryOf(root, PID, 1);
        pool = new BlobPool(ownDirectory, 64 * MiB, IDLE, new AtomicLong(), new AtomicLong());
        mappings = new BlobMappings(IDLE);
        store = new SharedBlobStore(NoLogging$.MODULE$, (what, why) -> { }, settings, pool, mappings, root, PID, 1);
    }

    @AfterEach
    void closeStore()
    {
        store.close();
        mappings.close();
        pool.close();
        ShmTestDirectory.deleteRecursively(root);
    }

    private SharedBlobDescriptor send(final SharedBlob blob)
    {
        return SharedBlobDescriptor.fromBytes(blob.send());
    }

    /** A descriptor of a fill that is over: its block was claimed, freed and is now sent again with a new fill. */
    private SharedBlobDescriptor[] staleAndCurrentOfOneBlock()
    {
        final SharedBlobDescriptor stale = send(store.allocate(MiB));
        store.claim(stale).release();
        assertEquals(1, pool.sweep(System.nanoTime(), false), "the block is back in the pool");
        final SharedBlobDescriptor current = send(store.allocate(MiB));
        assertEquals(stale.blockId(), current.blockId(), "the same block, reused");
        assertEquals(stale.generation() + 1, current.generation());
        return new SharedBlobDescriptor[] {stale, current};
    }

    /** The receiver's mapping of a block, its header read and written through {@code spy}. */
    private BlobBlock receiverSide(final long blockId, final RecordingBuffer spy)
    {
        final BlobMappings.Mapping mapping = mappings.acquire(ownDirectory, blockId, 0);
        mappings.release(mapping, 0); // stays cached: the store's claim gets this very mapping
        mapping.block.header.wrap(spy.over(mapping.block), 0);
        return mapping.block;
    }

    @Test
    void shouldRecordTheAllocationTheClaimAndTheReclaimOfBlocksWhenARecordingIsOn() throws Exception
    {
        try (FlightRecordings recording = FlightRecordings.start())
        {
            final SharedBlobDescriptor claimed = send(store.allocate(MiB));
            store.claim(claimed).release();
            pool.claimTimeout(1);
            final SharedBlobDescriptor unclaimed = send(store.allocate(2 * MiB));
            assertTrue(pool.sweep(System.nanoTime() + TimeUnit.SECONDS.toNanos(1), false) >= 1,
                "the block nobody claimed within the claim timeout is taken back");

            recording.stop();
            assertEquals(2, recording.events("BlobAllocated", e -> e.getBoolean("zeroCopy")).size(),
                recording.describe());
            final List<RecordedEvent> claims = recording.events("BlobClaimed",
                e -> e.getLong("blockId") == claimed.blockId());
            assertEquals(1, claims.size(), recording.describe());
            assertEquals(PID, claims.get(0).getLong("ownerPid"));
            assertEquals(1, claims.get(0).getLong("ownerIncarnation"));
            final List<RecordedEvent> reclaims = recording.events("BlobReclaimed",
                e -> e.getLong("blockId") == unclaimed.blockId());
            assertEquals(1, reclaims.size(), recording.describe());
            assertTrue(reclaims.get(0).getString("reason").contains("claim-timeout"), reclaims.get(0).toString());
        }
    }

    @Test
    void shouldRefuseAStaleDescriptorWithoutEverTakingTheBlockFromItsRightfulReceiver()
    {
        final SharedBlobDescriptor[] descriptors = staleAndCurrentOfOneBlock();
        final RecordingBuffer spy = new RecordingBuffer();
        final BlobBlock block = receiverSide(descriptors[0].blockId(), spy);

        final BlobStoreException failure = assertThrows(BlobStoreException.class, () -> store.claim(descriptors[0]));
        assertTrue(failure.getMessage().contains("stale"), failure.getMessage());
        assertFalse(spy.claimed, "a stale descriptor never claims the block, not even for a moment");
        assertEquals(BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.SENT, 0), block.stateWord());

        final SharedBlob rightful = store.claim(descriptors[1]);
        assertTrue(rightful.isHeld());
        rightful.release();
    }

    @Test
    void shouldHandBackAClaimWhoseBlockWasRefilledBetweenTheCheckAndTheClaim()
    {
        final SharedBlobDescriptor descriptor = send(store.allocate(MiB));
        final RecordingBuffer spy = new RecordingBuffer();
        spy.refillBeforeClaim = true; // the owner took it back and sent it again in between
        final BlobBlock block = receiverSide(descriptor.blockId(), spy);

        final BlobStoreException failure = assertThrows(BlobStoreException.class, () -> store.claim(descriptor));
        assertTrue(failure.getMessage().contains("stale"), failure.getMessage());
        assertTrue(spy.claimed);
        assertEquals(BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.SENT, 0), block.stateWord(),
            "handed back to SENT for the receiver of the new fill");
    }

    @Test
    void shouldKeepAByteBufferOfAnAllocatedBlobSafeToTouchAfterItsReleaseAndItsBlocksRemoval()
    {
        final SharedBlob blob = store.allocate(MiB);
        final ByteBuffer kept = blob.byteBuffer();
        final ByteBuffer keptThroughTheView = blob.buffer().byteBuffer();
        kept.putLong(0, 42);
        final Path file = blob.file();
        blob.release();

        assertThrows(IllegalStateException.class, blob::buffer);
        assertThrows(IllegalStateException.class, blob::byteBuffer);
        pool.sweep(System.nanoTime() + 2 * IDLE, true); // idle: the block is removed
        assertEquals(0, pool.allocatedBytes());
        assertFalse(Files.exists(file), "its file is gone: /dev/shm gets the room back with the last mapping");

        assertEquals(42, kept.getLong(0), "still mapped: a late read neither crashes nor throws");
        kept.putLong(8, 7);
        assertEquals(7, keptThroughTheView.getLong(BlobHeaderFlyweight.DATA_OFFSET + 8));
    }

    @Test
    void shouldKeepAByteBufferOfAReceivedBlobSafeToTouchAfterItsReleaseAndTheIdleUnmap()
    {
        final SharedBlob sent = store.allocate(MiB);
        sent.buffer().putLong(0, 99);
        final SharedBlob received = store.claim(send(sent));
        final ByteBuffer kept = received.byteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        received.release();

        assertThrows(IllegalStateException.class, received::buffer);
        assertThrows(IllegalStateException.class, received::byteBuffer);
        assertFalse(received.isHeld());
        mappings.sweep(System.nanoTime() + 2 * IDLE); // idle: the receiver's mapping is dropped
        assertEquals(0, mappings.mappedCount());

        assertEquals(99, kept.getLong(0), "still mapped: a late read neither crashes nor throws");
    }

    /** The header page of a block, recording claims (CAS to HELD); optionally refilling the block just before one. */
    private static final class RecordingBuffer extends UnsafeBuffer
    {
        boolean claimed;
        boolean refillBeforeClaim;

        RecordingBuffer()
        {
            super(new byte[0]);
        }

        RecordingBuffer over(final BlobBlock block)
        {
            wrap(block.mapping(), 0, BlobHeaderFlyweight.DATA_OFFSET);
            return this;
        }

        @Override
        public boolean compareAndSetLong(final int index, final long expectedValue, final long updateValue)
        {
            final boolean claim = BlobHeaderFlyweight.STATE_OFFSET == index &&
                BlobHeaderFlyweight.HELD == BlobHeaderFlyweight.stateOf(updateValue);
            if (claim && refillBeforeClaim)
            {
                putLongVolatile(BlobHeaderFlyweight.GENERATION_OFFSET,
                    getLongVolatile(BlobHeaderFlyweight.GENERATION_OFFSET) + 1);
            }
            final boolean done = super.compareAndSetLong(index, expectedValue, updateValue);
            claimed |= claim && done;
            return done;
        }
    }
}
