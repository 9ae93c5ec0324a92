package io.pekkoshm.remote.host;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.locks.LockSupport;

/**
 * The back-off of a node's poller at {@code idle-cpu-level} 2 to 9: spins, then yields for a time, then parks, each
 * park twice as long as the one before, up to the level's longest park.
 * <pre>
 *   NOT_IDLE ──idle──▶ SPINNING ──maxSpins idles──▶ YIELDING ──yieldNs elapsed──▶ PARKING (minPark .. maxPark)
 *      ▲                                                                            │
 *      └────────────────────────────── work (reset) ────────────────────────────────┘
 * </pre>
 * Agrona's {@code BackoffIdleStrategy} yields a number of times instead. A park shorter than the thread's timer slack
 * (50 us by default on Linux) lasts the slack anyway, so a poller whose peer answered a little after its last yield
 * waited a whole slack for it. With the two nodes' threads on different cores, 15 yields (level 3) are over in a few
 * microseconds when nothing else wants the core, and each poller then slept through its park timer once per round
 * trip ({@code perf sched timehist}: the poller woken by the idle task's timer, not by the write): a default ping-pong
 * with a median of 95-110 us on a 2-core VM. Yielding for a time that covers the slack gives every level the short
 * wake-up while messages come that close together, and parks after.
 * <p>
 * Threading: the agent's thread only (a strategy holds state: one per agent).
 */
public final class PollerBackOff implements IdleStrategy
{
    /** How long a poller yields before its first park: Linux's default timer slack (a shorter park lasts it anyway). */
    public static final long DEFAULT_YIELD_NS = 50_000;

    /** Where the back-off is. */
    public enum State
    {
        /** The last duty cycle had work. */
        NOT_IDLE,
        /** Spinning, up to maxSpins idle cycles. */
        SPINNING,
        /** Yielding the processor until yieldNs after the spins ended. */
        YIELDING,
        /** Parking, twice as long each time up to maxParkNs. */
        PARKING
    }

    private final long maxSpins;
    private final long yieldNs;
    private final long minParkNs;
    private final long maxParkNs;
    private final NanoClock clock;
    private State state = State.NOT_IDLE;
    private long spins;
    private long yieldUntilNs;
    private long parkNs;

    /**
     * @param maxSpins  idle cycles spent spinning before yielding.
     * @param yieldNs   how long to yield after the spins before the first park.
     * @param minParkNs the first park.
     * @param maxParkNs the longest park (at least minParkNs).
     * @param clock     the agent's clock (tests give their own).
     */
    public PollerBackOff(final long maxSpins, final long yieldNs, final long minParkNs, final long maxParkNs,
        final NanoClock clock)
    {
        if (maxSpins < 0 || yieldNs < 0 || minParkNs < 1 || maxParkNs < minParkNs)
        {
            throw new IllegalArgumentException("maxSpins=" + maxSpins + ", yieldNs=" + yieldNs + ", minParkNs=" +
                minParkNs + ", maxParkNs=" + maxParkNs + ": none negative, parks at least 1 ns, max not below min");
        }
        this.maxSpins = maxSpins;
        this.yieldNs = yieldNs;
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        this.clock = clock;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        if (State.NOT_IDLE == state)
        {
            state = State.SPINNING;
            spins = 0;
        }
        if (State.SPINNING == state)
        {
            if (spins++ < maxSpins)
            {
                Thread.onSpinWait();
                return;
            }
            state = State.YIELDING;
            yieldUntilNs = clock.nanoTime() + yieldNs;
        }
        if (State.YIELDING == state)
        {
            if (clock.nanoTime() - yieldUntilNs < 0)
            {
                Thread.yield();
                return;
            }
            state = State.PARKING;
            parkNs = minParkNs;
        }
        LockSupport.parkNanos(parkNs);
        parkNs = Math.min(parkNs << 1, maxParkNs);
    }

    @Override
    public void reset()
    {
        state = State.NOT_IDLE;
    }

    /** {@return where the back-off is (tests and diagnostics)} */
    public State state()
    {
        return state;
    }

    /** {@return the next park's length, while parking} */
    public long nextParkNs()
    {
        return parkNs;
    }

    @Override
    public String alias()
    {
        return "poller-backoff";
    }

    @Override
    public String toString()
    {
        return "PollerBackOff{maxSpins=" + maxSpins + ", yieldNs=" + yieldNs + ", minParkPeriodNs=" + minParkNs +
            ", maxParkPeriodNs=" + maxParkNs + "}";
    }
}
