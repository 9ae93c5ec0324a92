package io.pekkoshm.remote;

/**
 * What one open association of a node has sent, at one moment: a read-only view for metrics (the optional
 * {@code pekko-shm-remote-metrics} module binds it to Micrometer). Obtain with
 * {@link io.pekkoshm.remote.pekko.ShmRemote#associations()}.
 * <p>
 * The counts are the association's own, from when it was opened: a new association to the same peer starts from zero
 * (the node's totals, {@link ShmCountersSnapshot}, keep counting across associations). Two associations to one peer
 * may be open at once (one each way, when both nodes asked at the same time); {@link #outbound()} tells them apart.
 * What is counted per node only (received messages, drops, blob bytes) is in {@link ShmCountersSnapshot}.
 *
 * @param peerAddress        the peer's address, {@code pekko.shm://system@host:port}.
 * @param medium             what carries the association: {@value #IPC} (Aeron IPC, shared memory) today.
 * @param outbound           this node asked for the association (true), or accepted the peer's (false).
 * @param peerIncarnation    the peer node's incarnation (new at every start of a node); 0 until its handshake named it.
 * @param messagesSent       messages sent (classic and direct), a running total.
 * @param bytesSent          payload bytes sent, a running total.
 * @param batchesSent        batch frames sent, a running total.
 * @param backPressureEvents writes that found the peer's log (or the blob pool's cap) full, a running total.
 * @param blobsSent          payloads sent through the blob store, a running total.
 * @param directMessagesSent messages sent on the direct path (also in {@code messagesSent}), a running total.
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
    long directMessagesSent)
{
    /** The medium of an association over Aeron IPC (shared memory). */
    public static final String IPC = "ipc";
}
