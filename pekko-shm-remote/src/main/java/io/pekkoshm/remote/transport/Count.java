package io.pekkoshm.remote.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One of a node's counters, counted on the heap (any thread) and copied into its Aeron counter by the node agent.
 * Counting never touches the media driver's CnC mapping, so a connection to the driver that closes under a node
 * (driver gone, client timed out) can never turn a counter increment into a crash.
 * <p>
 * Only {@link TransportCounters} makes them; writers reach them through its fields.
 */
final class Count extends AtomicLong
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
}
