package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.wire.ChunkFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import io.pekkoshm.remote.wire.MalformedFrameException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assembly of bodies a peer of another host sends in pieces: pieces in order make the body, a piece out of place
 * or past its body breaks the wire format, a body larger than this node takes is refused and its pieces passed over
 * without breaking the association, and a body cut off by the association's end leaves the assembly ready for none.
 */
class InboundChunksTest
{
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[64 * 1024]);
    private final ChunkFlyweight chunk = new ChunkFlyweight();

    @Test
    void shouldPutABodyTogetherFromItsPiecesInOrder()
    {
        final byte[] body = bytes(10_000);
        final InboundChunks chunks = new InboundChunks(1 << 20);

        final AssembledBody assembled = chunks.onPiece(piece(body, 0, 4_000));
        assertNotNull(assembled, "the first piece starts a body");
        assertEquals(4_000, assembled.body().capacity(), "a view reaches only what has arrived");
        assertThrows(IndexOutOfBoundsException.class, () -> assembled.body().getByte(4_000));
        assertNull(chunks.onPiece(piece(body, 4_000, 3_000)));
        assertTrue(chunks.isMidBody());
        assertNull(chunks.onPiece(piece(body, 7_000, 3_000)));

        assertFalse(chunks.isMidBody(), "the last piece ends the body");
        assertTrue(assembled.isWhole());
        assertArrayEquals(body, assembled.array());
        assertNotNull(chunks.onPiece(piece(bytes(100), 0, 100)), "the next body can start");
    }

    @Test
    void shouldRefuseAPieceOutOfPlaceOrPastItsBody()
    {
        final byte[] body = bytes(10_000);
        final InboundChunks chunks = new InboundChunks(1 << 20);
        chunks.onPiece(piece(body, 0, 4_000));

        assertThrows(MalformedFrameException.class, () -> chunks.onPiece(piece(body, 5_000, 1_000)),
            "a gap");
        assertThrows(MalformedFrameException.class, () -> chunks.onPiece(piece(body, 0, 1_000)),
            "a second first piece while a body is half there");
        assertThrows(MalformedFrameException.class, () -> chunks.onPiece(pieceOf(20_000, body, 4_000, 1_000)),
            "a piece that names another body length");
        assertThrows(MalformedFrameException.class, () -> chunks.onPiece(pieceOf(10_000, new byte[12_000], 4_000,
            8_000)), "a piece that runs past its body");
    }

    @Test
    void shouldPassOverTheBodyItDoesNotTakeAndTakeTheNextOne()
    {
        final byte[] tooLarge = bytes(3_000);
        final InboundChunks chunks = new InboundChunks(2_000);

        final InboundChunks.BodyRefused refused = assertThrows(InboundChunks.BodyRefused.class,
            () -> chunks.onPiece(piece(tooLarge, 0, 1_000)));
        assertEquals(3_000, refused.length());
        assertTrue(refused.getMessage().contains("pekko.remote.shm.blob.max-bytes"), refused.getMessage());
        assertNull(chunks.onPiece(piece(tooLarge, 1_000, 1_000)), "its pieces are passed over");
        assertThrows(MalformedFrameException.class, () -> chunks.onPiece(piece(tooLarge, 2_500, 500)),
            "still checked for their place");
        assertNull(chunks.onPiece(piece(tooLarge, 2_000, 1_000)));

        final byte[] next = bytes(1_500);
        final AssembledBody taken = chunks.onPiece(piece(next, 0, 1_500));
        assertNotNull(taken, "the next body, within bounds, is taken");
        assertArrayEquals(next, taken.array());
    }

    @Test
    void shouldStartAFreshBodyAfterOneIsCutOff()
    {
        final byte[] body = bytes(10_000);
        final InboundChunks chunks = new InboundChunks(1 << 20);
        chunks.onPiece(piece(body, 0, 4_000));

        chunks.cutOff("the association ended");

        assertFalse(chunks.isMidBody());
        assertThrows(MalformedFrameException.class, () -> chunks.onPiece(piece(body, 4_000, 1_000)),
            "the rest of a cut-off body is not taken for a new one");
        final AssembledBody fresh = chunks.onPiece(piece(body, 0, 10_000));
        assertArrayEquals(body, fresh.array());
    }

    private ChunkFlyweight piece(final byte[] body, final int start, final int length)
    {
        return pieceOf(body.length, body, start, length);
    }

    private ChunkFlyweight pieceOf(final int bodyLength, final byte[] body, final int start, final int length)
    {
        chunk.wrap(frame, FrameHeaderFlyweight.LENGTH).bodyLength(bodyLength).pieceStart(start);
        frame.putBytes(chunk.pieceOffset(), body, start, length);
        return chunk.wrap(frame, FrameHeaderFlyweight.LENGTH, ChunkFlyweight.HEADER_LENGTH + length);
    }

    private static byte[] bytes(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 13 + 7);
        }
        return bytes;
    }
}
