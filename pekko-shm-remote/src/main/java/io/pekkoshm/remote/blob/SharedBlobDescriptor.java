package io.pekkoshm.remote.blob;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * What travels in place of a {@link SharedBlob}: the serialized form written by {@link SharedBlobSerializer}, 48
 * bytes, little-endian.
 * <pre>
 *   0       1                               8
 *   +-------+-------------------------------+
 *   | ver 1 |          reserved (0)         |
 *   +-------+-------------------------------+
 *   |        owner pid (int64)              |   8
 *   +---------------------------------------+
 *   |        owner incarnation (int64)      |  16   owner pid + incarnation name the owner's blob directory
 *   +---------------------------------------+
 *   |        block id (int64)               |  24   the file <id>.blob in it
 *   +---------------------------------------+
 *   |        generation (int64)             |  32   the fill; a stale descriptor never matches
 *   +---------------------------------------+
 *   |        length (int64)                 |  40   bytes of the blob
 *   +---------------------------------------+
 * </pre>
 *
 * @param ownerPid         pid of the node that owns the block.
 * @param ownerIncarnation incarnation of that node.
 * @param blockId          the block within the owner's pool.
 * @param generation       the block's generation for this fill.
 * @param length           the blob's length in bytes.
 */
record SharedBlobDescriptor(long ownerPid, long ownerIncarnation, long blockId, long generation, long length)
{
    static final byte VERSION = 1;
    static final int LENGTH = 48;
    private static final int VERSION_OFFSET = 0;
    private static final int OWNER_PID_OFFSET = 8;
    private static final int OWNER_INCARNATION_OFFSET = 16;
    private static final int BLOCK_ID_OFFSET = 24;
    private static final int GENERATION_OFFSET = 32;
    private static final int LENGTH_OFFSET = 40;

    byte[] toBytes()
    {
        final byte[] bytes = new byte[LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putByte(VERSION_OFFSET, VERSION);
        buffer.putLong(OWNER_PID_OFFSET, ownerPid, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(OWNER_INCARNATION_OFFSET, ownerIncarnation, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(BLOCK_ID_OFFSET, blockId, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(GENERATION_OFFSET, generation, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(LENGTH_OFFSET, length, ByteOrder.LITTLE_ENDIAN);
        return bytes;
    }

    /**
     * @throws IllegalArgumentException naming what is wrong, if {@code bytes} is not a descriptor this version reads.
     */
    static SharedBlobDescriptor fromBytes(final byte[] bytes)
    {
        if (bytes.length != LENGTH)
        {
            throw new IllegalArgumentException("a shared blob descriptor is " + LENGTH + " bytes, not " + bytes.length);
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final byte version = buffer.getByte(VERSION_OFFSET);
        if (VERSION != version)
        {
            throw new IllegalArgumentException("shared blob descriptor version " + version + ", this node reads " +
                VERSION);
        }
        final SharedBlobDescriptor descriptor = new SharedBlobDescriptor(
            buffer.getLong(OWNER_PID_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(OWNER_INCARNATION_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(BLOCK_ID_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(GENERATION_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN));
        if (descriptor.ownerPid <= 0 || descriptor.blockId < 0 || descriptor.length < 0)
        {
            throw new IllegalArgumentException("malformed shared blob descriptor " + descriptor);
        }
        return descriptor;
    }
}
