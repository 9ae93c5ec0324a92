package io.pekkoshm.remote;

import io.pekkoshm.remote.host.PollerBackOff;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.TimeUnit;

/**
 * The one knob that trades CPU for latency ({@code pekko.remote.shm.idle-cpu-level}, 1 to 10), turned into Agrona
 * idle strategies for the node's poller and for a driver the plugin starts.
 * <pre>
 *   level   strategy                              idle CPU          added latency when idle
 *     1     sleep 1 ms                            lowest            up to ~1 ms
 *    2-9    spin, yield 50 us, then park with     grows with level  up to the longest park
 *           back-off; longest park 1 ms (2) .. 10 us (9)
 *    10     busy spin                             one core          none
 * </pre>
 * The poller yields for a time, not a number of times ({@link PollerBackOff}): a park shorter than Linux's timer slack
 * (50 us) lasts the slack anyway.
 * <p>
 * A media driver the plugin starts spins and yields a number of times by level (Agrona's back-off), and parks up to
 * {@code driver.max-park} (10 ms by default) instead of the level's longest park: on one host it does no work per
 * message (it only moves each log's publisher limit as its reader advances), so it can afford to wake rarely when
 * nothing happens ({@link #forDriver}).
 */
public final class IdleStrategies
{
    private static final long[] MAX_PARK_MICROS = { 0, 1000, 1000, 500, 250, 100, 50, 20, 10, 10 };

    private IdleStrategies()
    {
    }

    /**
     * A new idle strategy for a level (strategies hold state: one per agent, never shared between threads).
     *
     * @param level {@code idle-cpu-level}, 1 to 10; below 1 is taken as 1 and above 10 as 10.
     * @return a fresh strategy, as in the table above.
     */
    public static IdleStrategy forLevel(final int level)
    {
        if (level <= 1)
        {
            return new SleepingMillisIdleStrategy(1);
        }
        if (level >= 10)
        {
            return new BusySpinIdleStrategy();
        }
        final long minParkNs = TimeUnit.MICROSECONDS.toNanos(1);
        return new PollerBackOff(10L * level, PollerBackOff.DEFAULT_YIELD_NS, minParkNs,
            Math.max(minParkNs, TimeUnit.MICROSECONDS.toNanos(MAX_PARK_MICROS[level - 1])), SystemNanoClock.INSTANCE);
    }

    /**
     * A new idle strategy for the thread of a media driver the plugin starts.
     *
     * @param level     {@code idle-cpu-level}, 1 to 10: the spins and yields before parking; 10 busy-spins.
     * @param maxParkNs {@code driver.max-park}: the longest park, reached after about twice as long without work.
     * @return a fresh strategy.
     */
    public static IdleStrategy forDriver(final int level, final long maxParkNs)
    {
        if (level >= 10)
        {
            return new BusySpinIdleStrategy();
        }
        return backOff(Math.max(level, 1), maxParkNs);
    }

    private static IdleStrategy backOff(final int level, final long maxParkNs)
    {
        final long minParkNs = TimeUnit.MICROSECONDS.toNanos(1);
        return new BackoffIdleStrategy(10L * level, 5L * level, minParkNs, Math.max(minParkNs, maxParkNs));
    }
}
