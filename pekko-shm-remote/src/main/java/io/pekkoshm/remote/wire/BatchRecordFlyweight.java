package io.pekkoshm.remote.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * One record of a BATCH frame: a BATCH frame carries {@link FrameHeaderFlyweight#argument()} records back to back
 * after its header, each a DATA or DIRECT body, or a BLOB record, staged when the association's log was full and sent
 * as one frame once there was room. Little-endian.
 * <pre>
 *   0                               4               5               8
 *   +-------------------------------+---------------+---------------+
 *   |      body length (int32)      |  type (int8)  | reserved (3)  |
 *   +-------------------------------+---------------+---------------+
 *   |   body: as in a frame of that type, body length bytes ...
 * </pre>
 * A BLOB record's body is a whole BLOB frame ({@link FrameHeaderFlyweight} whose argument names the type of the body
 * in the block, then the {@link BlobDescriptorFlyweight}): a large body whose block was filled while the log was
 * full waits in order with the small messages staged around it.
 * <p>
 * The reserved bytes are written as zero; a reader of this version rejects a record whose reserved bytes are not.
 * <p>
 * An instance is a view over one record at a time ({@link #wrap}); not thread-safe.
 */
public final class BatchRecordFlyweight
{
    /** Offset of the body's length in bytes, int32. */
    public static final int BODY_LENGTH_OFFSET = 0;
    /** Offset of the body's type, int8: {@link FrameHeaderFlyweight#DATA}, {@code DIRECT} or {@code BLOB}. */
    public static final int TYPE_OFFSET = 4;
    /** Offset of the three reserved bytes, zero. */
    public static final int RESERVED_OFFSET = 5;
    /** Length of a record's header in bytes; the body starts here. */
    public static final int HEADER_LENGTH = 8;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * Reads a record.
     *
     * @param buffer the frame's buffer; at least {@link #HEADER_LENGTH} bytes from {@code offset} (the caller checks).
     * @param offset where the record starts.
     * @return this flyweight.
     */
    public BatchRecordFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /**
     * Reads or writes a record of a batch being built.
     *
     * @param buffer where the batch is being built.
     * @param offset where the record starts.
     * @return this flyweight.
     */
    public BatchRecordFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        return this;
    }

    /** {@return where the record's body starts in the wrapped buffer} */
    public int bodyOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /** {@return the body's length in bytes, as the sender wrote it (not trusted: check it against the frame)} */
    public int bodyLength()
    {
        return buffer.getInt(offset + BODY_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param bodyLength the body's length in bytes.
     * @return this flyweight.
     */
    public BatchRecordFlyweight bodyLength(final int bodyLength)
    {
        mutableBuffer.putInt(offset + BODY_LENGTH_OFFSET, bodyLength, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the body's type} */
    public byte type()
    {
        return buffer.getByte(offset + TYPE_OFFSET);
    }

    /**
     * Writes the body's type and zeroes the reserved bytes.
     *
     * @param type {@link FrameHeaderFlyweight#DATA} or {@link FrameHeaderFlyweight#DIRECT}.
     * @return this flyweight.
     */
    public BatchRecordFlyweight type(final byte type)
    {
        mutableBuffer.putInt(offset + TYPE_OFFSET, type & 0xFF, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the three reserved bytes, as an unsigned 24-bit number: 0 in every record of this version} */
    public int reserved()
    {
        return buffer.getInt(offset + TYPE_OFFSET, LITTLE_ENDIAN) >>> 8;
    }
}
