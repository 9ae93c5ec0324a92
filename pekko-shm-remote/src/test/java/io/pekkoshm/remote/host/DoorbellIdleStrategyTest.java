package io.pekkoshm.remote.host;

import io.pekkoshm.remote.support.Await;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The states of {@link DoorbellIdleStrategy} on a doorbell of the test's own (its state word not exported to a
 * driver), with a clock and an agent the test moves: awake, idle, SLEEPING with one more duty cycle, blocked, woken.
 */
@Timeout(60)
class DoorbellIdleStrategyTest
{
    private static final long SLEEP_AFTER_NS = 100;

    private long nowNs;
    private boolean canSleep = true;
    private Doorbell doorbell;
    private DoorbellIdleStrategy strategy;
    private final AtomicLong sleeps = new AtomicLong();
    private Thread agent;

    @BeforeEach
    void openDoorbell() throws IOException
    {
        doorbell = Doorbell.openUnpublished();
        strategy = new DoorbellIdleStrategy(new NoOpIdleStrategy(), doorbell, () -> nowNs, SLEEP_AFTER_NS,
            new DoorbellIdleStrategy.Sleeper()
            {
                @Override
                public boolean canSleep()
                {
                    return canSleep;
                }

                @Override
                public long wakeDeadlineNs()
                {
                    return nowNs + TimeUnit.HOURS.toNanos(1);
                }
            }, sleeps);
    }

    @AfterEach
    void closeDoorbell() throws InterruptedException
    {
        if (null != agent)
        {
            strategy.close();
            agent.join();
        }
        doorbell.close();
    }

