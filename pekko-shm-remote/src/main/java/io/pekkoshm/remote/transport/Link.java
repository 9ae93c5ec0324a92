package io.pekkoshm.remote.transport;

import org.apache.pekko.actor.Address;

/**
 * What the layer above (classic remoting's adapter) holds of one established association: it writes payloads into it
 * on its own thread and reads what arrives through a {@link LinkReader}. No classic remoting type appears here; the
 * adapter (the Pekko seam's {@code ShmAssociationHandle}) translates.
 * <p>
 * Threading: any thread.
 */
public interface Link
{
    /** {@return this node's address, with this transport's scheme (no "pekko." prefix)} */
    Address localAddress();

    /** {@return the peer's address, with this transport's scheme (no "pekko." prefix)} */
    Address remoteAddress();

    /**
     * Writes one payload on the caller's thread, straight into the peer's log (or staged in order, or through the blob
     * store). A payload that can never be written (larger than any frame with the blob store off, or refused by the
     * blob store) is dropped, counted and logged, and the link goes on.
     *
     * @param bytes          the payload; not kept after the call returns.
     * @param length         how many bytes of {@code bytes}, from the first, to write.
     * @param carriesMessage whether the payload carries a message (not only a control PDU): the link then becomes
     *                       the peer's route for the direct path, which must write into the same ordered stream.
     * @return true when taken (or dropped as above); false only when the log and staging are full or the link ended.
     */
    boolean write(byte[] bytes, int length, boolean carriesMessage);

    /** {@return whether the direct path may write on this link (so a classic write may need to promote it)} */
    boolean hasDirectRoute();

    /**
     * Ends the association, telling the peer; the reader gets no {@link LinkReader#onEnded()} for it.
     *
     * @param reason why, for the log.
     */
    void disassociate(String reason);

    /**
     * Registers the reader: what arrived before is handed to it first, in order. Once.
     *
     * @param reader told of what arrives, on the node agent's thread.
     */
    void reader(LinkReader reader);
}
