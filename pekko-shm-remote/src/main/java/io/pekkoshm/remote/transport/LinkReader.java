package io.pekkoshm.remote.transport;

/** Receives what arrives on a {@link Link}, in order, on the node agent's thread. Must not block. */
public interface LinkReader
{
    /**
     * One payload from the peer.
     *
     * @param payload the payload; the array is the reader's.
     */
    void onPayload(byte[] payload);

    /** The association ended (the peer ended it, died, went silent, or the driver was lost). Last call. */
    void onEnded();
}
