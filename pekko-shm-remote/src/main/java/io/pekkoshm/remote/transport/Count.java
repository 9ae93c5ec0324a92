package io.pekkoshm.remote.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One of a node's counters, counted on the heap and copied into its Aeron counter by the node agent. Counting never
 * touches the media driver's CnC mapping, so a connection to the driver that closes under a node (driver gone,
 * client timed out) can never turn a counter increment into a crash.
 * <p>
 * This one may be written by any thread (atomic read-modify-write); counters with one writer at a time use
 * {@link OwnedCount}, which does not contend. Only {@link TransportCounters} and {@link SendCounts} make them.
 */
class Count extends AtomicLong
{
    private static final long serialVersionUID = 1L;

    public void increment()
    {
        incrementAndGet();
    }

    public void decrement()
    {
        decrementAndGet();
    }

    public void add(final long delta)
    {
        getAndAdd(delta);
    }
}
