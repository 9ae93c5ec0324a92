package io.pekkoshm.remote.blob;

import org.agrona.DirectBuffer;

/**
 * A large body this node received whole and reads off the node agent's thread: in a peer's blob block
 * ({@link ClaimedBlob}, a peer of this host), or put together from the pieces a peer of another host sent. Released
 * exactly once, whatever happens to it.
 * <p>
 * Thread-safe: received on the node agent's thread, read and released on whichever thread deserializes it.
 */
public interface ReceivedBody
{
    /** {@return the body's length in bytes} */
    int length();

    /**
     * {@return a new view of the body, valid until {@link #release}}
     *
     * @throws IllegalStateException if the body was released.
     */
    DirectBuffer body();

    /** Ends this node's use of the body (a blob block goes back to its owner); later calls do nothing. */
    void release();
}
