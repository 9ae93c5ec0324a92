package io.pekkoshm.remote.inline;

import io.pekkoshm.remote.InlineSettings;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.transport.AgentTasks;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-off between inline dispatchers and the node agent, alone: the test thread plays the agent, a clock the
 * tasks advance plays time, so slow and stuck tasks are told apart without waiting.
 */
@Timeout(30)
class InlineTasksTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long WARN_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long STUCK_NS = TimeUnit.SECONDS.toNanos(1);

    private final CachedNanoClock clock = new CachedNanoClock();
    private final InlineTasks tasks = new InlineTasks(new InlineReports("test", null), new InlineFallback("test"),
        new InlineSettings(Duration.ofNanos(WARN_NS), Duration.ofNanos(STUCK_NS)));

    @Test
    void shouldRunATaskQueuedFromAnotherThreadOnTheAgentAndWakeIt() throws InterruptedException
    {
        final AtomicInteger wakes = new AtomicInteger();
        tasks.waker(wakes::incrementAndGet);
        tasks.onAgentStart();
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final Thread foreign = new Thread(() -> tasks.execute(() -> ranOn.set(Thread.currentThread())));
        foreign.start();
        foreign.join();

        assertEquals(1, wakes.get(), "a foreign thread wakes the agent after queueing");
        assertEquals(1, tasks.runQueued(clock));
        assertSame(Thread.currentThread(), ranOn.get(), "the task ran on the agent's thread");
        assertEquals(new AgentTasks.Counts(1, 0, 0, 0, 0), tasks.counts());
    }

    @Test
    void shouldNotWakeTheAgentForATaskItQueuesItself()
    {
        final AtomicInteger wakes = new AtomicInteger();
        tasks.waker(wakes::incrementAndGet);
        tasks.onAgentStart();
        final AtomicInteger ran = new AtomicInteger();
        tasks.execute(() -> tasks.execute(ran::incrementAndGet));

        assertEquals(2, tasks.runQueued(clock), "queued by a task: runs in the same cycle (within the cap)");
        assertEquals(1, ran.get());
        assertEquals(0, wakes.get());
    }

    @Test
    void shouldGiveThePollATurnWhenTasksKeepQueueing()
    {
        tasks.onAgentStart();
        final AtomicInteger ran = new AtomicInteger();
        final Runnable busy = new Runnable()
        {
            @Override
            public void run()
            {
                ran.incrementAndGet();
                tasks.execute(this);
            }
        };
        tasks.execute(busy);

        assertEquals(InlineTasks.TASKS_PER_CYCLE, tasks.runQueued(clock));
        assertEquals(InlineTasks.TASKS_PER_CYCLE, ran.get());
    }

    @Test
    void shouldCountATaskLongerThanTheWarningAsSlow()
    {
        tasks.onAgentStart();
        tasks.execute(() -> clock.advance(WARN_NS));
        tasks.execute(() -> clock.advance(WARN_NS + 1));
        tasks.execute(() -> { });

        assertEquals(3, tasks.runQueued(clock));
        assertEquals(new AgentTasks.Counts(3, 1, 0, 0, 0), tasks.counts());
    }

    @Test
    void shouldCountATaskThatThrowsAndRunTheNextOne()
    {
        tasks.onAgentStart();
        final AtomicInteger ran = new AtomicInteger();
        tasks.execute(() ->
        {
            throw new IllegalStateException("a mailbox run that throws");
        });
        tasks.execute(ran::incrementAndGet);

        assertEquals(2, tasks.runQueued(clock));
        assertEquals(1, ran.get(), "the task after the one that threw ran");
        assertEquals(new AgentTasks.Counts(2, 0, 1, 0, 0), tasks.counts());
    }

    @Test
    void shouldRunTasksOnTheFallbackBeforeTheAgentStarts() throws InterruptedException
    {
        final AtomicReference<String> ranOn = new AtomicReference<>();
        final CountDownLatch ran = new CountDownLatch(1);
        tasks.execute(() ->
        {
            ranOn.set(Thread.currentThread().getName());
            ran.countDown();
        });

        assertTrue(ran.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(ranOn.get().startsWith("pekko-shm-inline-fallback-test-"), ranOn.get());
        assertEquals(0, tasks.runQueued(clock), "nothing was queued for an agent");
        assertEquals(new AgentTasks.Counts(0, 0, 0, 1, 0), tasks.counts());
    }

    @Test
    void shouldHandWhatIsQueuedToTheFallbackWhenTheAgentCloses() throws InterruptedException
    {
        tasks.onAgentStart();
        final CountDownLatch ran = new CountDownLatch(3);
        tasks.execute(ran::countDown);
        tasks.execute(ran::countDown);
        tasks.onAgentClose();
        tasks.execute(ran::countDown);

        assertTrue(ran.await(WAIT.toSeconds(), TimeUnit.SECONDS), "every task ran: " + ran.getCount() + " left");
        assertEquals(new AgentTasks.Counts(0, 0, 0, 3, 0), tasks.counts());
    }

    @Test
    void shouldLoseNoTaskQueuedWhileTheAgentCloses() throws InterruptedException
    {
        final int rounds = 50;
        final int perThread = 50;
        for (int round = 0; round < rounds; round++)
        {
            final InlineTasks racing = new InlineTasks(new InlineReports("test", null), new InlineFallback("test"),
                new InlineSettings(Duration.ofNanos(WARN_NS), Duration.ofNanos(STUCK_NS)));
            racing.onAgentStart();
            final CountDownLatch ran = new CountDownLatch(2 * perThread);
            final List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 2; t++)
            {
                final Thread sender = new Thread(() ->
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        racing.execute(ran::countDown);
                    }
                });
                senders.add(sender);
                sender.start();
            }
            racing.runQueued(clock);
            racing.onAgentClose();
            for (final Thread sender : senders)
            {
                sender.join();
            }
            assertTrue(ran.await(WAIT.toSeconds(), TimeUnit.SECONDS), "round " + round + ": " + ran.getCount() +
                " tasks were lost");
            final AgentTasks.Counts counts = racing.counts();
            assertEquals(2 * perThread, counts.run() + counts.fallback(), counts.toString());
        }
    }

    @Test
    void shouldReportATaskStillRunningPastTheStuckThresholdOnceWhileItRuns() throws InterruptedException
    {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Thread agent = new Thread(() ->
        {
            tasks.onAgentStart();
            tasks.execute(() ->
            {
                started.countDown();
                awaitQuietly(release);
            });
            tasks.runQueued(clock);
        }, "test-agent");
        agent.start();
        assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS));

        assertFalse(tasks.checkStuck(clock.nanoTime() + STUCK_NS), "not past the threshold yet");
        assertTrue(tasks.checkStuck(clock.nanoTime() + STUCK_NS + 1));
        assertFalse(tasks.checkStuck(clock.nanoTime() + 2 * STUCK_NS), "reported once per task");
        assertEquals(1, tasks.counts().stuck());

        release.countDown();
        agent.join();
        assertFalse(tasks.checkStuck(clock.nanoTime() + 3 * STUCK_NS), "nothing runs now");
        Await.until(WAIT, () -> 1 == tasks.counts().run(), tasks::toString);
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
