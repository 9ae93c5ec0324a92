package io.pekkoshm.remote.serialization;

/**
 * A snapshot of a {@link KryoSerializer}'s counters since its ActorSystem started, from
 * {@link KryoSerializer#stats()}. Counts cover both the byte-array and the ByteBuffer paths.
 *
 * @param messagesWritten      messages serialized.
 * @param bytesWritten         payload bytes of those messages.
 * @param messagesRead         messages deserialized.
 * @param bytesRead            payload bytes of those messages.
 * @param writeFailures        messages that could not be serialized (including those that did not fit).
 * @param readFailures         payloads that could not be deserialized (mismatches, rejected classes, corrupt data).
 * @param kryoInstancesCreated Kryo instances made: the first, pool misses under concurrency, and replacements of
 *                             instances dropped after a failure. Steady growth means the pool is too small.
 */
public record KryoSerializerStats(
    long messagesWritten,
    long bytesWritten,
    long messagesRead,
    long bytesRead,
    long writeFailures,
    long readFailures,
    long kryoInstancesCreated)
{
}
