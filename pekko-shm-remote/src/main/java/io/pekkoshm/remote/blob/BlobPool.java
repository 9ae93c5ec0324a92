package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.host.Permissions;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import io.pekkoshm.remote.wire.BlobHeaderFlyweight;
import java.util.concurrent.atomic.AtomicLong;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The blocks a node owns for its large outbound payloads, in {@code <directory>/blobs/<pid>-<incarnation>/}.
 * <p>
 * Blocks are created on first need in size classes (64 KiB, then eight steps per power of two, so at most 12.5%
 * is unused), filled once by the sender and handed to the receiver by reference; when the receiver stores
 * {@code FREE}, the block returns here and is reused warm: in steady state no page fault, no mapping call and no
 * file creation per message. The bytes of all blocks together never exceed {@code blob.max-bytes}: when a new
 * block would pass it, free blocks are removed (largest first), and if that is not enough {@link #acquire} answers
 * null, which back-pressures the writer until blocks come back. Free blocks unused for {@code blob.idle-release}
 * are removed. A block whose receiver's process has died, or that its receiver did not claim within
 * {@code blob.claim-timeout} (its BLOB frame was lost when its association ended), is reclaimed by {@link #sweep}.
 * <p>
 * The zero-copy API borrows blocks from the same pool: {@link #lend} hands one to a user to fill in place;
 * {@link #giveBack} takes it back unsent, {@link #sentShared} sends it to a receiver not known here (it claims the
 * block, naming itself in the header). Such a block comes back when its holder stores {@code FREE}, when its holder's
 * process has died, or when nobody claimed it within {@code blob.claim-timeout}. A block once lent is never unmapped
 * explicitly, even after it came back and was reused or removed ({@link BlobBlock#leaveToCollector}): a user may
 * still hold a view of it; the pool only removes its file and drops it, and the mapping goes with the last view, so
 * a late touch can never crash the JVM.
 * <p>
 * Thread-safe: writers (any thread) acquire and send, the node agent sweeps, users of the zero-copy API lend and give
 * back; all under this pool's lock, which is only ever held for bookkeeping: a new block's bytes are reserved against
 * the cap under it, the block file is created and zero-filled outside it, and published under it again, so the node
 * agent's {@link #sweep} never waits for a writer creating a block. Threads waiting in {@link #lend(long, long)} for
 * room are woken by {@link #sweep}, {@link #giveBack} and a failed creation.
 */
public final class BlobPool implements AutoCloseable
{
    private static final long MIN_CAPACITY = 64 * 1024;
    /** The longest a thread waiting for room parks before it looks again (it is woken as soon as blocks come back). */
    private static final long MAX_ROOM_WAIT_MS = 10;
    /** Default of {@code blob.claim-timeout}, until {@link #claimTimeout(long)} sets it. */
    private static final long DEFAULT_CLAIM_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final Path directory;
    private final long maxBytes;
    private final long idleReleaseNs;
    private final AtomicLong bytesAllocated;
    private final AtomicLong reclaimed;
    private final TreeMap<Long, ArrayDeque<BlobBlock>> free = new TreeMap<>();
    private final ArrayList<InFlight> inFlight = new ArrayList<>();
    private final Set<BlobBlock> lent = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile Listener listener = new Listener() { };
    private volatile long claimTimeoutNs = DEFAULT_CLAIM_TIMEOUT_NS;
    private BlockFactory blockFactory = BlobBlock::create;
    private long allocated;
    private long nextId;
    private int sharedInFlight;
    private boolean closed;

    /** What the pool tells its node about (called under the pool's lock: keep it short, never call back in). */
    public interface Listener
    {
        /**
         * The transport's copy path could not create a block for a payload (e.g. /dev/shm is full): the payload is
         * dropped; {@code failure} names both sizes and what to do. Not called for the zero-copy API, whose caller
         * gets the exception itself.
         *
         * @param length  the payload's length in bytes.
         * @param failure what went wrong.
         */
        default void onAllocationFailure(final long length, final BlobStoreException failure)
        {
        }

        /**
         * A block was taken back without its receiver handing it back.
         *
         * @param blockId the block.
         * @param why     why (holder died, or nobody claimed it in time).
         */
        default void onReclaimed(final long blockId, final String why)
        {
        }
    }

    /** Creates a block file: the seam where a full /dev/shm shows up (an {@link IOException}). */
    interface BlockFactory
    {
        BlobBlock create(long id, Path path, long capacity) throws IOException;
    }

    private static final class InFlight
    {
        final BlobBlock block;
        final long receiverPid;
        final long receiverStartMillis;
        /** Zero-copy: the receiver is not known here; it names itself when it claims the block. */
        final boolean shared;
        /** When it was sent: {@code blob.claim-timeout} runs from here while it is not claimed. */
        final long sentNs;
        /** The receiver's gauge of blob bytes in use, or null: holds the block's bytes while the entry exists. */
        final AtomicLong inUse;
        /** Zero-copy: the state word last seen {@code HELD} with no holder start time yet, 0 if none. */
        long unnamedHolderWord;
        /** When {@link #unnamedHolderWord} was first seen. */
        long unnamedHolderSinceNs;

        InFlight(final BlobBlock block, final long receiverPid, final long receiverStartMillis, final boolean shared,
            final long sentNs, final AtomicLong inUse)
        {
            this.block = block;
            this.receiverPid = receiverPid;
            this.receiverStartMillis = receiverStartMillis;
            this.shared = shared;
            this.sentNs = sentNs;
            this.inUse = inUse;
            add(inUse, BlobHeaderFlyweight.DATA_OFFSET + block.capacity);
        }

        /** The block is back (or forgotten): its bytes leave the receiver's gauge. */
        void ended()
        {
            add(inUse, -(BlobHeaderFlyweight.DATA_OFFSET + block.capacity));
        }

        private static void add(final AtomicLong gauge, final long delta)
        {
            if (null != gauge)
            {
                gauge.getAndAdd(delta);
            }
        }
    }

    /**
     * @param directory      this node's own blob directory (created owner-only here).
     * @param maxBytes       the cap on the bytes of all blocks ({@code blob.max-bytes}).
     * @param idleReleaseNs  free blocks unused this long are removed.
     * @param bytesAllocated gauge of the bytes of all blocks (counter "blob bytes allocated").
     * @param reclaimed      count of blocks taken back from dead receivers.
     * @throws IOException if the directory cannot be created.
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
     * The directory of a node's blocks, from its pid and incarnation (both ends compute it the same way).
     *
     * @param blobsRoot   the directory of every node's blob directory.
     * @param pid         the node's pid.
     * @param incarnation the node's incarnation.
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
     * Sets who is told of drops and reclaims.
     *
     * @param listener the node's listener.
     */
    public void listener(final Listener listener)
    {
        this.listener = listener;
    }

    /**
     * Sets {@code blob.claim-timeout}.
     *
     * @param claimTimeoutNs a block (transport or zero-copy) nobody claimed for this long is taken back.
     */
    public void claimTimeout(final long claimTimeoutNs)
    {
        this.claimTimeoutNs = claimTimeoutNs;
    }

    /** Replaces how block files are created (tests inject a full /dev/shm here). */
    synchronized void blockFactory(final BlockFactory factory)
    {
        this.blockFactory = factory;
    }

    /**
     * The largest payload one block can carry under a cap.
     *
     * @param maxBytes the cap ({@code blob.max-bytes}).
     * @return the largest payload, in bytes.
     */
    public static long largestPayload(final long maxBytes)
    {
        return Math.min(BlobBlock.MAX_CAPACITY, maxBytes - BlobHeaderFlyweight.DATA_OFFSET);
    }

    /**
     * A block of at least {@code length} bytes, in state {@code WRITING} with a new generation, or null when the
     * cap leaves no room until blocks come back (back-pressure).
     *
     * @param length the payload's length in bytes.
     * @param nowNs  {@link System#nanoTime()} now.
     * @return the block, or null.
     * @throws BlobStoreException if the payload can never fit, or /dev/shm has no room for the block (the
     *                            {@link Listener} is told first).
     */
    public BlobBlock acquire(final long length, final long nowNs)
    {
        return acquire(length, nowNs, true);
    }

    /**
     * As {@link #acquire(long, long)}, for a caller that reports a failure itself: the direct path knows the message
     * and its recipient and publishes the one {@code Dropped} for it.
     *
     * @param length       the payload's length in bytes.
     * @param nowNs        {@link System#nanoTime()} now.
     * @param tellListener whether the {@link Listener} is told of a failure (it publishes a {@code Dropped} that
     *                     names only the payload's size).
     * @return the block, or null while the cap leaves no room.
     * @throws BlobStoreException if the payload can never fit, or /dev/shm has no room for the block.
     */
    public BlobBlock acquire(final long length, final long nowNs, final boolean tellListener)
    {
        try
        {
            return take(length, nowNs, false);
        }
        catch (final BlobStoreException ex)
        {
            if (tellListener)
            {
                listener.onAllocationFailure(length, ex);
            }
            throw ex;
        }
    }

    /**
     * Zero-copy: a block of at least {@code length} bytes lent to a user to fill in place, in state {@code WRITING},
     * waiting up to {@code timeoutNs} for room under the cap.
     *
     * @param length    the blob's length in bytes.
     * @param timeoutNs how long to wait for room; 0: not at all.
     * @return the block, or null if there was no room within the timeout (or the pool is closed).
     * @throws BlobStoreException if the payload can never fit, or /dev/shm has no room for the block.
     */
    public BlobBlock lend(final long length, final long timeoutNs)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (true)
        {
            final long now = System.nanoTime();
            final BlobBlock block = take(length, now, true);
            if (null != block)
            {
                return block;
            }
            synchronized (this)
            {
                if (closed || (sweep(now, false) == 0 && now - deadline >= 0))
                {
                    return null;
                }
                final long waitMs = Math.min(MAX_ROOM_WAIT_MS, TimeUnit.NANOSECONDS.toMillis(deadline - now) + 1);
                try
                {
                    wait(waitMs);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    /**
     * Zero-copy: the user gives back a block it did not send; it is free again at once.
     *
     * @param block the lent block.
     * @param nowNs {@link System#nanoTime()} now.
     * @return false if the block was not lent (already sent or given back).
     */
    public synchronized boolean giveBack(final BlobBlock block, final long nowNs)
    {
        if (!block.lent)
        {
            return false;
        }
        block.lent = false;
        lent.remove(block);
        if (closed)
        {
            return true;
        }
        block.setState(BlobHeaderFlyweight.FREE);
        block.lastUsedNanos = nowNs;
        release(block);
        notifyAll();
        return true;
    }

    /**
     * Zero-copy: the block's descriptor is about to be sent to a receiver not known here; only a receiver may take
     * it now, and the block comes back by {@link #sweep}.
     *
     * @param block  the lent block.
     * @param length the blob's length in bytes.
     * @param nowNs  {@link System#nanoTime()} now (when {@code blob.claim-timeout} starts).
     * @return false if the block was not lent (already sent or given back) or the pool is closed.
     */
    public synchronized boolean sentShared(final BlobBlock block, final long length, final long nowNs)
    {
        if (!block.lent || closed)
        {
            return false;
        }
        block.lent = false;
        lent.remove(block);
        block.header.payloadLength(length);
        block.setState(BlobHeaderFlyweight.SENT);
        inFlight.add(new InFlight(block, 0, 0, true, nowNs, null));
        sharedInFlight++;
        return true;
    }

    /**
     * A free block, or a new one: its bytes are reserved against the cap under the lock, the file is created and
     * zero-filled outside it (a GiB takes about a second, and the agent's {@link #sweep} must never wait for that),
     * and the block is published under the lock again; a failed creation gives its reservation back.
     */
    private BlobBlock take(final long length, final long nowNs, final boolean lend)
    {
        final long id;
        final long capacity = capacityFor(length);
        final BlockFactory factory;
        synchronized (this)
        {
            if (closed)
            {
                return null;
            }
            if (length > largestPayload(maxBytes) || capacity + BlobHeaderFlyweight.DATA_OFFSET > maxBytes)
            {
                throw new BlobStoreException("A payload of " + length + " bytes is larger than the blob store can " +
                    "hold (pekko.remote.shm.blob.max-bytes = " + maxBytes + ", largest payload " +
                    largestPayload(maxBytes) + ")");
            }
            BlobBlock block = takeFree(capacity);
            if (null == block && !inFlight.isEmpty() && sweep(nowNs, false) > 0)
            {
                // a receiver has handed one back that the agent has not swept yet: reuse it warm
                block = takeFree(capacity);
            }
            if (null != block)
            {
                return publish(block, nowNs, lend);
            }
            if (!makeRoom(capacity + BlobHeaderFlyweight.DATA_OFFSET))
            {
                return null;
            }
            reserve(BlobHeaderFlyweight.DATA_OFFSET + capacity);
            id = nextId++;
            factory = blockFactory;
        }

        final BlobBlock created = create(factory, id, capacity);
        synchronized (this)
        {
            if (closed)
            {
                // close() already gave back every reservation
                created.delete();
                return null;
            }
            return publish(created, nowNs, lend);
        }
    }

    /** Under the lock: a block taken or created becomes the caller's, a new fill in state {@code WRITING}. */
    private BlobBlock publish(final BlobBlock block, final long nowNs, final boolean lend)
    {
        block.startFill();
        ShmFlightRecorder.blobAllocated(block.id, block.capacity, lend);
        block.lastUsedNanos = nowNs;
        if (lend)
        {
            block.lent = true;
            lent.add(block);
        }
        return block;
    }

    /**
     * The payload is in the block and its descriptor is about to be published: only the receiver may take it now.
     *
     * @param block               the acquired block.
     * @param length              the payload's length in bytes.
     * @param receiverPid         the receiving node's pid.
     * @param receiverStartMillis its process start time (epoch ms), against pid reuse.
     * @param nowNs               {@link System#nanoTime()} now (when {@code blob.claim-timeout} starts).
     */
    public void sent(final BlobBlock block, final long length, final long receiverPid,
        final long receiverStartMillis, final long nowNs)
    {
        sent(block, length, receiverPid, receiverStartMillis, nowNs, null);
    }

    /**
     * As {@link #sent(BlobBlock, long, long, long, long)}, counting the block's bytes (its file's: header and
     * capacity) in a gauge of the receiver's until the block is back: handed back and swept, reclaimed, recalled, or
     * the pool closed. The gauge is written under this pool's lock only (never by the receiver, which hands a block
     * back by its state word alone); nothing is allocated for it.
     *
     * @param block               the acquired block.
     * @param length              the payload's length in bytes.
     * @param receiverPid         the receiving node's pid.
     * @param receiverStartMillis its process start time (epoch ms), against pid reuse.
     * @param nowNs               {@link System#nanoTime()} now (when {@code blob.claim-timeout} starts).
     * @param bytesInUse          the receiver's (its association's) gauge of blob bytes in use, or null for none.
     */
    public synchronized void sent(final BlobBlock block, final long length, final long receiverPid,
        final long receiverStartMillis, final long nowNs, final AtomicLong bytesInUse)
    {
        block.header.payloadLength(length);
        block.setState(BlobHeaderFlyweight.SENT);
        inFlight.add(new InFlight(block, receiverPid, receiverStartMillis, false, nowNs, bytesInUse));
    }

    /**
     * The descriptor marked {@link #sent} could not be published after all (its batch is still staged): the block is
     * the sender's again, still filled, in state {@code WRITING}, until it is marked sent once more or abandoned. Only
     * before the descriptor is visible to a receiver.
     *
     * @param block the block marked sent.
     */
    public synchronized void recall(final BlobBlock block)
    {
        for (int i = inFlight.size() - 1; i >= 0; i--)
        {
            if (inFlight.get(i).block == block)
            {
                inFlight.remove(i).ended();
                break;
            }
        }
        block.setState(BlobHeaderFlyweight.WRITING);
    }

    /**
     * The block was acquired but its descriptor could not be published: it is free again.
     *
     * @param block the acquired block.
     */
    public synchronized void abandon(final BlobBlock block)
    {
        block.setState(BlobHeaderFlyweight.FREE);
        release(block);
    }

    /**
     * Takes back blocks their receivers have finished with; zero-copy blocks nobody claimed within
     * {@code blob.claim-timeout}; and, when {@code checkReceivers}, blocks whose receiver's (or zero-copy holder's)
     * process has exited; removes free blocks idle for longer than {@code blob.idle-release}.
     *
     * @param nowNs          {@link System#nanoTime()} now.
     * @param checkReceivers whether to check receivers' processes (the periodic sweep) and remove idle blocks.
     * @return how many blocks came back.
     */
    public synchronized int sweep(final long nowNs, final boolean checkReceivers)
    {
        int returned = 0;
        for (int i = inFlight.size() - 1; i >= 0; i--)
        {
            final InFlight entry = inFlight.get(i);
            if (entry.shared ? sweepShared(entry, nowNs, checkReceivers) : sweepSent(entry, nowNs, checkReceivers))
            {
                inFlight.remove(i);
                entry.ended();
                if (entry.shared)
                {
                    sharedInFlight--;
                }
                entry.block.lastUsedNanos = nowNs;
                release(entry.block);
                returned++;
            }
        }
        if (checkReceivers)
        {
            removeIdle(nowNs);
        }
        if (returned > 0)
        {
            notifyAll();
        }
        return returned;
    }

    /**
     * A block sent by the transport to a known receiver: back once FREE, once unclaimed for the claim timeout (its
     * BLOB frame was lost with its association, and no receiver handed it back), or once that receiver has died.
     */
    private boolean sweepSent(final InFlight entry, final long nowNs, final boolean checkReceivers)
    {
        final BlobBlock block = entry.block;
        final long word = block.stateWord();
        final int state = BlobHeaderFlyweight.stateOf(word);
        if (BlobHeaderFlyweight.FREE == state)
        {
            return true;
        }
        if (BlobHeaderFlyweight.SENT == state && nowNs - entry.sentNs > claimTimeoutNs &&
            block.compareAndSetStateWord(word, BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.FREE, 0)))
        {
            reclaimed.incrementAndGet();
            listener.onReclaimed(block.id, "its receiver (pid " + entry.receiverPid + ") did not claim it within " +
                "pekko.remote.shm.blob.claim-timeout (" + TimeUnit.NANOSECONDS.toMillis(claimTimeoutNs) + " ms): " +
                "its message was lost with its association, or is very late");
            return true;
        }
        if (checkReceivers && !ProcessLiveness.isAlive(entry.receiverPid, entry.receiverStartMillis) &&
            block.compareAndSetState(state, BlobHeaderFlyweight.FREE))
        {
            reclaimed.incrementAndGet();
            listener.onReclaimed(block.id, "its receiver (pid " + entry.receiverPid + ") has exited");
            return true;
        }
        return false;
    }

    /** A zero-copy block: back once FREE, once unclaimed for the claim timeout, or once its holder has died. */
    private boolean sweepShared(final InFlight entry, final long nowNs, final boolean checkReceivers)
    {
        final BlobBlock block = entry.block;
        final long word = block.stateWord();
        final int state = BlobHeaderFlyweight.stateOf(word);
        if (BlobHeaderFlyweight.FREE == state)
        {
            return true;
        }
        if (BlobHeaderFlyweight.SENT == state && nowNs - entry.sentNs > claimTimeoutNs &&
            block.compareAndSetStateWord(word, BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.FREE, 0)))
        {
            reclaimed.incrementAndGet();
            listener.onReclaimed(block.id, "no receiver claimed it within pekko.remote.shm.blob.claim-timeout (" +
                TimeUnit.NANOSECONDS.toMillis(claimTimeoutNs) + " ms): its message was lost or is very late");
            return true;
        }
        final int holder = BlobHeaderFlyweight.holderOf(word);
        if (BlobHeaderFlyweight.HELD == state && checkReceivers && 0 != holder &&
            holderIsGone(entry, word, holder, nowNs) &&
            block.compareAndSetStateWord(word, BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.FREE, 0)))
        {
            reclaimed.incrementAndGet();
            listener.onReclaimed(block.id, "its holder (pid " + holder + ") has exited");
            return true;
        }
        return false;
    }

    /**
     * Whether the holder a zero-copy block's state word names has died. The holder writes its process start time
     * right after its claim; while it is 0, the pid alone cannot tell the holder from a process that reused its pid
     * after the holder died between the two. So a start time still 0 after {@code blob.claim-timeout} from when this
     * pool first saw the claim (the same word) means the holder died before writing it (see
     * {@link BlobHeaderFlyweight}).
     */
    private boolean holderIsGone(final InFlight entry, final long word, final int holder, final long nowNs)
    {
        final long startMillis = entry.block.holderStartMillis();
        if (!ProcessLiveness.isAlive(holder, startMillis))
        {
            return true;
        }
        if (0 != startMillis)
        {
            entry.unnamedHolderWord = 0;
            return false;
        }
        if (entry.unnamedHolderWord != word)
        {
            entry.unnamedHolderWord = word;
            entry.unnamedHolderSinceNs = nowNs;
            return false;
        }
        return nowNs - entry.unnamedHolderSinceNs > claimTimeoutNs;
    }

    /** @return blocks sent and not yet back (both paths). */
    public synchronized int inFlightCount()
    {
        return inFlight.size();
    }

    /** @return zero-copy blocks sent and not yet back. */
    public synchronized int sharedInFlightCount()
    {
        return sharedInFlight;
    }

    /** @return zero-copy blocks lent to users and neither sent nor given back. */
    public synchronized int lentCount()
    {
        return lent.size();
    }

    /** @return bytes of all blocks (free, lent and in flight), and of blocks being created. */
    public synchronized long allocatedBytes()
    {
        return allocated;
    }

    /**
     * Removes every block and the directory. Receivers still holding a mapping keep reading it safely; blocks lent
     * or sent through the zero-copy API only lose their file (see the class comment).
     */
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
        inFlight.forEach(entry ->
        {
            entry.ended();
            if (entry.shared)
            {
                entry.block.unlink();
            }
            else
            {
                entry.block.delete();
            }
        });
        inFlight.clear();
        sharedInFlight = 0;
        lent.forEach(BlobBlock::unlink);
        lent.clear();
        notifyAll();
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

    /** Outside the lock: creates and zero-fills a block whose bytes are reserved; a failure gives them back. */
    private BlobBlock create(final BlockFactory factory, final long id, final long capacity)
    {
        final Path path = directory.resolve(id + ".blob");
        final long bytes = BlobHeaderFlyweight.DATA_OFFSET + capacity;
        try
        {
            return factory.create(id, path, capacity);
        }
        catch (final IOException ex)
        {
            unreserve(bytes);
            throw new BlobStoreException("Could not allocate a blob block of " + bytes + " bytes at " + path + " (" +
                ex.getMessage() + "; usable space " + usableSpace() + " bytes). /dev/shm " +
                "is probably full or too small: give it more room (Docker: --shm-size; Kubernetes: an emptyDir with " +
                "medium Memory mounted at /dev/shm), or lower pekko.remote.shm.blob.max-bytes.", ex);
        }
        catch (final RuntimeException | Error ex)
        {
            unreserve(bytes);
            throw ex;
        }
    }

    /** Under the lock: {@code bytes} of a block about to be created count against the cap from now on. */
    private void reserve(final long bytes)
    {
        allocated += bytes;
        bytesAllocated.getAndAdd(bytes);
        ShmFlightRecorder.blobPoolGrown(bytes, allocated, maxBytes);
    }

    /** A creation failed: its reservation goes back (unless {@link #close} already gave back every reservation). */
    private synchronized void unreserve(final long bytes)
    {
        if (!closed)
        {
            allocated -= bytes;
            bytesAllocated.getAndAdd(-bytes);
        }
        notifyAll();
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
        allocated -= BlobHeaderFlyweight.DATA_OFFSET + block.capacity;
        bytesAllocated.getAndAdd(-(BlobHeaderFlyweight.DATA_OFFSET + block.capacity));
        ShmFlightRecorder.blobPoolShrunk(BlobHeaderFlyweight.DATA_OFFSET + block.capacity, allocated);
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
