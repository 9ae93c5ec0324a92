package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.blob.ReceivedBody;
import io.pekkoshm.remote.wire.MalformedFrameException;
import org.agrona.DirectBuffer;

/**
 * The direct path's receiving end of one association: decodes the bodies of the DIRECT frames that arrive on it, in
 * stream order, on the node agent's thread.
 */
public interface DirectSession
{
    /**
     * One DIRECT body. The buffer is only valid during the call.
     *
     * @param buffer holds the body.
     * @param offset where the body starts.
     * @param length the body's length in bytes.
     * @throws MalformedFrameException if the body is not a valid envelope: the association is ended.
     */
    void onFrame(DirectBuffer buffer, int offset, int length);

    /**
     * One DIRECT body received whole (in a peer's blob block, claimed for this node, or from a peer of another host,
     * whose pieces may still be arriving: only its envelope, at its start, is read now): its envelope is decoded now,
     * in stream order;
     * the payload is deserialized off the node agent's thread through {@code largeBodies}, and delivered in order
     * with this association's later messages to the same recipient. The block is released exactly once, when the
     * payload has been read (or at once if it is not read).
     *
     * @param body        the body.
     * @param largeBodies where the reading is submitted, and held messages are reported.
     * @throws MalformedFrameException if the body is not a valid envelope (thrown before anything is submitted): the
     *                                 association is ended.
     */
    void onBlobFrame(ReceivedBody body, LargeBodies largeBodies);

    /** The association has ended; no more frames will come. */
    void close();
}
