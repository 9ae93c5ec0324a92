package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.host.Permissions;
import io.pekkoshm.remote.host.ProcessLiveness;
import java.util.concurrent.atomic.AtomicLong;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The blocks a node owns for its large outbound payloads, in {@code <directory>/blobs/<pid>-<incarnation>/}.
 * <p>
 * Blocks are created on first need in size classes (64 KiB, then eight steps per power of two, so at most 12.5%
 * is unused), filled once by the sender and handed to the receiver by reference; when the receiver stores
 * {@code FREE}, the block returns here and is reused warm: in steady state no page fault, no mapping call and no
 * file creation per message. The bytes of all blocks together never exceed {@code blob.max-bytes}: when a new
 * block would pass it, free blocks are removed (largest first), and if that is not enough {@link #acquire} answers
 * null, which back-pressures the writer until blocks come back. Free blocks unused for {@code blob.idle-release}
 * are removed. A block whose receiver's process has died is reclaimed by {@link #sweep}.
 * <p>
 * Thread-safe: writers (any thread) acquire and send, the node agent sweeps; all under this pool's lock.
 */
public final class BlobPool implements AutoCloseable
{
    private static final long MIN_CAPACITY = 64 * 1024;

    private final Path directory;
    private final long maxBytes;
    private final long idleReleaseNs;
    private final AtomicLong bytesAllocated;
    private final AtomicLong reclaimed;
    private final TreeMap<Long, ArrayDeque<BlobBlock>> free = new TreeMap<>();
    private final ArrayList<InFlight> inFlight = new ArrayList<>();
    private long allocated;
    private long nextId;
    private boolean closed;

    private static final class InFlight
    {
        final BlobBlock block;
        final long receiverPid;
        final long receiverStartMillis;

        InFlight(final BlobBlock block, final long receiverPid, final long receiverStartMillis)
        {
            this.block = block;
            this.receiverPid = receiverPid;
            this.receiverStartMillis = receiverStartMillis;
        }
    }

    /**
     * @param directory      this node's own blob directory (created owner-only here).
     * @param maxBytes       the cap on the bytes of all blocks ({@code blob.max-bytes}).
     * @param idleReleaseNs  free blocks unused this long are removed.
     * @param bytesAllocated gauge of the bytes of all blocks (counter "blob bytes allocated").
     * @param reclaimed      count of blocks taken back from dead receivers.
     * @throws IOException if the directory cannot be created, or exists and belongs to another user.
     */
    public BlobPool(final Path directory, final long maxBytes, final long idleReleaseNs,
        final AtomicLong bytesAllocated, final AtomicLong reclaimed) throws IOException
    {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.idleReleaseNs = idleReleaseNs;
        this.bytesAllocated = bytesAllocated;
        this.reclaimed = reclaimed;
        Permissions.createOwnerOnlyDirectory(directory);
    }

    /**
     * The directory of a node's blocks; the owner and its receivers compute it the same way, so a descriptor needs
     * to carry only a block id.
     *
     * @param blobsRoot   the host's blob root ({@code <directory>/blobs}).
     * @param pid         the owning node's process id.
     * @param incarnation the owning node's incarnation (a fresh random number per start).
     * @return {@code <blobsRoot>/<pid>-<incarnation in hex>}.
     */
    public static Path directoryOf(final Path blobsRoot, final long pid, final long incarnation)
    {
        return blobsRoot.resolve(pid + "-" + Long.toHexString(incarnation));
    }

    /** The block capacity used for a payload of {@code length} bytes. */
    static long capacityFor(final long length)
    {
        if (length <= MIN_CAPACITY)
        {
            return MIN_CAPACITY;
        }
        final long octave = Long.highestOneBit(length - 1) << 1;
        final long step = octave / 8;
        final long capacity = (length + step - 1) / step * step;
        return Math.min(capacity, BlobBlock.MAX_CAPACITY);
    }

    /**
     * The largest payload one block can carry under a cap: one mapping holds at most 2 GiB less a header page.
     *
     * @param maxBytes the pool's cap in bytes ({@code blob.max-bytes}).
     * @return the largest payload in bytes.
     */
    public static long largestPayload(final long maxBytes)
    {
        return Math.min(BlobBlock.MAX_CAPACITY, maxBytes - BlobHeader.DATA_OFFSET);
    }

    /**
     * A block of at least {@code length} bytes, in state {@code WRITING} with a new generation, or null when the
     * cap leaves no room until blocks come back (back-pressure). The caller fills {@link BlobBlock#data()} and then
     * calls either {@link #sent} or {@link #abandon}.
     *
     * @param length the payload's length in bytes.
     * @param nowNs  the current {@link System#nanoTime()}, for the idle release of the block.
     * @return the block, or null under back-pressure (or once the pool is closed).
     * @throws BlobStoreException if the payload can never fit, or /dev/shm has no room for the block.
     */
    public synchronized BlobBlock acquire(final long length, final long nowNs)
    {
        if (closed)
        {
            return null;
        }
        final long capacity = capacityFor(length);
        if (length > largestPayload(maxBytes) || capacity + BlobHeader.DATA_OFFSET > maxBytes)
        {
            throw new BlobStoreException("A payload of " + length + " bytes is larger than the blob store can hold " +
                "(pekko.remote.shm.blob.max-bytes = " + maxBytes + ", largest payload " + largestPayload(maxBytes) + ")");
        }
        BlobBlock block = takeFree(capacity);
        if (null == block)
        {
            if (!makeRoom(capacity + BlobHeader.DATA_OFFSET))
            {
                return null;
            }
            block = create(capacity);
        }
        block.header.putLong(BlobHeader.GENERATION_OFFSET, block.generation() + 1);
        block.header.putLong(BlobHeader.HOLDER_PID_OFFSET, 0);
        block.header.putLong(BlobHeader.HOLDER_START_OFFSET, 0);
        block.setState(BlobHeader.WRITING);
        block.lastUsedNanos = nowNs;
        return block;
    }

    /**
     * The payload is in the block and its descriptor is about to be published: only the receiver may take it now.
     * The block stays in flight until the receiver stores {@code FREE}, or until {@link #sweep} finds the receiver's
     * process gone.
     *
     * @param block               a block from {@link #acquire}.
     * @param length              the payload's length in bytes.
     * @param receiverPid         the receiving node's process id.
     * @param receiverStartMillis the receiving process's start time (epoch ms), which guards against pid reuse.
     */
    public synchronized void sent(final BlobBlock block, final long length, final long receiverPid,
        final long receiverStartMillis)
    {
        block.header.putLong(BlobHeader.LENGTH_OFFSET, length);
        block.setState(BlobHeader.SENT);
        inFlight.add(new InFlight(block, receiverPid, receiverStartMillis));
    }

    /**
     * The block was acquired but its descriptor could not be published: it is free again.
     *
     * @param block a block from {@link #acquire} that was not {@link #sent}.
     */
    public synchronized void abandon(final BlobBlock block)
    {
        block.setState(BlobHeader.FREE);
        release(block);
    }

    /**
     * Takes back blocks their receivers have finished with, and, when {@code checkReceivers}, blocks whose
     * receiver's process has exited; removes free blocks idle for longer than {@code blob.idle-release}.
     *
     * @param nowNs          the current {@link System#nanoTime()}.
     * @param checkReceivers whether to check the liveness of receivers and release idle blocks too (costlier: the
     *                       node agent asks for it once per heartbeat interval).
     * @return how many blocks came back.
     */
    public synchronized int sweep(final long nowNs, final boolean checkReceivers)
    {
        int returned = 0;
        for (int i = inFlight.size() - 1; i >= 0; i--)
        {
            final InFlight entry = inFlight.get(i);
            final int state = entry.block.state();
            boolean back = BlobHeader.FREE == state;
            if (!back && checkReceivers && !ProcessLiveness.isAlive(entry.receiverPid, entry.receiverStartMillis))
            {
                back = entry.block.compareAndSetState(state, BlobHeader.FREE);
                if (back)
                {
                    reclaimed.incrementAndGet();
                }
            }
            if (back)
            {
                inFlight.remove(i);
                entry.block.lastUsedNanos = nowNs;
                release(entry.block);
                returned++;
            }
        }
        if (checkReceivers)
        {
            removeIdle(nowNs);
        }
        return returned;
    }

    /** {@return how many blocks are sent and not yet back} */
    public synchronized int inFlightCount()
    {
        return inFlight.size();
    }

    /** Bytes of all blocks (free and in flight); the counter "blob bytes allocated" is what callers read. */
    synchronized long allocatedBytes()
    {
        return allocated;
    }

    /** Removes every block and the directory. Receivers still holding a mapping keep reading it safely. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final ArrayDeque<BlobBlock> blocks : free.values())
        {
            blocks.forEach(BlobBlock::delete);
        }
        free.clear();
        inFlight.forEach(entry -> entry.block.delete());
        inFlight.clear();
        bytesAllocated.getAndAdd(-allocated);
        allocated = 0;
        try
        {
            Files.deleteIfExists(directory);
        }
        catch (final IOException ignore)
        {
            // swept by the next start or the exiting driver
        }
    }

    private BlobBlock takeFree(final long capacity)
    {
        final Map.Entry<Long, ArrayDeque<BlobBlock>> entry = free.ceilingEntry(capacity);
        if (null == entry || entry.getKey() > 2 * capacity)
        {
            return null;
        }
        final BlobBlock block = entry.getValue().pollLast();
        if (entry.getValue().isEmpty())
        {
            free.remove(entry.getKey());
        }
        return block;
    }

    private void release(final BlobBlock block)
    {
        if (closed)
        {
            return;
        }
        free.computeIfAbsent(block.capacity, c -> new ArrayDeque<>()).addLast(block);
    }

    /** Removes free blocks, largest first, until {@code bytes} more fit under the cap. */
    private boolean makeRoom(final long bytes)
    {
        while (allocated + bytes > maxBytes)
        {
            final Map.Entry<Long, ArrayDeque<BlobBlock>> largest = free.lastEntry();
            if (null == largest)
            {
                return false;
            }
            final BlobBlock victim = largest.getValue().pollLast();
            if (largest.getValue().isEmpty())
            {
                free.remove(largest.getKey());
            }
            forget(victim);
        }
        return true;
    }

    private BlobBlock create(final long capacity)
    {
        final long id = nextId++;
        final Path path = directory.resolve(id + ".blob");
        try
        {
            final BlobBlock block = BlobBlock.create(id, path, capacity);
            allocated += BlobHeader.DATA_OFFSET + capacity;
            bytesAllocated.getAndAdd(BlobHeader.DATA_OFFSET + capacity);
            return block;
        }
        catch (final IOException ex)
        {
            throw new BlobStoreException("Could not allocate a blob block of " + (BlobHeader.DATA_OFFSET + capacity) +
                " bytes at " + path + " (" + ex.getMessage() + "; usable space " + usableSpace() + " bytes). /dev/shm " +
                "is probably full or too small: give it more room (Docker: --shm-size; Kubernetes: an emptyDir with " +
                "medium Memory mounted at /dev/shm), or lower pekko.remote.shm.blob.max-bytes.", ex);
        }
    }

    private void removeIdle(final long nowNs)
    {
        for (final Iterator<ArrayDeque<BlobBlock>> classes = free.values().iterator(); classes.hasNext(); )
        {
            final ArrayDeque<BlobBlock> blocks = classes.next();
            blocks.removeIf(block ->
            {
                final boolean idle = nowNs - block.lastUsedNanos > idleReleaseNs;
                if (idle)
                {
                    forget(block);
                }
                return idle;
            });
            if (blocks.isEmpty())
            {
                classes.remove();
            }
        }
    }

    private void forget(final BlobBlock block)
    {
        allocated -= BlobHeader.DATA_OFFSET + block.capacity;
        bytesAllocated.getAndAdd(-(BlobHeader.DATA_OFFSET + block.capacity));
        block.delete();
    }

    private long usableSpace()
    {
        try
        {
            return Files.getFileStore(directory).getUsableSpace();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }
}
