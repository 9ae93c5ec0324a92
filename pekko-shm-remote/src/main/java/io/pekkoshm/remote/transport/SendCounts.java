package io.pekkoshm.remote.transport;

/**
 * What one {@link Outbox} has sent, counted under its lock (so each counter has one writer at a time and writers of
 * different associations never contend); {@link TransportCounters} sums the outboxes of a node, and keeps the counts
 * of closed ones in its totals.
 */
final class SendCounts
{
    final OwnedCount messagesSent = new OwnedCount();
    final OwnedCount bytesSent = new OwnedCount();
    final OwnedCount batchesSent = new OwnedCount();
    final OwnedCount backPressure = new OwnedCount();
    final OwnedCount blobsSent = new OwnedCount();
    final OwnedCount directSent = new OwnedCount();
}
