package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.blob.ReceivedBody;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A large body put together on this node's heap from the pieces (CHUNK frames) a peer of another host sent. Until its
 * last piece is in, a view reaches only the pieces that arrived (a DIRECT body's envelope is read from its first
 * piece; reading past it fails rather than read bytes not there yet); once whole, a view reaches all of it.
 * <p>
 * Thread-safe as its large-body task needs: filled on the node agent's thread, then read and released on a
 * large-body thread (the task's queue publishes the writes).
 */
final class AssembledBody implements ReceivedBody
{
    private final ByteBuffer bytes;
    private final int length;
    private int filled;
    private volatile boolean released;

    /** @param array the body's bytes, of its full length; filled piece by piece. */
    AssembledBody(final byte[] array)
    {
        this.bytes = ByteBuffer.wrap(array);
        this.length = array.length;
    }

    /** Copies the next piece in; pieces come in order ({@code ChunkFlyweight#validate} checked it). */
    void append(final DirectBuffer buffer, final int offset, final int pieceLength)
    {
        buffer.getBytes(offset, bytes.array(), filled, pieceLength);
        filled += pieceLength;
    }

    /** {@return how many bytes arrived so far} */
    int filled()
    {
        return filled;
    }

    /** {@return whether the last piece is in} */
    boolean isWhole()
    {
        return filled == length;
    }

    /** {@return the body's bytes (whole once {@link #isWhole}), for a classic payload that needs no copy} */
    byte[] array()
    {
        return bytes.array();
    }

    @Override
    public int length()
    {
        return length;
    }

    /** A view of what has arrived (the whole body once {@link #isWhole}); its byte buffer reaches the whole array. */
    @Override
    public DirectBuffer body()
    {
        if (released)
        {
            throw new IllegalStateException("a large body of " + length + " bytes was released");
        }
        return new UnsafeBuffer(bytes, 0, filled);
    }

    @Override
    public void release()
    {
        released = true;
    }
}
