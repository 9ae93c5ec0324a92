package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import io.pekkoshm.remote.wire.BlobHeaderFlyweight;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.event.LoggingAdapter;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * One node's side of the zero-copy API: lends blocks of the node's {@link BlobPool} as {@link SharedBlob}s, turns a
 * sent blob into its {@link SharedBlobDescriptor}, and claims the blobs peers send here through the node's
 * {@link BlobMappings}. The node creates it when it starts and closes it (also through {@link ShmBlobs}) when it
 * stops: blobs this node still holds are then released and their views revoked. Closing it again does nothing more.
 * <p>
 * It is also the blob pool's {@link BlobPool.Listener}: a payload the transport's copy path could not place (a full
 * /dev/shm) is handed to its drop listener (the Pekko seam publishes it as Pekko's {@code Dropped}), and blocks
 * taken back without their receiver handing them back are logged.
 * <p>
 * Thread-safe.
 */
public final class SharedBlobStore implements BlobPool.Listener, AutoCloseable
{
    private final LoggingAdapter log;
    private final BiConsumer<String, String> drops;
    private final BlobPool pool;
    private final BlobMappings mappings;
    private final Path blobsRoot;
    private final long selfPid;
    private final long selfIncarnation;
    private final long selfStartMillis = ProcessLiveness.currentStartMillis();
    private final long maxBytes;
    private final long allocateTimeoutNs;
    private final long allocateTimeoutMs;
    private final Set<Lease> live = ConcurrentHashMap.newKeySet();
    private final LongAdder allocated = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder reclaimed = new LongAdder();
    private volatile boolean closed;

    /**
     * @param log             where the store logs.
     * @param drops           told of each payload the copy path could not place (what, why), on the writer's thread;
     *                        the Pekko seam publishes it as Pekko's {@code Dropped}.
     * @param settings        the node's settings ({@code blob.*}).
     * @param pool            the node's pool, whose blocks it lends.
     * @param mappings        the node's mappings of its peers' blocks (shared with the transport's copy path).
     * @param blobsRoot       the directory holding every node's blob directory.
     * @param selfPid         this node's pid.
     * @param selfIncarnation this node's incarnation (with the pid, it names this node's blob directory).
     */
    public SharedBlobStore(final LoggingAdapter log, final BiConsumer<String, String> drops,
        final ShmSettings settings, final BlobPool pool, final BlobMappings mappings, final Path blobsRoot,
        final long selfPid, final long selfIncarnation)
    {
        this.log = log;
        this.drops = drops;
        this.pool = pool;
        this.mappings = mappings;
        this.blobsRoot = blobsRoot;
        this.selfPid = selfPid;
        this.selfIncarnation = selfIncarnation;
        this.maxBytes = settings.blob().maxBytes();
        this.allocateTimeoutNs = settings.blob().allocateTimeout().toNanos();
        this.allocateTimeoutMs = settings.blob().allocateTimeout().toMillis();
        pool.claimTimeout(settings.blob().claimTimeout().toNanos());
        pool.listener(this);
    }

    /** @return the largest blob one allocation can give, in bytes. */
    public long largestBlob()
    {
        return BlobPool.largestPayload(maxBytes);
    }

    /**
     * A blob of {@code bytes} bytes, waiting up to {@code blob.allocate-timeout} for room under {@code blob.max-bytes}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not from 1 to {@link #largestBlob()}.
     * @throws BlobStoreException       if there was no room in time, or /dev/shm has no room for the block.
     * @throws IllegalStateException    if the node is shutting down, or the thread was interrupted while waiting.
     */
    SharedBlob allocate(final long bytes)
    {
        final SharedBlob blob = lend(bytes, allocateTimeoutNs);
        if (null == blob && Thread.currentThread().isInterrupted())
        {
            throw new IllegalStateException("Interrupted while waiting for room for a shared blob of " + bytes +
                " bytes (the thread's interrupt flag is still set)");
        }
        if (null == blob)
        {
            throw new BlobStoreException("No room for a shared blob of " + bytes + " bytes within " +
                "pekko.remote.shm.blob.allocate-timeout (" + allocateTimeoutMs + " ms): this node's blocks take " +
                pool.allocatedBytes() + " bytes of pekko.remote.shm.blob.max-bytes = " + maxBytes + "; " +
                pool.lentCount() + " blob(s) are allocated and not sent, " + pool.sharedInFlightCount() + " sent and " +
                "not yet released by their receivers. Release blobs sooner, or raise blob.max-bytes.");
        }
        return blob;
    }

    /** As {@link #allocate(long)}, but empty at once when there is no room. */
    Optional<SharedBlob> tryAllocate(final long bytes)
    {
        return Optional.ofNullable(lend(bytes, 0));
    }

    private SharedBlob lend(final long bytes, final long timeoutNs)
    {
        if (bytes <= 0 || bytes > largestBlob())
        {
            throw new IllegalArgumentException("A shared blob must be from 1 to " + largestBlob() + " bytes " +
                "(the largest block under pekko.remote.shm.blob.max-bytes = " + maxBytes + "), not " + bytes);
        }
        checkOpen();
        final BlobBlock block = pool.lend(bytes, timeoutNs);
        if (null == block)
        {
            checkOpen();
            return null;
        }
        final Lease lease = new OwnedLease(block, bytes);
        live.add(lease);
        allocated.increment();
        if (closed)
        {
            lease.abandon();
            checkOpen();
        }
        return new SharedBlob(lease);
    }

    /**
     * Receiver: claims the block a descriptor names and wraps it as a received blob.
     *
     * @throws BlobStoreException naming the block and why, if it cannot be claimed.
     */
    SharedBlob claim(final SharedBlobDescriptor descriptor)
    {
        checkOpen();
        final long nowNs = System.nanoTime();
        final BlobMappings.Mapping mapping = mappings.acquire(
            BlobPool.directoryOf(blobsRoot, descriptor.ownerPid(), descriptor.ownerIncarnation()),
            descriptor.blockId(), nowNs);
        try
        {
            final BlobBlock block = mapping.block;
            if (descriptor.length() > block.capacity)
            {
                throw new BlobStoreException("shared blob descriptor length " + descriptor.length() +
                    " does not fit block " + block.path + " of " + block.capacity + " bytes");
            }
            // checked before the claim, so a stale descriptor never takes, even for a moment, a block that now
            // waits for its rightful receiver; and again after it, in case the owner refilled the block in between
            if (!isFill(block, descriptor))
            {
                throw stale(block, descriptor);
            }
            if (!block.claim((int)selfPid, selfStartMillis))
            {
                throw new BlobStoreException("shared blob block " + block.path + " is " +
                    BlobHeaderFlyweight.stateName(block.state()) + ", not SENT: this blob was delivered before " +
                    "(a SharedBlob is delivered once), or its owner took it back (not claimed within " +
                    "pekko.remote.shm.blob.claim-timeout, or its owner stopped)");
            }
            if (!isFill(block, descriptor))
            {
                block.unclaim((int)selfPid);
                throw stale(block, descriptor);
            }
            final Lease lease = new HeldLease(mapping, descriptor.length());
            live.add(lease);
            received.increment();
            ShmFlightRecorder.blobClaimed(descriptor.ownerPid(), descriptor.ownerIncarnation(), descriptor.blockId(),
                descriptor.length());
            if (closed)
            {
                lease.abandon();
                checkOpen();
            }
            return new SharedBlob(lease);
        }
        catch (final RuntimeException ex)
        {
            mappings.release(mapping, nowNs);
            throw ex;
        }
    }

    private static boolean isFill(final BlobBlock block, final SharedBlobDescriptor descriptor)
    {
        return block.generation() == descriptor.generation() && block.length() == descriptor.length();
    }

    private static BlobStoreException stale(final BlobBlock block, final SharedBlobDescriptor descriptor)
    {
        return new BlobStoreException("shared blob descriptor (generation " + descriptor.generation() + ", " +
            descriptor.length() + " bytes) is stale: block " + block.path + " now holds generation " +
            block.generation() + " (its owner took it back after pekko.remote.shm.blob.claim-timeout)");
    }

    /** @return counts and gauges of this node's zero-copy blobs. */
    public SharedBlobStats stats()
    {
        int held = 0;
        for (final Lease lease : live)
        {
            held += lease.received() ? 1 : 0;
        }
        return new SharedBlobStats(pool.lentCount(), pool.sharedInFlightCount(), held, allocated.sum(), sent.sum(),
            received.sum(), reclaimed.sum(), pool.allocatedBytes());
    }

    /** Pool, for tests of this package. */
    BlobPool pool()
    {
        return pool;
    }

    /**
     * Releases the blobs this node still holds and revokes their views, leaving their memory to the garbage
     * collector (a thread still reading one cannot crash); takes no more blobs. The pool and the mappings are closed
     * by the transport after this.
     */
    @Override
    public void close()
    {
        closed = true;
        for (final Lease lease : live)
        {
            lease.abandon();
        }
        pool.listener(new BlobPool.Listener() { });
    }

    @Override
    public void onAllocationFailure(final long length, final BlobStoreException failure)
    {
        drops.accept("a payload of " + length + " bytes", "A payload of " + length +
            " bytes could not be placed in the blob store: " + failure.getMessage());
    }

    @Override
    public void onReclaimed(final long blockId, final String why)
    {
        reclaimed.increment();
        ShmFlightRecorder.blobReclaimed(blockId, why);
        log.warning("Took back blob block {} of this node's pool: {}", blockId, why);
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("The pekko.shm transport of this actor system has stopped: no shared " +
                "blobs any more");
        }
    }

    /**
     * What a {@link SharedBlob} holds, kept apart from it so that the garbage collector can release it once the
     * handle is unreachable. States: held, then sent (allocated blobs) or released; each change by one CAS.
     */
    abstract class Lease
    {
        static final int HELD = 0;
        static final int SENT = 1;
        static final int RELEASED = 2;

        final BlobBlock block;
        final long length;
        final AtomicInteger state = new AtomicInteger(HELD);
        private final UnsafeBuffer view;

        Lease(final BlobBlock block, final long length)
        {
            this.block = block;
            this.length = length;
            // the user gets views of this mapping, and a ByteBuffer cannot be revoked: never unmap it explicitly
            block.leaveToCollector();
            this.view = new UnsafeBuffer(block.mapping(), BlobHeaderFlyweight.DATA_OFFSET, (int)length);
        }

        abstract boolean received();

        /** The holder is done with it (explicitly, or the handle was collected). */
        abstract void release();

        /** The node is stopping: release without unmapping anything. */
        abstract void abandon();

        abstract byte[] send();

        boolean held()
        {
            return HELD == state.get();
        }

        MutableDirectBuffer view()
        {
            checkHeld();
            return view;
        }

        ByteBuffer byteBuffer()
        {
            checkHeld();
            return block.mapping().slice(BlobHeaderFlyweight.DATA_OFFSET, (int)length);
        }

        String stateName()
        {
            switch (state.get())
            {
                case HELD: return "held";
                case SENT: return "sent";
                default: return "released";
            }
        }

        /** Ends this side's access: any later use of the view throws (with Agrona's bounds checks on). */
        void revoke()
        {
            view.wrap(new byte[0]);
        }

        private void checkHeld()
        {
            final int now = state.get();
            if (HELD != now)
            {
                throw new IllegalStateException("This side no longer holds " + block.path + " (" + stateName() +
                    "): a SharedBlob may be touched only until it is sent or released");
            }
        }
    }

    /** A blob this node allocated: a block lent from its pool. */
    private final class OwnedLease extends Lease
    {
        private byte[] descriptor;

        OwnedLease(final BlobBlock block, final long length)
        {
            super(block, length);
        }

        @Override
        boolean received()
        {
            return false;
        }

        @Override
        void release()
        {
            if (state.compareAndSet(HELD, RELEASED))
            {
                revoke();
                live.remove(this);
                pool.giveBack(block, System.nanoTime());
            }
        }

        @Override
        void abandon()
        {
            if (state.compareAndSet(HELD, RELEASED))
            {
                revoke();
                live.remove(this);
            }
        }

        @Override
        synchronized byte[] send()
        {
            if (state.compareAndSet(HELD, SENT))
            {
                revoke();
                live.remove(this);
                if (!pool.sentShared(block, length, System.nanoTime()))
                {
                    throw new IllegalStateException("Cannot send " + block.path + ": the pekko.shm transport of " +
                        "its actor system has stopped");
                }
                sent.increment();
                descriptor = new SharedBlobDescriptor(selfPid, selfIncarnation, block.id, block.generation(), length)
                    .toBytes();
            }
            if (null == descriptor)
            {
                throw new IllegalStateException("Cannot send " + block.path + ": " + (RELEASED == state.get() ?
                    "this SharedBlob was released (release only a blob you do not send)" :
                    "the pekko.shm transport of its actor system has stopped"));
            }
            return descriptor;
        }
    }

    /** A blob a peer sent to this node: a claimed block of the peer's pool, through this node's mapping. */
    private final class HeldLease extends Lease
    {
        private final BlobMappings.Mapping mapping;

        HeldLease(final BlobMappings.Mapping mapping, final long length)
        {
            super(mapping.block, length);
            this.mapping = mapping;
        }

        @Override
        boolean received()
        {
            return true;
        }

        @Override
        void release()
        {
            if (state.compareAndSet(HELD, RELEASED))
            {
                revoke();
                live.remove(this);
                handBack();
                mappings.release(mapping, System.nanoTime());
            }
        }

        @Override
        void abandon()
        {
            if (state.compareAndSet(HELD, RELEASED))
            {
                revoke();
                live.remove(this);
                handBack();
                mappings.abandon(mapping);
            }
        }

        @Override
        byte[] send()
        {
            throw new IllegalStateException("A received SharedBlob cannot be sent on (" + block.path + " belongs to " +
                "the node that sent it): copy it into a new one from ShmBlobs.allocate");
        }

        /** FREE for the owner, if this node still holds it (the owner never takes it back from a live holder). */
        private void handBack()
        {
            block.compareAndSetStateWord(BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.HELD, (int)selfPid),
                BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.FREE, 0));
        }
    }
}
