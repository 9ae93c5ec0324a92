package io.pekkoshm.remote.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * What travels in place of a {@code SharedBlob} (the zero-copy API): its serialized form, written and read by
 * {@code SharedBlobSerializer}, {@link #LENGTH} bytes, little-endian. It names a block in the owner's blob directory,
 * whose header is a {@link BlobHeaderFlyweight}.
 * <pre>
 *   0       1                               8
 *   +-------+-------------------------------+
 *   | ver 1 |          reserved (0)         |
 *   +-------+-------------------------------+
 *   |        owner pid (int64)              |   8
 *   +---------------------------------------+
 *   |        owner incarnation (int64)      |  16   owner pid + incarnation name the owner's blob directory
 *   +---------------------------------------+
 *   |        block id (int64)               |  24   the file &lt;id&gt;.blob in it
 *   +---------------------------------------+
 *   |        generation (int64)             |  32   the fill; a stale descriptor never matches
 *   +---------------------------------------+
 *   |        length (int64)                 |  40   bytes of the blob
 *   +---------------------------------------+
 * </pre>
 * A reader checks the length of what it got and {@link #version()} before any other getter. An instance is a view
 * over one descriptor at a time ({@link #wrap}); not thread-safe.
 */
public final class SharedBlobDescriptorFlyweight
{
    /** The layout's version; a descriptor of another version is not read. */
    public static final byte VERSION = 1;

    /** Offset of the version byte. */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the owner's pid, int64. */
    public static final int OWNER_PID_OFFSET = 8;
    /** Offset of the owner's incarnation, int64. */
    public static final int OWNER_INCARNATION_OFFSET = 16;
    /** Offset of the block's id in the owner's pool, int64. */
    public static final int BLOCK_ID_OFFSET = 24;
    /** Offset of the block's generation for this fill, int64. */
    public static final int GENERATION_OFFSET = 32;
    /** Offset of the blob's length in bytes, int64. */
    public static final int LENGTH_OFFSET = 40;
    /** Length of the descriptor in bytes. */
    public static final int LENGTH = 48;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * Reads a descriptor.
     *
     * @param buffer holds {@link #LENGTH} bytes of the descriptor from {@code offset} (the caller checks).
     * @param offset where the descriptor starts.
     * @return this flyweight.
     */
    public SharedBlobDescriptorFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /**
     * Writes (or reads) a descriptor.
     *
     * @param buffer where the descriptor is written; {@link #LENGTH} bytes from {@code offset}, zero where reserved.
     * @param offset where the descriptor starts.
     * @return this flyweight.
     */
    public SharedBlobDescriptorFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        return this;
    }

    /** {@return the layout's version} */
    public byte version()
    {
        return buffer.getByte(offset + VERSION_OFFSET);
    }

    /**
     * @param version {@link #VERSION} for every descriptor this node writes.
     * @return this flyweight.
     */
    public SharedBlobDescriptorFlyweight version(final byte version)
    {
        mutableBuffer.putByte(offset + VERSION_OFFSET, version);
        return this;
    }

    /** {@return the owner's pid} */
    public long ownerPid()
    {
        return buffer.getLong(offset + OWNER_PID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param ownerPid pid of the node that owns the block.
     * @return this flyweight.
     */
    public SharedBlobDescriptorFlyweight ownerPid(final long ownerPid)
    {
        mutableBuffer.putLong(offset + OWNER_PID_OFFSET, ownerPid, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the owner's incarnation} */
    public long ownerIncarnation()
    {
        return buffer.getLong(offset + OWNER_INCARNATION_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param ownerIncarnation incarnation of the node that owns the block.
     * @return this flyweight.
     */
    public SharedBlobDescriptorFlyweight ownerIncarnation(final long ownerIncarnation)
    {
        mutableBuffer.putLong(offset + OWNER_INCARNATION_OFFSET, ownerIncarnation, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the block's id in the owner's pool} */
    public long blockId()
    {
        return buffer.getLong(offset + BLOCK_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param blockId the block's id in the owner's pool.
     * @return this flyweight.
     */
    public SharedBlobDescriptorFlyweight blockId(final long blockId)
    {
        mutableBuffer.putLong(offset + BLOCK_ID_OFFSET, blockId, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the block's generation for this fill} */
    public long generation()
    {
        return buffer.getLong(offset + GENERATION_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param generation the block's generation for this fill.
     * @return this flyweight.
     */
    public SharedBlobDescriptorFlyweight generation(final long generation)
    {
        mutableBuffer.putLong(offset + GENERATION_OFFSET, generation, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the blob's length in bytes} */
    public long length()
    {
        return buffer.getLong(offset + LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param length the blob's length in bytes.
     * @return this flyweight.
     */
    public SharedBlobDescriptorFlyweight length(final long length)
    {
        mutableBuffer.putLong(offset + LENGTH_OFFSET, length, LITTLE_ENDIAN);
        return this;
    }
}
