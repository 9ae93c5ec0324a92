package io.pekkoshm.remote;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * The one knob that trades CPU for latency ({@code pekko.remote.shm.idle-cpu-level}, 1 to 10), turned into Agrona
 * idle strategies for the node's poller and for a driver the plugin starts.
 * <pre>
 *   level   strategy                              idle CPU          added latency when idle
 *     1     sleep 1 ms                            lowest            up to ~1 ms
 *    2-9    spin, yield, park with back-off;      grows with level  up to the longest park
 *           longest park 1 ms (2) .. 10 us (9)
 *    10     busy spin                             one core          none
 * </pre>
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
        final long maxParkNs = TimeUnit.MICROSECONDS.toNanos(MAX_PARK_MICROS[level - 1]);
        return new BackoffIdleStrategy(10L * level, 5L * level, TimeUnit.MICROSECONDS.toNanos(1), maxParkNs);
    }
}
