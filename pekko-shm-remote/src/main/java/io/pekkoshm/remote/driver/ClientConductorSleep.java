package io.pekkoshm.remote.driver;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The idle strategy of a node's Aeron client conductor thread: it parks up to {@link #PARK_MS} ms between duty cycles
 * and is woken earlier by {@link #nudge}.
 * <p>
 * The conductor keeps the client alive (a keepalive every 500 ms is due; the driver waits
 * {@code driver.client-liveness-timeout}, 20 s), watches the driver, and tells the client about new and lost images.
 * Only that last one is on anybody's path: a new peer's HELLO sits in an image the node's subscription only gets at
 * the conductor's next duty cycle. So the node's agent nudges it, at most every {@link #NUDGE_INTERVAL_NS} ns,
 * whenever it runs a duty cycle: a busy node's conductor runs as often as before (20 times a second), a node asleep
 * on its doorbell wakes it only when woken itself (its once-a-second duty, a peer's ring). An idle node's conductor
 * costs one wake-up a second instead of twenty.
 * <p>
 * When the client closes, its conductor's runner waits for the thread to see it stop: {@link #closing} makes the
 * thread park 1 ms at most from then on, and wakes it.
 * <p>
 * Threading: {@link #idle} on the conductor's thread; {@link #nudge} and {@link #closing} on any thread.
 */
public final class ClientConductorSleep implements IdleStrategy
{
    /** The longest park between two duty cycles of an idle node's conductor. */
    static final long PARK_MS = 1000;
    /** How often a node's agent nudges the conductor at most: the park of the conductor before this class. */
    public static final long NUDGE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long CLOSING_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final long parkNs;
    private final AtomicLong nudges = new AtomicLong();
    private volatile Thread conductor;
    private volatile boolean closing;

    /** A conductor's sleep of {@link #PARK_MS} ms. */
    public ClientConductorSleep()
    {
        this(TimeUnit.MILLISECONDS.toNanos(PARK_MS));
    }

    ClientConductorSleep(final long parkNs)
    {
        this.parkNs = parkNs;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount <= 0)
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        if (null == conductor)
        {
            conductor = Thread.currentThread();
        }
        LockSupport.parkNanos(this, closing ? CLOSING_PARK_NS : parkNs);
    }

    @Override
    public void reset()
    {
    }

    /** Wakes the conductor if it parks (its next duty cycle runs at once). Any thread. */
    public void nudge()
    {
        nudges.incrementAndGet();
        final Thread thread = conductor;
        if (null != thread)
        {
            LockSupport.unpark(thread);
        }
    }

    /** {@return how many times the node has nudged the conductor} */
    public long nudges()
    {
        return nudges.get();
    }

    /** The client is closing: the conductor parks 1 ms at most from now on, and is woken now. Any thread. */
    void closing()
    {
        closing = true;
        nudge();
    }

    @Override
    public String alias()
    {
        return "nudged-park-" + PARK_MS + "ms";
    }
}