    /** Idle duty cycles until {@code idle-sleep-after} has passed: the strategy stores SLEEPING. */
    private void idleUntilSleeping()
    {
        strategy.idle(0);
        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state(), "idle, but not for sleep-after yet");
        assertFalse(doorbell.isSleeping());
        nowNs += SLEEP_AFTER_NS;
        strategy.idle(0);
        assertEquals(DoorbellIdleStrategy.State.LAST_CYCLE, strategy.state(), "idle for sleep-after");
        assertTrue(doorbell.isSleeping(), "writers should see the node asleep before its last duty cycle");
    }

    /** The last duty cycle found nothing, on a thread of its own (it blocks): returns once it blocks. */
    private void blockOnAnotherThread()
    {
        final long sleptBefore = sleeps.get();
        agent = new Thread(() -> strategy.idle(0), "doorbell-test-agent");
        agent.start();
        Await.until(Duration.ofSeconds(30), () -> DoorbellIdleStrategy.State.BLOCKED == strategy.state(),
            () -> "the agent should block, but is " + strategy.state());
        assertEquals(sleptBefore + 1, sleeps.get(), "each sleep should be counted once");
    }

    private void assertWokenAndAwake() throws InterruptedException
    {
        agent.join();
        agent = null;
        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state());
        assertFalse(doorbell.isSleeping(), "a woken node should be awake for writers");
    }

    @Test
    void shouldStayAwakeWhileWorkingAndUntilSleepAfterHasPassed()
    {
        strategy.idle(1);
        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state());
        strategy.idle(0);
        nowNs += SLEEP_AFTER_NS - 1;
        strategy.idle(0);
        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state());
        strategy.idle(3);
        nowNs += SLEEP_AFTER_NS;
        strategy.idle(0);
        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state(), "work restarts the idle spell");
        assertFalse(doorbell.isSleeping());
    }

    @Test
    void shouldWakeUpWhenTheLastDutyCycleFindsWork()
    {
        idleUntilSleeping();

        strategy.idle(1);

        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state());
        assertFalse(doorbell.isSleeping(), "writers should see the node awake again");
    }

    @Test
    void shouldNotSleepWhileTheAgentHasWorkNoPeerRingsFor()
    {
        canSleep = false;
        strategy.idle(0);
        nowNs += SLEEP_AFTER_NS;
        strategy.idle(0);
        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state(), "staged writes keep it awake");

        canSleep = true;
        strategy.idle(0);
        assertEquals(DoorbellIdleStrategy.State.LAST_CYCLE, strategy.state());
        canSleep = false; // say a writer staged during the last duty cycle
        strategy.idle(0);
        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state(), "the last cycle must not block then");
        assertFalse(doorbell.isSleeping());
    }

    @Test
    void shouldBlockAfterAnIdleLastDutyCycleUntilAPeerRings() throws Exception
    {
        idleUntilSleeping();
        blockOnAnotherThread();

        try (DatagramChannel peer = DatagramChannel.open())
        {
            peer.send(ByteBuffer.allocate(1),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), doorbell.wakePort()));
        }

        assertWokenAndAwake();
    }

    @Test
    void shouldReturnAtOnceWhenAPeerRangDuringTheLastDutyCycle() throws Exception
    {
        idleUntilSleeping();
        try (DatagramChannel peer = DatagramChannel.open())
        {
            peer.send(ByteBuffer.allocate(1),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), doorbell.wakePort()));
        }

        strategy.idle(0); // would block for an hour if the ring were lost

        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state());
        assertFalse(doorbell.isSleeping());
    }

    @Test
    void shouldBlockUntilAThreadOfThisJvmWakesIt() throws Exception
    {
        idleUntilSleeping();
        blockOnAnotherThread();

        doorbell.wakeLocal();

        assertWokenAndAwake();
    }

    /**
     * A strategy on the real clock shifted by {@code skewNs[0]}, whose agent can always sleep and whose periodic duty
     * is due at {@code deadlineNs[0]} (both moved by the test).
     */
    private DoorbellIdleStrategy onRealClock(final long sleepAfterNs, final long[] skewNs, final long[] deadlineNs,
        final boolean quietAfterTimeout)
    {
        return new DoorbellIdleStrategy(new NoOpIdleStrategy(), doorbell, () -> System.nanoTime() + skewNs[0],
            sleepAfterNs, new DoorbellIdleStrategy.Sleeper()
            {
                @Override
                public boolean canSleep()
                {
                    return true;
                }

                @Override
                public long wakeDeadlineNs()
                {
                    return deadlineNs[0];
                }
            }, sleeps, quietAfterTimeout);
    }

    /** Idle duty cycles on {@link #onRealClock} until sleep-after has passed: SLEEPING stored, one more cycle due. */
    private static void idleForSleepAfter(final DoorbellIdleStrategy strategy, final long[] skewNs,
        final long sleepAfterNs)
    {
        strategy.idle(0);
        skewNs[0] += sleepAfterNs;
        strategy.idle(0);
        assertEquals(DoorbellIdleStrategy.State.LAST_CYCLE, strategy.state());
    }

    @Test
    void shouldSleepAgainAtOnceAfterThePeriodicDutyWokeIt() throws Exception
    {
        final long sleepAfterNs = TimeUnit.HOURS.toNanos(1);
        final long[] skewNs = { 0 };
        final long[] deadlineNs = { 0 };
        final DoorbellIdleStrategy periodic = onRealClock(sleepAfterNs, skewNs, deadlineNs, false);
        idleForSleepAfter(periodic, skewNs, sleepAfterNs);
        deadlineNs[0] = System.nanoTime() + skewNs[0] + TimeUnit.MILLISECONDS.toNanos(1);

        periodic.idle(0); // blocks until the periodic duty is due, a millisecond from now

        assertEquals(DoorbellIdleStrategy.State.AWAKE, periodic.state());
        deadlineNs[0] = System.nanoTime() + skewNs[0] + TimeUnit.HOURS.toNanos(1);
        periodic.idle(0); // the periodic duty cycle found nothing
        assertEquals(DoorbellIdleStrategy.State.LAST_CYCLE, periodic.state(),
            "no idle-sleep-after (an hour here) after a periodic wake-up");
        periodic.idle(1);
    }

    /**
     * The media driver's strategy: its timers count as work in the duty cycle after a block that ended at its
     * deadline; that cycle's work is taken as none, so the driver sleeps again at once instead of backing off for
     * sleep-after every second. Work after a ring always wakes it.
     */
    @Test
    void shouldTakeTheQuietWorkOfTheCycleAfterATimedOutBlockAsNoWork() throws Exception
    {
        final long sleepAfterNs = TimeUnit.HOURS.toNanos(1);
        final long[] skewNs = { 0 };
        final long[] deadlineNs = { 0 };
        final DoorbellIdleStrategy driver = onRealClock(sleepAfterNs, skewNs, deadlineNs, true);
        idleForSleepAfter(driver, skewNs, sleepAfterNs);

        for (int round = 0; round < 3; round++)
        {
            deadlineNs[0] = System.nanoTime() + skewNs[0] + TimeUnit.MILLISECONDS.toNanos(1);
            driver.idle(0); // blocks until the deadline, a millisecond from now
            assertEquals(DoorbellIdleStrategy.State.AWAKE, driver.state());
            deadlineNs[0] = System.nanoTime() + skewNs[0] + TimeUnit.HOURS.toNanos(1);
            driver.idle(2); // the timers' work
            assertEquals(DoorbellIdleStrategy.State.LAST_CYCLE, driver.state(),
                "the timers' work after a timed-out block should not keep it awake for sleep-after");
            assertTrue(doorbell.isSleeping());
        }

        doorbell.wakeLocal();
        driver.idle(0); // blocks, and a ring ends it at once
        driver.idle(2);
        assertEquals(DoorbellIdleStrategy.State.AWAKE, driver.state(), "work after a ring is work");
        assertFalse(doorbell.isSleeping());
        driver.idle(2);
        assertEquals(DoorbellIdleStrategy.State.AWAKE, driver.state(),
            "only the cycle right after a timed-out block is quiet");
    }

    @Test
    void shouldStayAwakeForSleepAfterWhenAPeerWokeIt() throws Exception
    {
        idleUntilSleeping();
        blockOnAnotherThread();
        doorbell.wakeLocal();
        assertWokenAndAwake();

        strategy.idle(0);

        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state(), "a woken node should stay awake a while");
    }

    @Test
    void shouldNeverBlockOnceClosed() throws Exception
    {
        idleUntilSleeping();
        blockOnAnotherThread();

        strategy.close();
        assertWokenAndAwake();

        nowNs += SLEEP_AFTER_NS;
        strategy.idle(0);
        nowNs += SLEEP_AFTER_NS;
        strategy.idle(0);
        assertEquals(DoorbellIdleStrategy.State.AWAKE, strategy.state(), "a closing node should not sleep again");
    }
}
