package io.pekkoshm.remote;

/**
 * A node's counters at one moment (see {@code TransportCounters} for what each counts and its Aeron type id).
 * Obtain with {@link io.pekkoshm.remote.pekko.ShmRemote#counters()}. The doorbell's counts (an idle node sleeps
 * until a peer writes to it): wake-ups this node's writers sent to sleeping peers, rings that could not be delivered,
 * and how often this node went to sleep. The {@code inlineTasks*} counts are of the actor system's inline dispatchers
 * (see {@code io.pekkoshm.remote.inline.InlineDispatcherConfigurator}), since the actor system started.
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
    long idleSleeps,
    long inlineTasksRun,
    long inlineTasksSlow,
    long inlineTasksFailed,
    long inlineTasksOnFallback,
    long inlineTasksStuck)
{
}
