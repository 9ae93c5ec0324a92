package io.pekkoshm.remote.host;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The idle strategy of a node's agent (and of a media driver the plugin starts) when {@code idle-sleep-after} is on:
 * the back-off of {@code idle-cpu-level} while the node has had work in the last {@code idle-sleep-after}; after that,
 * it sleeps on its {@link Doorbell} until a peer writes to it, another thread of the JVM gives it work, or its next
 * periodic duty is due.
 * <pre>
 *   AWAKE ──no work for sleep-after, canSleep──▶ LAST_CYCLE ──no work, canSleep──▶ BLOCKED ──woken──▶ AWAKE
 *     ▲         (SLEEPING stored, full fence)      │ work found                    (AWAKE stored, channel drained)
 *     └────────────────────────────────────────────┘ (AWAKE stored)
 * </pre>
 * The one more duty cycle after SLEEPING is stored is what makes a racing writer safe: a writer publishes, fences and
 * reads the state word; the agent stores SLEEPING, fences and polls. Either the agent's poll sees the write, or the
 * writer reads SLEEPING and rings. A ring that lands before the agent blocks leaves a datagram (or a selector
 * wake-up) behind, so the block returns at once.
 * <p>
 * The agent never sleeps while it has work no peer will ring for ({@link Sleeper#canSleep}), and never past its next
 * periodic duty ({@link Sleeper#wakeDeadlineNs}).
 * <p>
 * Threading: the agent's thread, except {@link #close} (any thread).
 */
public final class DoorbellIdleStrategy implements IdleStrategy
{
    /** What the strategy asks the agent. */
    public interface Sleeper
    {
        /** {@return whether nothing but a peer's write, a local wake-up or the periodic duty can give work} */
        boolean canSleep();

        /** {@return when the agent's next periodic duty is due, on the strategy's clock} */
        long wakeDeadlineNs();
    }

    /** Where the strategy is. */
    public enum State
    {
        /** Polling, backing off when idle. */
        AWAKE,
        /** SLEEPING is stored; the agent runs one more duty cycle before it may block. */
        LAST_CYCLE,
        /** Blocked on the doorbell. */
        BLOCKED
    }

    private final IdleStrategy backOff;
    private final Doorbell doorbell;
    private final NanoClock clock;
    private final long sleepAfterNs;
    private final Sleeper sleeper;
    private final AtomicLong sleeps;
    private final boolean quietAfterTimeout;
    /** The duty cycle after a block that ended at its deadline: with quietAfterTimeout its work is not work. */
    private boolean afterTimeout;
    private volatile State state = State.AWAKE;
    private volatile boolean closing;
    private boolean idling;
    private long idleSinceNs;

    /**
     * @param backOff      the strategy of {@code idle-cpu-level}, used while awake.
     * @param doorbell     the owner's doorbell.
     * @param clock        the agent's clock.
     * @param sleepAfterNs how long without work before the agent sleeps; 0: at the first idle duty cycle.
     * @param sleeper      the agent.
     * @param sleeps       counts each time the agent blocks (the node's 'idle sleeps'; agent thread only).
     */
    public DoorbellIdleStrategy(final IdleStrategy backOff, final Doorbell doorbell, final NanoClock clock,
        final long sleepAfterNs, final Sleeper sleeper, final AtomicLong sleeps)
    {
        this(backOff, doorbell, clock, sleepAfterNs, sleeper, sleeps, false);
    }

    /**
     * As the other constructor, for an agent whose duty cycle reports periodic work of its own that needs no
     * wake-up after it: the media driver's timers, checked when its block ends at the deadline, count as work.
     *
     * @param backOff           the strategy of {@code idle-cpu-level}, used while awake.
     * @param doorbell          the owner's doorbell.
     * @param clock             the agent's clock.
     * @param sleepAfterNs      how long without work before the agent sleeps; 0: at the first idle duty cycle.
     * @param sleeper           the agent.
     * @param sleeps            counts each time the agent blocks (agent thread only).
     * @param quietAfterTimeout whether the work of the duty cycle right after a block that ended at its deadline is
     *                          taken as no work (the agent sleeps again at once, as after its own periodic duty):
     *                          what it does then was due anyway, and whatever needs it sooner rings it.
     */
    public DoorbellIdleStrategy(final IdleStrategy backOff, final Doorbell doorbell, final NanoClock clock,
        final long sleepAfterNs, final Sleeper sleeper, final AtomicLong sleeps, final boolean quietAfterTimeout)
    {
        this.backOff = backOff;
        this.doorbell = doorbell;
        this.clock = clock;
        this.sleepAfterNs = sleepAfterNs;
        this.sleeper = sleeper;
        this.sleeps = sleeps;
        this.quietAfterTimeout = quietAfterTimeout;
    }

    /** {@return where the strategy is (tests and diagnostics)} */
    public State state()
    {
        return state;
    }

    @Override
    public void idle(final int workCount)
    {
        final boolean quiet = afterTimeout && quietAfterTimeout;
        afterTimeout = false;
        if (workCount > 0 && !quiet)
        {
            if (State.AWAKE != state)
            {
                doorbell.awake();
                state = State.AWAKE;
            }
            idling = false;
            backOff.reset();
            return;
        }
        if (State.LAST_CYCLE == state)
        {
            blockUnlessWorkPending();
            return;
        }
        final long nowNs = clock.nanoTime();
        if (!idling)
        {
            idling = true;
            idleSinceNs = nowNs;
        }
        if (nowNs - idleSinceNs >= sleepAfterNs && !closing && sleeper.canSleep())
        {
            doorbell.sleeping();
            state = State.LAST_CYCLE;
            return; // the agent runs one more duty cycle before it may block
        }
        backOff.idle();
    }

    /**
     * The last duty cycle found nothing: blocks unless the agent has work pending or its periodic duty is due. Woken
     * by a peer or a thread of this JVM, it stays awake for {@code idle-sleep-after} as usual; woken because its
     * periodic duty is due, it sleeps again as soon as a duty cycle after it finds nothing, so that an idle node
     * spends no back-off after each heartbeat-interval.
     */
    private void blockUnlessWorkPending()
    {
        boolean timedOut = false;
        try
        {
            final long deadlineNs = sleeper.wakeDeadlineNs();
            final long timeoutNs = deadlineNs - clock.nanoTime();
            if (timeoutNs > 0 && !closing && sleeper.canSleep())
            {
                sleeps.incrementAndGet(); // before BLOCKED is stored: whoever sees BLOCKED sees the sleep counted
                state = State.BLOCKED;
                doorbell.block(timeoutNs);
                timedOut = clock.nanoTime() - deadlineNs >= 0;
            }
        }
        catch (final IOException ex)
        {
            closing = true;
            throw new UncheckedIOException("the doorbell of the pekko.shm node failed; it polls instead", ex);
        }
        finally
        {
            doorbell.awake();
            state = State.AWAKE;
            idling = timedOut;
            afterTimeout = timedOut;
            idleSinceNs = clock.nanoTime() - sleepAfterNs;
            backOff.reset();
        }
    }

    @Override
    public void idle()
    {
        backOff.idle();
    }

    @Override
    public void reset()
    {
        backOff.reset();
    }

    @Override
    public String alias()
    {
        return "doorbell(" + backOff.alias() + ")";
    }

    /** The node stops: the agent never blocks again, and is woken if it does now. Any thread. */
    public void close()
    {
        closing = true;
        doorbell.wakeLocal();
    }
}
