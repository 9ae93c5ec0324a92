package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.wire.ChunkFlyweight;
import io.pekkoshm.remote.wire.MalformedFrameException;

/**
 * The large bodies one peer of another host sends in pieces (CHUNK frames, {@link ChunkFlyweight}), put together on
 * this node's heap one at a time. A body starts being read where its first piece is in the stream: its place in the
 * association's order is taken then (and a DIRECT body's envelope decoded), so that messages arriving between its
 * pieces that must come after it wait for it, and others do not; it is read off the agent's thread, as a blob body
 * is, once its last piece is in.
 * <pre>
 *   IDLE ------- a first piece of a body this node takes: copied, its reading deferred -------> ASSEMBLING
 *   IDLE ------- a first piece of a body too large, or no heap for it: dropped, logged -------> PASSING_OVER
 *   ASSEMBLING - pieces copied in; the last one hands the body to a large-body thread -------> IDLE
 *   PASSING_OVER pieces checked and passed over; after the last one --------------------------> IDLE
 *   ASSEMBLING - the association ends: the body is reported dropped (cut off) ---------------> IDLE
 * </pre>
 * Memory: one body at a time per association (the sender sends the next only after the last piece of this one), of
 * at most the largest message this node takes ({@code blob.max-bytes}'s bound).
 * <p>
 * Threading: the node agent's only.
 */
final class InboundChunks
{
    private static final int IDLE = 0;
    private static final int ASSEMBLING = 1;
    private static final int PASSING_OVER = 2;

    private final long maxBodyLength;
    private int state = IDLE;
    private int bodyLength = -1;
    private int received;
    private AssembledBody body;
    private InboundOrder.Deferred reading;

    /** @param maxBodyLength the largest body this node takes from a peer. */
    InboundChunks(final long maxBodyLength)
    {
        this.maxBodyLength = maxBodyLength;
    }

    /**
     * One piece, checked against the body it belongs to.
     *
     * @param chunk the piece, wrapped.
     * @return the new body when this is the first piece of a body this node takes (the caller hands it to its reading
     *         and then calls {@link #reading}), else null.
     * @throws MalformedFrameException if the piece is out of place or runs past its body.
     * @throws BodyRefused if this is the first piece of a body this node does not take (its pieces are passed over).
     */
    AssembledBody onPiece(final ChunkFlyweight chunk)
    {
        chunk.validate(received, bodyLength);
        if (IDLE == state)
        {
            final int length = chunk.bodyLength();
            if (length > maxBodyLength)
            {
                passOver(length, chunk);
                throw new BodyRefused("it is larger than the largest message this node takes (" + maxBodyLength +
                    " bytes; pekko.remote.shm.blob.max-bytes bounds it on both nodes)", length);
            }
            final byte[] array;
            try
            {
                array = new byte[length];
            }
            catch (final OutOfMemoryError ex)
            {
                passOver(length, chunk);
                throw new BodyRefused("the heap has no room for it (" + ex.getMessage() + "): give the JVM a " +
                    "larger -Xmx", length);
            }
            body = new AssembledBody(array);
            bodyLength = length;
            state = ASSEMBLING;
            append(chunk);
            return body;
        }
        if (PASSING_OVER == state)
        {
            received += chunk.pieceLength();
            if (received == bodyLength)
            {
                reset();
            }
            return null;
        }
        append(chunk);
        if (body.isWhole())
        {
            final InboundOrder.Deferred whole = reading;
            reset();
            if (null != whole)
            {
                whole.arrived();
            }
        }
        return null;
    }

    /** The reading of the body {@link #onPiece} just started; it runs when the last piece is in (maybe now). */
    void reading(final InboundOrder.Deferred deferred)
    {
        if (ASSEMBLING == state)
        {
            reading = deferred;
        }
        else
        {
            deferred.arrived(); // a body of one piece
        }
    }

    /** {@return whether a body is being put together or passed over} */
    boolean isMidBody()
    {
        return IDLE != state;
    }

    /**
     * The association ended: a body still being put together is reported dropped (its messages behind it go on).
     *
     * @param reason why, for the log.
     */
    void cutOff(final String reason)
    {
        final InboundOrder.Deferred lost = ASSEMBLING == state ? reading : null;
        final int had = received;
        final int of = bodyLength;
        reset();
        if (null != lost)
        {
            lost.cutOff(reason + " after " + had + " of its " + of + " bytes had arrived");
        }
    }

    private void append(final ChunkFlyweight chunk)
    {
        body.append(chunk.buffer(), chunk.pieceOffset(), chunk.pieceLength());
        received = body.filled();
    }

    private void passOver(final int length, final ChunkFlyweight chunk)
    {
        bodyLength = length;
        received = chunk.pieceLength();
        state = received == length ? IDLE : PASSING_OVER;
        if (IDLE == state)
        {
            reset();
        }
    }

    private void reset()
    {
        state = IDLE;
        bodyLength = -1;
        received = 0;
        body = null;
        reading = null;
    }

    /** The first piece of a body this node does not take: the message is dropped, its pieces passed over. */
    static final class BodyRefused extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private final int length;

        BodyRefused(final String reason, final int length)
        {
            super(reason, null, false, false);
            this.length = length;
        }

        int length()
        {
            return length;
        }
    }
}
