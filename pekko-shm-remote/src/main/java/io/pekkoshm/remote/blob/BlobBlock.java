package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.host.Permissions;
import io.pekkoshm.remote.wire.BlobHeaderFlyweight;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One block of shared memory: a file of {@link BlobHeaderFlyweight#DATA_OFFSET} + capacity bytes, mapped once for its
 * whole life by the owner and by each receiver that reads it.
 * <p>
 * The owner creates it by writing zeros through the file (not through the mapping): every page is allocated up
 * front, so a full /dev/shm is an {@link IOException} here, never a SIGBUS later, and the block is warm before
 * its first payload. Not thread-safe by itself; its owner ({@link BlobPool} or {@link BlobReader}) guards it.
 */
public final class BlobBlock implements AutoCloseable
{
    /** The largest capacity one mapping can hold. */
    static final long MAX_CAPACITY = Integer.MAX_VALUE - BlobHeaderFlyweight.DATA_OFFSET - 8;
    private static final int ZERO_CHUNK = 1024 * 1024;

    final long id;
    final Path path;
    final long capacity;
    /** The block's header page, written and read by owner and receivers (see {@link BlobHeaderFlyweight}). */
    final BlobHeaderFlyweight header;
    final UnsafeBuffer data;
    private final MappedByteBuffer mapping;
    long lastUsedNanos;
    /** Owner side: lent to a user of the zero-copy API and neither sent nor given back yet (guarded by the pool). */
    boolean lent;
    /** A view of the mapping may be out of this plugin's hands: never unmapped explicitly (see {@link #close}). */
    private volatile boolean leftToCollector;

    private BlobBlock(final long id, final Path path, final long capacity, final MappedByteBuffer mapping)
    {
        this.id = id;
        this.path = path;
        this.capacity = capacity;
        this.mapping = mapping;
        this.header = new BlobHeaderFlyweight()
            .wrap(new UnsafeBuffer(mapping, 0, BlobHeaderFlyweight.DATA_OFFSET), 0);
        this.data = new UnsafeBuffer(mapping, BlobHeaderFlyweight.DATA_OFFSET, (int)capacity);
    }

    /**
     * Creates, allocates and maps a new block file owner-only.
     *
     * @throws IOException if the file cannot be created or /dev/shm has no room; the partial file is removed.
     */
    static BlobBlock create(final long id, final Path path, final long capacity) throws IOException
    {
        if (capacity <= 0 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("blob capacity " + capacity + " out of range 1.." + MAX_CAPACITY);
        }
        final long fileLength = BlobHeaderFlyweight.DATA_OFFSET + capacity;
        try (FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE), Permissions.OWNER_ONLY_FILE))
        {
            final ByteBuffer zeros = ByteBuffer.allocateDirect((int)Math.min(ZERO_CHUNK, fileLength));
            long position = 0;
            while (position < fileLength)
            {
                zeros.clear().limit((int)Math.min(zeros.capacity(), fileLength - position));
                position += channel.write(zeros, position);
            }
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileLength);
            final BlobBlock block = new BlobBlock(id, path, capacity, mapping);
            block.header.initialise(capacity);
            return block;
        }
        catch (final IOException | RuntimeException ex)
        {
            Files.deleteIfExists(path);
            throw ex;
        }
    }

    /**
     * Maps a block another node owns, checking its header.
     *
     * @throws IOException if the file is missing, too short or not a blob block of this version.
     */
    static BlobBlock open(final long id, final Path path) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long fileLength = channel.size();
            if (fileLength <= BlobHeaderFlyweight.DATA_OFFSET ||
                fileLength - BlobHeaderFlyweight.DATA_OFFSET > MAX_CAPACITY)
            {
                throw new IOException(path + " is not a blob block (" + fileLength + " bytes)");
            }
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileLength);
            final BlobBlock block = new BlobBlock(id, path, fileLength - BlobHeaderFlyweight.DATA_OFFSET, mapping);
            if (BlobHeaderFlyweight.MAGIC != block.header.magic() ||
                BlobHeaderFlyweight.VERSION != block.header.version() ||
                block.capacity != block.header.capacity())
            {
                block.close();
                throw new IOException(path + " has no valid blob header");
            }
            return block;
        }
    }

    /** @return the block's id within its pool (its file name). */
    public long id()
    {
        return id;
    }

    /** @return the payload area, where the owner writes a payload of up to its capacity. */
    public UnsafeBuffer data()
    {
        return data;
    }

    int state()
    {
        return header.state();
    }

    boolean compareAndSetState(final int expected, final int update)
    {
        return header.compareAndSetState(expected, update);
    }

    void setState(final int state)
    {
        header.stateRelease(state);
    }

    /** The state and the holder's pid, as one word (see {@link BlobHeaderFlyweight#stateWord(int, int)}). */
    long stateWord()
    {
        return header.stateWord();
    }

    boolean compareAndSetStateWord(final long expected, final long update)
    {
        return header.compareAndSetStateWord(expected, update);
    }

    /** Owner: a new fill begins; nobody holds the block. */
    void startFill()
    {
        header.generation(generation() + 1);
        header.holderStartMillis(0);
        header.stateWordVolatile(BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.WRITING, 0));
    }

    /**
     * Receiver: claims a {@code SENT} block for this process ({@code HELD}, naming the holder), and records the
     * holder's process start time.
     *
     * @return false if the block was not {@code SENT} (or already claimed).
     */
    boolean claim(final int holderPid, final long holderStartMillis)
    {
        if (!compareAndSetStateWord(BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.SENT, 0),
            BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.HELD, holderPid)))
        {
            return false;
        }
        header.holderStartMillisRelease(holderStartMillis);
        return true;
    }

    /** Receiver: a claim that turned out to be for another fill goes back to {@code SENT} for its rightful taker. */
    boolean unclaim(final int holderPid)
    {
        header.holderStartMillis(0);
        return compareAndSetStateWord(BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.HELD, holderPid),
            BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.SENT, 0));
    }

    /** The holder's process start time (epoch ms), 0 if not (yet) known. */
    long holderStartMillis()
    {
        return header.holderStartMillis();
    }

    /** The whole mapping of the file (header and data), for views of the payload area. */
    MappedByteBuffer mapping()
    {
        return mapping;
    }

    /** @return the generation, which changes with every fill; a descriptor carries it so a stale one never matches. */
    public long generation()
    {
        return header.generation();
    }

    long length()
    {
        return header.payloadLength();
    }

    /**
     * From now on the mapping is never unmapped explicitly: for a block whose memory a user of the zero-copy API has
     * had a view of (a {@code ByteBuffer} cannot be revoked), or that a thread may still read when its node stops.
     * Closing it then only drops this object's reference: the garbage collector unmaps the memory once the last view
     * is unreachable, so a view kept too long reads or writes memory that may hold another payload, but can never
     * crash the JVM. Irreversible; any thread.
     */
    void leaveToCollector()
    {
        leftToCollector = true;
    }

    /** Unmaps the block, unless it was {@link #leaveToCollector left to the garbage collector}. */
    @Override
    public void close()
    {
        if (!leftToCollector)
        {
            IoUtil.unmap(mapping);
        }
    }

    /** Unmaps (unless {@link #leaveToCollector left to the garbage collector}) and removes the file (owner only). */
    void delete()
    {
        close();
        unlink();
    }

    /**
     * Removes the file but leaves the mapping to the garbage collector: for a block a user may still be touching
     * through a view (the memory stays valid until the last view is gone; nothing can crash).
     */
    void unlink()
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignore)
        {
            // the directory sweep removes it later
        }
    }
}
