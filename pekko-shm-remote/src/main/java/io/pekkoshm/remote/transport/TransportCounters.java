package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.ShmCountersSnapshot;
import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * A node's counters. They are counted on the heap by their writers; the node agent copies the values
 * every heartbeat-interval into counters allocated in the media driver's CnC file, so that Aeron's AeronStat (and
 * any tool reading counters, like ShmStatus) shows them next to Aeron's own, labelled
 * {@code pekko-shm <name>: <address>}. Type ids 7301 to 7399 are reserved for this plugin, and no name contains
 * ": " (tools split the label there).
 * <p>
 * Single writer where the hot path counts: what is sent is counted per association under its outbox's lock
 * ({@link SendCounts}) and summed here, what is received by the node agent alone ({@link OwnedCount}); only the
 * rare counts that several threads make (drops, blob bytes) are atomic. An association's drops and blob bytes in
 * use are also counted in its own {@link SendCounts}, outside the sums (the node's counters count them already). A
 * sum is taken under this object's monitor, which only the agent and closing outboxes take, so a snapshot never
 * counts an outbox twice or misses one.
 * <pre>
 *   type id  name
 *   7301     messages sent           7306     back-pressure events (a write found the log full)
 *   7302     bytes sent              7307     associations (current)
 *   7303     messages received       7308     messages dropped (staged, never sent: association ended)
 *   7304     bytes received          7309     frames rejected (unknown session, bad version, malformed)
 *   7305     batches sent (several messages in one frame)
 *   7310     blobs sent                7312     blob bytes allocated (this node's blocks, current)
 *   7311     blobs received            7313     blobs reclaimed from receivers whose process died
 *   7314     direct messages sent      7315     direct messages received (both also in 7301/7303)
 *   7316     messages held (current): received, waiting behind a large body that is still being read
 *   7317     doorbell wake-ups sent    7318     doorbell rings failed (bell not mappable, socket full)
 *   7319     idle sleeps (this node's agent blocked on its doorbell)
 *   7320     inline tasks run          7322     inline tasks failed (the mailbox run itself threw)
 *   7321     inline tasks slow         7323     inline tasks run on the fallback executor (no node agent ran)
 *   7324     inline tasks stuck (reported while still running)
 * </pre>
 * The inline counts are kept by the layer above ({@link AgentTasks#counts()}) and read here when published.
 */
public final class TransportCounters implements AutoCloseable
{
    /** Type id of the counter of messages sent (classic and direct), a running total. */
    public static final int MESSAGES_SENT_TYPE_ID = 7301;
    /** Type id of the counter of payload bytes sent (frame bodies; headers not counted), a running total. */
    public static final int BYTES_SENT_TYPE_ID = 7302;
    /** Type id of the counter of messages received (classic and direct), a running total. */
    public static final int MESSAGES_RECEIVED_TYPE_ID = 7303;
    /** Type id of the counter of payload bytes received (frame bodies; headers not counted), a running total. */
    public static final int BYTES_RECEIVED_TYPE_ID = 7304;
    /** Type id of the counter of batch frames sent (several messages in one frame), a running total. */
    public static final int BATCHES_SENT_TYPE_ID = 7305;
    /** Type id of the counter of back-pressure events (a write found the peer's log full), a running total. */
    public static final int BACK_PRESSURE_TYPE_ID = 7306;
    /** Type id of the counter of associations open now. */
    public static final int ASSOCIATIONS_TYPE_ID = 7307;
    /** Type id of the counter of messages dropped (never sent, or not deliverable), a running total. */
    public static final int DROPPED_TYPE_ID = 7308;
    /** Type id of the counter of frames rejected (unknown session, bad version, malformed), a running total. */
    public static final int REJECTED_TYPE_ID = 7309;
    /** Type id of the counter of payloads sent through the blob store, a running total. */
    public static final int BLOBS_SENT_TYPE_ID = 7310;
    /** Type id of the counter of payloads received through the blob store, a running total. */
    public static final int BLOBS_RECEIVED_TYPE_ID = 7311;
    /** Type id of the counter of bytes of this node's blob blocks allocated now. */
    public static final int BLOB_BYTES_TYPE_ID = 7312;
    /** Type id of the counter of blob blocks taken back from receivers whose process died, a running total. */
    public static final int BLOBS_RECLAIMED_TYPE_ID = 7313;
    /** Type id of the counter of direct-path messages sent (also in messages sent), a running total. */
    public static final int DIRECT_SENT_TYPE_ID = 7314;
    /** Type id of the counter of direct-path messages received (also in messages received), a running total. */
    public static final int DIRECT_RECEIVED_TYPE_ID = 7315;
    /** Type id of the counter of messages received and waiting behind a large body still being read, now. */
    public static final int HELD_TYPE_ID = 7316;
    /** Type id of 'doorbell wake-ups sent': datagrams this node's writers sent to wake a sleeping peer. */
    public static final int DOORBELL_WAKE_UPS_TYPE_ID = 7317;
    /** Type id of 'doorbell rings failed': rings that could not be delivered (bell not mappable, socket full). */
    public static final int DOORBELL_RINGS_FAILED_TYPE_ID = 7318;
    /** Type id of 'idle sleeps': how often this node's agent blocked on its doorbell. */
    public static final int IDLE_SLEEPS_TYPE_ID = 7319;
    /** Type id of the counter of inline tasks (inline actors' mailbox runs) run on the node agent's thread. */
    public static final int INLINE_RUN_TYPE_ID = 7320;
    /** Type id of the counter of inline tasks that ran longer than {@code inline-task-warn}, a running total. */
    public static final int INLINE_SLOW_TYPE_ID = 7321;
    /** Type id of the counter of inline tasks that threw out of the mailbox run, a running total. */
    public static final int INLINE_FAILED_TYPE_ID = 7322;
    /** Type id of the counter of inline tasks run on the fallback executor (no node agent ran), a running total. */
    public static final int INLINE_FALLBACK_TYPE_ID = 7323;
    /** Type id of the counter of inline tasks still running past {@code inline-task-stuck}, a running total. */
    public static final int INLINE_STUCK_TYPE_ID = 7324;

    final OwnedCount messagesReceived = new OwnedCount();
    final OwnedCount bytesReceived = new OwnedCount();
    final OwnedCount associations = new OwnedCount();
    final Count dropped = new Count();
    final OwnedCount rejected = new OwnedCount();
    final OwnedCount blobsReceived = new OwnedCount();
    final Count blobBytes = new Count();
    final Count blobsReclaimed = new Count();
    final OwnedCount directReceived = new OwnedCount();
    /** Written by the node agent (and, once the agent has stopped, by the thread that stops the node). */
    final OwnedCount held = new OwnedCount();
    final Count doorbellWakeUps = new Count();
    final Count doorbellRingsFailed = new Count();
    final OwnedCount idleSleeps = new OwnedCount();

    /** The sends of the outboxes that are open, and of those closed (their totals). */
    private final ArrayList<SendCounts> open = new ArrayList<>();
    private final long[] closedTotals = new long[6];

    /** The client the counters are published through; replaced when the node attaches to a new driver. */
    private Aeron aeron;
    /** The Aeron counters the values are published to, in the order of {@link #values()}. */
    private final int[] typeIds;
    private final String[] labels;
    private final String address;
    /** Where the inline counts are read. */
    private final AgentTasks tasks;
    private Counter[] exported;

    TransportCounters(final Aeron aeron, final String address)
    {
        this(aeron, address, AgentTasks.NONE);
    }

    TransportCounters(final Aeron aeron, final String address, final AgentTasks tasks)
    {
        this.address = address;
        this.tasks = tasks;
        typeIds = new int[] {
            MESSAGES_SENT_TYPE_ID, BYTES_SENT_TYPE_ID, MESSAGES_RECEIVED_TYPE_ID, BYTES_RECEIVED_TYPE_ID,
            BATCHES_SENT_TYPE_ID, BACK_PRESSURE_TYPE_ID, ASSOCIATIONS_TYPE_ID, DROPPED_TYPE_ID, REJECTED_TYPE_ID,
            BLOBS_SENT_TYPE_ID, BLOBS_RECEIVED_TYPE_ID, BLOB_BYTES_TYPE_ID, BLOBS_RECLAIMED_TYPE_ID,
            DIRECT_SENT_TYPE_ID, DIRECT_RECEIVED_TYPE_ID, HELD_TYPE_ID, DOORBELL_WAKE_UPS_TYPE_ID,
            DOORBELL_RINGS_FAILED_TYPE_ID, IDLE_SLEEPS_TYPE_ID, INLINE_RUN_TYPE_ID, INLINE_SLOW_TYPE_ID,
            INLINE_FAILED_TYPE_ID, INLINE_FALLBACK_TYPE_ID, INLINE_STUCK_TYPE_ID };
        labels = new String[] {
            "messages sent", "bytes sent", "messages received", "bytes received", "batches sent",
            "back-pressure events", "associations", "messages dropped", "frames rejected", "blobs sent",
            "blobs received", "blob bytes allocated", "blobs reclaimed", "direct messages sent",
            "direct messages received", "messages held", "doorbell wake-ups sent", "doorbell rings failed",
            "idle sleeps", "inline tasks run", "inline tasks slow", "inline tasks failed", "inline tasks on fallback",
            "inline tasks stuck" };
        export(aeron);
    }

    /** A new outbox's send counts, summed into this node's until {@link #close(SendCounts)}. */
    synchronized SendCounts open()
    {
        final SendCounts counts = new SendCounts();
        open.add(counts);
        return counts;
    }

    /** An outbox closed: its sends stay in the totals. Called once per outbox, under its lock. */
    synchronized void close(final SendCounts counts)
    {
        counts.closed();
        if (open.remove(counts))
        {
            final long[] sent = sent(counts);
            for (int i = 0; i < sent.length; i++)
            {
                closedTotals[i] += sent[i];
            }
        }
    }

    /**
     * Counts messages dropped: in the node's 'messages dropped', and in the association's own count when the drop is
     * one association's (to or from its peer). Any thread.
     *
     * @param association the send counts of the association that dropped them, or null when none did.
     * @param count       how many.
     */
    void dropped(final SendCounts association, final long count)
    {
        dropped.add(count);
        if (null != association)
        {
            association.dropped.add(count);
        }
    }

    /** {@return messages sent by every outbox of the node, open and closed} */
    long messagesSent()
    {
        return sentTotals()[0];
    }

    /** {@return batch frames sent by every outbox of the node, open and closed} */
    long batchesSent()
    {
        return sentTotals()[2];
    }

    /** {@return back-pressure events of every outbox of the node, open and closed} */
    long backPressure()
    {
        return sentTotals()[3];
    }

    /**
     * Allocates the counters in the CnC file of {@code aeron}'s driver (again, after the node attached to a new
     * driver: the values, counted on the heap, carry on). Called by the node agent.
     */
    void export(final Aeron aeron)
    {
        final Counter[] fresh = new Counter[typeIds.length];
        for (int i = 0; i < typeIds.length; i++)
        {
            fresh[i] = aeron.addCounter(typeIds[i], "pekko-shm " + labels[i] + ": " + address);
        }
        this.aeron = aeron;
        this.exported = fresh;
        publish();
    }

    /**
     * Copies the values into the Aeron counters. Called by the node agent. It never writes into an unmapped CnC
     * file: the Aeron client marks itself closed before its conductor takes the client lock to unmap the file, so
     * the values are written under that lock and only while the client is open. When another thread holds the lock
     * (a client call in progress, or the client closing) it does nothing now; the next duty publishes.
     */
    void publish()
    {
        final Lock clientLock = aeron.context().clientLock();
        if (!clientLock.tryLock())
        {
            return;
        }
        try
        {
            if (aeron.isClosed())
            {
                return;
            }
            final long[] values = values();
            for (int i = 0; i < values.length; i++)
            {
                exported[i].setRelease(values[i]);
            }
        }
        finally
        {
            clientLock.unlock();
        }
    }

    /** The current values; safe from any thread. */
    ShmCountersSnapshot snapshot()
    {
        final long[] v = values();
        return new ShmCountersSnapshot(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
            v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23]);
    }

    /**
     * What each open association has sent, now; safe from any thread. Outboxes whose association has not been
     * described yet (a moment after they open) are left out.
     */
    synchronized List<ShmAssociationSnapshot> associations()
    {
        final ArrayList<ShmAssociationSnapshot> snapshots = new ArrayList<>(open.size());
        for (int i = 0, size = open.size(); i < size; i++)
        {
            final SendCounts counts = open.get(i);
            final String peer = counts.peerAddress();
            if (!peer.isEmpty())
            {
                final long[] sent = sent(counts);
                snapshots.add(new ShmAssociationSnapshot(peer, counts.medium(), counts.outbound(),
                    counts.peerIncarnation(), sent[0], sent[1], sent[2], sent[3], sent[4], sent[5],
                    counts.dropped.get(), counts.blobBytesInUse.get()));
            }
        }
        return snapshots;
    }

    /** Every value, in the order of the type ids. */
    private long[] values()
    {
        final long[] sent = sentTotals();
        final AgentTasks.Counts inline = tasks.counts();
        return new long[] {
            sent[0], sent[1], messagesReceived.get(), bytesReceived.get(), sent[2], sent[3], associations.get(),
            dropped.get(), rejected.get(), sent[4], blobsReceived.get(), blobBytes.get(), blobsReclaimed.get(),
            sent[5], directReceived.get(), held.get(), doorbellWakeUps.get(), doorbellRingsFailed.get(),
            idleSleeps.get(), inline.run(), inline.slow(), inline.failed(), inline.fallback(), inline.stuck() };
    }

    /** Messages, bytes, batches, back-pressure, blobs and direct messages sent, by open and closed outboxes. */
    private synchronized long[] sentTotals()
    {
        final long[] totals = closedTotals.clone();
        for (int i = 0, size = open.size(); i < size; i++)
        {
            final long[] sent = sent(open.get(i));
            for (int j = 0; j < totals.length; j++)
            {
                totals[j] += sent[j];
            }
        }
        return totals;
    }

    private static long[] sent(final SendCounts counts)
    {
        return new long[] {
            counts.messagesSent.get(), counts.bytesSent.get(), counts.batchesSent.get(), counts.backPressure.get(),
            counts.blobsSent.get(), counts.directSent.get() };
    }

    @Override
    public void close()
    {
        if (!aeron.isClosed())
        {
            publish();
            CloseHelper.closeAll(exported);
        }
    }
}
