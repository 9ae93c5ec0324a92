package io.pekkoshm.remote;

/**
 * What one open association of a node has sent, at one moment: a read-only view for metrics (the optional
 * {@code pekko-shm-remote-metrics} module binds it to Micrometer). Obtain with
 * {@link io.pekkoshm.remote.pekko.ShmRemote#associations()}.
 * <p>
 * The counts are the association's own, from when it was opened: a new association to the same peer starts from zero
 * (the node's totals, {@link ShmCountersSnapshot}, keep counting across associations). Two associations to one peer
 * may be open at once (one each way, when both nodes asked at the same time); {@link #outbound()} tells them apart.
 * What is counted per node only (received messages, frames rejected, blob bytes allocated) is in
 * {@link ShmCountersSnapshot}; the direct path's drops per peer, whichever association was open, are in
 * {@link io.pekkoshm.remote.pekko.ShmRemote#directDropped()}.
 *
 * @param peerAddress        the peer's address, {@code pekko.shm://system@host:port}.
 * @param medium             what carries the association: {@value #IPC} (Aeron IPC, shared memory, a peer of this
 *                           host) or {@value #UDP} (Aeron UDP, a peer of another host; see
 *                           {@code pekko.remote.shm.cross-host}).
 * @param outbound           this node asked for the association (true), or accepted the peer's (false).
 * @param peerIncarnation    the peer node's incarnation (new at every start of a node); 0 until its handshake named it.
 * @param messagesSent       messages sent (classic and direct), a running total.
 * @param bytesSent          payload bytes sent, a running total.
 * @param batchesSent        batch frames sent, a running total.
 * @param backPressureEvents writes that found the peer's log (or the blob pool's cap) full, a running total.
 * @param blobsSent          payloads sent through the blob store, a running total.
 * @param directMessagesSent messages sent on the direct path (also in {@code messagesSent}), a running total.
 * @param messagesDropped    messages to or from the peer dropped on this association, a running total (each also in
 *                           the node's {@link ShmCountersSnapshot#messagesDropped()}): larger than the largest
 *                           message, or the blob store could not place them, or still waiting for room in the peer's
 *                           log when the association ended, or a received large body the heap had no room for; and
 *                           the direct path's drops for the peer while this association was its route (too large,
 *                           no blob block, unserializable, over {@code direct.pending-limit}, undecodable, from a
 *                           quarantined incarnation).
 * @param blobBytesInUse     bytes of this node's blob blocks (header and capacity, as in
 *                           {@link ShmCountersSnapshot#blobBytesAllocated()}) sent on this association and not back
 *                           yet, now: back once the receiver has handed a block back and the node has seen it (the
 *                           node agent looks at every turn while blocks are out), or once the node took it back.
 *                           Zero-copy blobs ({@code ShmBlobs}) are not counted here: their receiver is not known.
 */
public record ShmAssociationSnapshot(
    String peerAddress,
    String medium,
    boolean outbound,
    long peerIncarnation,
    long messagesSent,
    long bytesSent,
    long batchesSent,
    long backPressureEvents,
    long blobsSent,
    long directMessagesSent,
    long messagesDropped,
    long blobBytesInUse)
{
    /** The medium of an association over Aeron IPC (shared memory). */
    public static final String IPC = "ipc";
    /** The medium of an association over Aeron UDP (a node of another host). */
    public static final String UDP = "udp";
}
