package io.pekkoshm.remote.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The body of a BLOB frame: where the sender placed a DATA or DIRECT body (the frame header's argument says which)
 * in its blob store. The receiver claims the block through its {@link BlobHeaderFlyweight}. Little-endian; offsets
 * are relative to the start of the body, right after the {@link FrameHeaderFlyweight}.
 * <pre>
 *   0                                                               8
 *   +---------------------------------------------------------------+
 *   |                       block id (int64)                        |
 *   +---------------------------------------------------------------+
 *   |                       generation (int64)                      |  8
 *   +---------------------------------------------------------------+
 *   |                       length (int64)                          |  16
 *   +---------------------------------------------------------------+  24
 * </pre>
 * An instance is a view over one descriptor at a time ({@link #wrap}); not thread-safe.
 */
public final class BlobDescriptorFlyweight
{
    /** Offset of the block's id in the sender's pool (its file name), int64. */
    public static final int BLOCK_ID_OFFSET = 0;
    /** Offset of the block's generation for this fill, int64: a stale descriptor never matches. */
    public static final int GENERATION_OFFSET = 8;
    /** Offset of the body's length in bytes, int64. */
    public static final int BODY_LENGTH_OFFSET = 16;
    /** Length of the descriptor in bytes. */
    public static final int LENGTH = 24;
    /** Length of a whole BLOB frame: the frame header and the descriptor. */
    public static final int FRAME_LENGTH = FrameHeaderFlyweight.LENGTH + LENGTH;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * Reads a descriptor.
     *
     * @param buffer the frame's buffer; at least {@link #LENGTH} bytes from {@code offset} (the caller checks).
     * @param offset where the descriptor starts: the BLOB frame's body.
     * @return this flyweight.
     */
    public BlobDescriptorFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /**
     * Reads or writes the descriptor of a BLOB frame being built.
     *
     * @param buffer where the frame is being built.
     * @param offset where the descriptor starts: the BLOB frame's body.
     * @return this flyweight.
     */
    public BlobDescriptorFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        return this;
    }

    /** {@return the block's id in the sender's pool} */
    public long blockId()
    {
        return buffer.getLong(offset + BLOCK_ID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param blockId the block's id in the sender's pool.
     * @return this flyweight.
     */
    public BlobDescriptorFlyweight blockId(final long blockId)
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
    public BlobDescriptorFlyweight generation(final long generation)
    {
        mutableBuffer.putLong(offset + GENERATION_OFFSET, generation, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the body's length in bytes, as the sender wrote it (not trusted: check it against the block)} */
    public long bodyLength()
    {
        return buffer.getLong(offset + BODY_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param bodyLength the body's length in bytes.
     * @return this flyweight.
     */
    public BlobDescriptorFlyweight bodyLength(final long bodyLength)
    {
        mutableBuffer.putLong(offset + BODY_LENGTH_OFFSET, bodyLength, LITTLE_ENDIAN);
        return this;
    }
}
