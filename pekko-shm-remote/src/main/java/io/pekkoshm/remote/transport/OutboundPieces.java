package io.pekkoshm.remote.transport;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.BufferClaim;
import io.pekkoshm.remote.wire.ChunkFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One large body on its way to a peer of another host, in pieces (CHUNK frames, {@link ChunkFlyweight}): the first
 * piece as large as a frame can be (a DIRECT body's envelope is whole in it), the others one Aeron fragment each,
 * written in place in the log. Other frames of the association may go between two pieces; the next large body starts
 * after the last piece of this one.
 * <p>
 * Threading: its outbox's, under the outbox's lock.
 */
final class OutboundPieces
{
    private final byte type;
    private final UnsafeBuffer body;
    private final int length;
    private final FrameHeaderFlyweight frameHeader = new FrameHeaderFlyweight();
    private final ChunkFlyweight chunk = new ChunkFlyweight();
    private int sent;

    /**
     * @param type  {@link FrameHeaderFlyweight#DATA} or {@link FrameHeaderFlyweight#DIRECT}: what the body is.
     * @param bytes the whole body, serialized.
     */
    OutboundPieces(final byte type, final byte[] bytes)
    {
        this.type = type;
        this.body = new UnsafeBuffer(bytes);
        this.length = bytes.length;
    }

    byte type()
    {
        return type;
    }

    int length()
    {
        return length;
    }

    /** {@return whether every piece is in the log} */
    boolean isDone()
    {
        return sent == length;
    }

    /**
     * Offers the first piece, gathered from its headers in {@code header} and the start of the body.
     *
     * @param header a buffer of at least {@link ChunkFlyweight#FRAME_HEADER_LENGTH} bytes for the headers.
     * @return the publication's answer: positive when the piece is in the log.
     */
    long sendFirst(final ExclusivePublication publication, final MutableDirectBuffer header)
    {
        final int piece = Math.min(length, publication.maxMessageLength() - ChunkFlyweight.FRAME_HEADER_LENGTH);
        writeHeaders(header, 0);
        final long result = publication.offer(header, 0, ChunkFlyweight.FRAME_HEADER_LENGTH, body, 0, piece);
        if (result > 0)
        {
            sent = piece;
        }
        return result;
    }

    /**
     * Writes the next piece in place in the log.
     *
     * @return the publication's answer: positive when the piece is in the log.
     */
    long sendNext(final ExclusivePublication publication, final BufferClaim claim)
    {
        final int piece = Math.min(length - sent, publication.maxPayloadLength() - ChunkFlyweight.FRAME_HEADER_LENGTH);
        final long result = publication.tryClaim(ChunkFlyweight.FRAME_HEADER_LENGTH + piece, claim);
        if (result > 0)
        {
            writeHeaders(claim.buffer(), claim.offset());
            claim.buffer().putBytes(claim.offset() + ChunkFlyweight.FRAME_HEADER_LENGTH, body, sent, piece);
            claim.commit();
            sent += piece;
        }
        return result;
    }

    private void writeHeaders(final MutableDirectBuffer buffer, final int offset)
    {
        frameHeader.wrap(buffer, offset).write(FrameHeaderFlyweight.CHUNK, type);
        chunk.wrap(buffer, frameHeader.bodyOffset()).bodyLength(length).pieceStart(sent);
    }
}
