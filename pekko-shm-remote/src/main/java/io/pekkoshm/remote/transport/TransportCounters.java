package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.pekkoshm.remote.ShmCountersSnapshot;
import org.agrona.CloseHelper;

/**
 * A node's counters, allocated in the media driver's CnC file so that Aeron's AeronStat (and any tool reading
 * counters) shows them next to Aeron's own, labelled {@code pekko-shm <name>: <address>}. Increments are atomic:
 * writers on several threads (one per association) share them.
 * <pre>
 *   type id  name
 *   7301     messages sent           7306     back-pressure events (a write found the log full)
 *   7302     bytes sent              7307     associations (current)
 *   7303     messages received       7308     messages dropped (staged, never sent: association ended)
 *   7304     bytes received          7309     frames rejected (unknown session, bad version, malformed)
 *   7305     batches sent (several messages in one frame)
 *   7310     blobs sent                7312     blob bytes allocated (this node's blocks, current)
 *   7311     blobs received            7313     blobs reclaimed from receivers whose process died
 * </pre>
 */
public final class TransportCounters implements AutoCloseable
{
    public static final int MESSAGES_SENT_TYPE_ID = 7301;
    public static final int BYTES_SENT_TYPE_ID = 7302;
    public static final int MESSAGES_RECEIVED_TYPE_ID = 7303;
    public static final int BYTES_RECEIVED_TYPE_ID = 7304;
    public static final int BATCHES_SENT_TYPE_ID = 7305;
    public static final int BACK_PRESSURE_TYPE_ID = 7306;
    public static final int ASSOCIATIONS_TYPE_ID = 7307;
    public static final int DROPPED_TYPE_ID = 7308;
    public static final int REJECTED_TYPE_ID = 7309;
    public static final int BLOBS_SENT_TYPE_ID = 7310;
    public static final int BLOBS_RECEIVED_TYPE_ID = 7311;
    public static final int BLOB_BYTES_TYPE_ID = 7312;
    public static final int BLOBS_RECLAIMED_TYPE_ID = 7313;

    final Counter messagesSent;
    final Counter bytesSent;
    final Counter messagesReceived;
    final Counter bytesReceived;
    final Counter batchesSent;
    final Counter backPressure;
    final Counter associations;
    final Counter dropped;
    final Counter rejected;
    final Counter blobsSent;
    final Counter blobsReceived;
    final Counter blobBytes;
    final Counter blobsReclaimed;

    TransportCounters(final Aeron aeron, final String address)
    {
        messagesSent = aeron.addCounter(MESSAGES_SENT_TYPE_ID, "pekko-shm messages sent: " + address);
        bytesSent = aeron.addCounter(BYTES_SENT_TYPE_ID, "pekko-shm bytes sent: " + address);
        messagesReceived = aeron.addCounter(MESSAGES_RECEIVED_TYPE_ID, "pekko-shm messages received: " + address);
        bytesReceived = aeron.addCounter(BYTES_RECEIVED_TYPE_ID, "pekko-shm bytes received: " + address);
        batchesSent = aeron.addCounter(BATCHES_SENT_TYPE_ID, "pekko-shm batches sent: " + address);
        backPressure = aeron.addCounter(BACK_PRESSURE_TYPE_ID, "pekko-shm back-pressure events: " + address);
        associations = aeron.addCounter(ASSOCIATIONS_TYPE_ID, "pekko-shm associations: " + address);
        dropped = aeron.addCounter(DROPPED_TYPE_ID, "pekko-shm messages dropped: " + address);
        rejected = aeron.addCounter(REJECTED_TYPE_ID, "pekko-shm frames rejected: " + address);
        blobsSent = aeron.addCounter(BLOBS_SENT_TYPE_ID, "pekko-shm blobs sent: " + address);
        blobsReceived = aeron.addCounter(BLOBS_RECEIVED_TYPE_ID, "pekko-shm blobs received: " + address);
        blobBytes = aeron.addCounter(BLOB_BYTES_TYPE_ID, "pekko-shm blob bytes allocated: " + address);
        blobsReclaimed = aeron.addCounter(BLOBS_RECLAIMED_TYPE_ID, "pekko-shm blobs reclaimed: " + address);
    }

    /** The current values; safe from any thread. */
    public ShmCountersSnapshot snapshot()
    {
        return new ShmCountersSnapshot(
            messagesSent.get(), bytesSent.get(), messagesReceived.get(), bytesReceived.get(), batchesSent.get(),
            backPressure.get(), associations.get(), dropped.get(), rejected.get(), blobsSent.get(),
            blobsReceived.get(), blobBytes.get(), blobsReclaimed.get());
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(
            messagesSent, bytesSent, messagesReceived, bytesReceived, batchesSent, backPressure, associations, dropped,
            rejected, blobsSent, blobsReceived, blobBytes, blobsReclaimed);
    }
}
