package io.pekkoshm.remote.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The body of a CHUNK frame: one piece of a DATA or DIRECT body (the frame header's argument says which) too large for
 * one frame, sent to a peer that shares no memory with the sender (a node of another host). The pieces of one body
 * follow each other in the stream, first to last, and other frames of the association may come between them; the
 * pieces of the next large body start only after the last piece of this one. Little-endian; offsets are relative to
 * the start of the body, right after the {@link FrameHeaderFlyweight}.
 * <pre>
 *   0                                                               4
 *   +---------------------------------------------------------------+
 *   |                  length of the whole body (int32)             |
 *   +---------------------------------------------------------------+
 *   |              where this piece starts in the body (int32)      |  4
 *   +---------------------------------------------------------------+  8
 *   |                  the piece, to the end of the frame ...
 * </pre>
 * The first piece (at 0) is the largest a frame can carry, so that a DIRECT body's envelope is whole in it; the
 * others fit one Aeron fragment each. A reader checks that each piece starts where the last one ended and ends
 * within the body ({@link #validate}).
 * <p>
 * An instance is a view over one piece at a time ({@link #wrap}); not thread-safe.
 */
public final class ChunkFlyweight
{
    /** Offset of the whole body's length in bytes, int32. */
    public static final int BODY_LENGTH_OFFSET = 0;
    /** Offset of where this piece starts in the body, int32. */
    public static final int PIECE_OFFSET_OFFSET = 4;
    /** Length of the fields before the piece. */
    public static final int HEADER_LENGTH = 8;
    /** Length of a CHUNK frame's headers: the frame header and this one. */
    public static final int FRAME_HEADER_LENGTH = FrameHeaderFlyweight.LENGTH + HEADER_LENGTH;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;

    /**
     * Reads a piece.
     *
     * @param buffer the frame's buffer.
     * @param offset where the CHUNK frame's body starts.
     * @param length the CHUNK frame's body length (this header and the piece).
     * @return this flyweight.
     */
    public ChunkFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Writes the header of a piece being built; the piece goes at {@link #pieceOffset()}.
     *
     * @param buffer where the frame is being built.
     * @param offset where the CHUNK frame's body starts.
     * @return this flyweight.
     */
    public ChunkFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = HEADER_LENGTH;
        return this;
    }

    /**
     * Checks the piece against the body it belongs to.
     *
     * @param expectedStart where the piece must start: how much of its body has arrived before it.
     * @param knownLength   the body's length as its first piece gave it, or -1 for a first piece.
     * @throws MalformedFrameException if the piece is out of place, empty, or runs past its body.
     */
    public void validate(final int expectedStart, final int knownLength)
    {
        if (length < HEADER_LENGTH)
        {
            throw new MalformedFrameException("a chunk frame of " + length + " bytes");
        }
        final int bodyLength = bodyLength();
        final int start = pieceStart();
        if (bodyLength <= 0 || (knownLength >= 0 && bodyLength != knownLength))
        {
            throw new MalformedFrameException("a chunk of a body of " + bodyLength + " bytes" +
                (knownLength >= 0 ? " inside a body of " + knownLength : ""));
        }
        if (start != expectedStart)
        {
            throw new MalformedFrameException("a chunk at " + start + " where " + expectedStart + " was next");
        }
        final int piece = pieceLength();
        if (piece <= 0 || piece > bodyLength - start)
        {
            throw new MalformedFrameException("a chunk of " + piece + " bytes at " + start + " of a body of " +
                bodyLength);
        }
    }

    /** {@return the whole body's length in bytes} */
    public int bodyLength()
    {
        return buffer.getInt(offset + BODY_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param bodyLength the whole body's length in bytes.
     * @return this flyweight.
     */
    public ChunkFlyweight bodyLength(final int bodyLength)
    {
        mutableBuffer.putInt(offset + BODY_LENGTH_OFFSET, bodyLength, LITTLE_ENDIAN);
        return this;
    }

    /** {@return where this piece starts in the body} */
    public int pieceStart()
    {
        return buffer.getInt(offset + PIECE_OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param start where this piece starts in the body.
     * @return this flyweight.
     */
    public ChunkFlyweight pieceStart(final int start)
    {
        mutableBuffer.putInt(offset + PIECE_OFFSET_OFFSET, start, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the wrapped buffer} */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** {@return where the piece's bytes start in the wrapped buffer} */
    public int pieceOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /** {@return the piece's length in bytes (reading)} */
    public int pieceLength()
    {
        return length - HEADER_LENGTH;
    }
}
