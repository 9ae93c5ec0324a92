package io.pekkoshm.remote.driver;

import io.pekkoshm.remote.support.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Aeron client conductor's sleep: a park the node's agent cuts short ({@link ClientConductorSleep#nudge}), and
 * that the client's close does not wait out. Parks of an hour here, so only a nudge or the close ends one.
 */
@Timeout(60)
class ClientConductorSleepTest
{
    private static final Duration AWAIT = Duration.ofSeconds(30);

    @Test
    void shouldRunTheNextDutyCycleAtOnceWhenNudged() throws InterruptedException
    {
        final ClientConductorSleep sleep = new ClientConductorSleep(TimeUnit.HOURS.toNanos(1));
        final AtomicInteger cycles = new AtomicInteger();
        final Thread conductor = new Thread(() ->
        {
            while (cycles.incrementAndGet() <= 20)
            {
                sleep.idle(0);
            }
        }, "test-conductor");
        conductor.start();
        for (int i = 1; i <= 20; i++)
        {
            final int expected = i;
            Await.until(AWAIT, () -> cycles.get() == expected && Thread.State.TIMED_WAITING == conductor.getState(),
                () -> "the conductor should park after its duty cycle " + expected);
            sleep.nudge();
        }
        conductor.join(AWAIT.toMillis());
        assertEquals(Thread.State.TERMINATED, conductor.getState(), "every nudge should end one park");
    }

    @Test
    void shouldNotParkLongOnceTheClientCloses() throws InterruptedException
    {
        final ClientConductorSleep sleep = new ClientConductorSleep(TimeUnit.HOURS.toNanos(1));
        final AtomicInteger cycles = new AtomicInteger();
        final Thread conductor = new Thread(() ->
        {
            while (cycles.incrementAndGet() <= 1000)
            {
                sleep.idle(0);
            }
        }, "test-conductor");
        conductor.start();
        Await.until(AWAIT, () -> Thread.State.TIMED_WAITING == conductor.getState(),
            () -> "the conductor should park");

        sleep.closing(); // one wake-up, then parks of 1 ms: a thousand cycles end without any nudge

        conductor.join(AWAIT.toMillis());
        assertEquals(Thread.State.TERMINATED, conductor.getState());
    }

    @Test
    void shouldRunDutyCyclesWithWorkWithoutParking()
    {
        final ClientConductorSleep sleep = new ClientConductorSleep(TimeUnit.HOURS.toNanos(1));
        for (int i = 0; i < 1000; i++)
        {
            sleep.idle(1); // would hang the test for an hour if it parked
        }
    }
}
