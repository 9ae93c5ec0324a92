package io.pekkoshm.remote;

/**
 * A node's counters at one moment (see {@code TransportCounters} for what each counts and its Aeron type id).
 * Obtain with {@link io.pekkoshm.remote.pekko.ShmRemote#counters()}. The last three are the doorbell's (an idle node
 * sleeps until a peer writes to it): wake-ups this node's writers sent to sleeping peers, rings that could not be
 * delivered, and how often this node went to sleep.
 */
public record ShmCountersSnapshot(
    long messagesSent,
    long bytesSent,
    long messagesReceived,
    long bytesReceived,
    long batchesSent,
    long backPressureEvents,
    long associations,
    long messagesDropped,
    long framesRejected,
    long blobsSent,
    long blobsReceived,
    long blobBytesAllocated,
    long blobsReclaimed,
    long directMessagesSent,
    long directMessagesReceived,
    long messagesHeld,
    long doorbellWakeUps,
    long doorbellRingsFailed,
    long idleSleeps)
{
}
