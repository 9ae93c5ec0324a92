package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.host.Permissions;
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
 * One block of shared memory: a file of a 4 KiB header page plus capacity bytes, mapped once for its whole life by
 * the owner and by each receiver that reads it. The header's layout and the block's states are drawn in
 * {@code BlobHeader}; the payload starts on the second page.
 * <p>
 * The owner creates it by writing zeros through the file (not through the mapping): every page is allocated up
 * front, so a full /dev/shm is an {@link IOException} here, never a SIGBUS later, and the block is warm before
 * its first payload. Not thread-safe by itself; its owner ({@link BlobPool} or {@link BlobReader}) guards it.
 */
public final class BlobBlock implements AutoCloseable
{
    /** The largest capacity one mapping can hold. */
    static final long MAX_CAPACITY = Integer.MAX_VALUE - BlobHeader.DATA_OFFSET - 8;
    private static final int ZERO_CHUNK = 1024 * 1024;

    final long id;
    final Path path;
    final long capacity;
    final UnsafeBuffer header;
    final UnsafeBuffer data;
    private final MappedByteBuffer mapping;
    long lastUsedNanos;

    private BlobBlock(final long id, final Path path, final long capacity, final MappedByteBuffer mapping)
    {
        this.id = id;
        this.path = path;
        this.capacity = capacity;
        this.mapping = mapping;
        this.header = new UnsafeBuffer(mapping, 0, BlobHeader.DATA_OFFSET);
        this.data = new UnsafeBuffer(mapping, BlobHeader.DATA_OFFSET, (int)capacity);
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
        final long fileLength = BlobHeader.DATA_OFFSET + capacity;
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
            BlobHeader.initialise(block.header, capacity);
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
            if (fileLength <= BlobHeader.DATA_OFFSET || fileLength - BlobHeader.DATA_OFFSET > MAX_CAPACITY)
            {
                throw new IOException(path + " is not a blob block (" + fileLength + " bytes)");
            }
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileLength);
            final BlobBlock block = new BlobBlock(id, path, fileLength - BlobHeader.DATA_OFFSET, mapping);
            if (BlobHeader.MAGIC != block.header.getInt(BlobHeader.MAGIC_OFFSET) ||
                BlobHeader.VERSION != block.header.getInt(BlobHeader.VERSION_OFFSET) ||
                block.capacity != block.header.getLong(BlobHeader.CAPACITY_OFFSET))
            {
                block.close();
                throw new IOException(path + " has no valid blob header");
            }
            return block;
        }
    }

    /** {@return the block's id within its owner's pool: its file is {@code <id>.blob} in the owner's blob directory} */
    public long id()
    {
        return id;
    }

    /**
     * {@return the payload area, a view of the mapping from the second page on, as long as the block's capacity}
     * The owner writes a payload into it between {@link BlobPool#acquire} and {@link BlobPool#sent}, and must not
     * touch it after {@code sent}: the receiver owns the bytes until it hands the block back. The view is valid
     * until the block is closed.
     */
    public UnsafeBuffer data()
    {
        return data;
    }

    int state()
    {
        return header.getIntVolatile(BlobHeader.STATE_OFFSET);
    }

    boolean compareAndSetState(final int expected, final int update)
    {
        return header.compareAndSetInt(BlobHeader.STATE_OFFSET, expected, update);
    }

    void setState(final int state)
    {
        header.putIntRelease(BlobHeader.STATE_OFFSET, state);
    }

    /**
     * {@return the block's generation} It goes up by one every time the pool hands the block out, and a
     * descriptor carries it, so the receiver refuses a stale descriptor (one for an earlier fill of the block).
     */
    public long generation()
    {
        return header.getLongVolatile(BlobHeader.GENERATION_OFFSET);
    }

    long length()
    {
        return header.getLongVolatile(BlobHeader.LENGTH_OFFSET);
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapping);
    }

    /** Unmaps and removes the file (owner only). */
    void delete()
    {
        close();
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
