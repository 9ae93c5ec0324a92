package io.pekkoshm.remote.transport;

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

    /** The association has ended; no more frames will come. */
    void close();
}
