package io.pekkoshm.remote.inline;

import io.pekkoshm.remote.InlineSettings;
import io.pekkoshm.remote.transport.AgentTasks;
import org.agrona.concurrent.NanoClock;
import org.apache.pekko.actor.ActorSystem;

import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-off between an actor system's inline dispatchers and its pekko.shm node's agent: the dispatchers'
 * executors queue mailbox runs here ({@link #execute}), the node agent runs them in its duty cycle right after the
 * poll ({@link #runQueued}), timing each. While no agent runs (before the node started, with the plugin off, after it
 * closed) tasks go to a small ordinary executor instead ({@link InlineFallback}).
 * <pre>
 *   any thread                  execute(task)
 *     agent running:              queue.offer(task); not the agent's thread -> waker.run()
 *     no agent:                   fallback (counted; logged once)
 *   node agent, each duty cycle:  poll ... runQueued(): at most TASKS_PER_CYCLE tasks, each timed
 *                                   longer than inline-task-warn -> counted, logged (actor path, what to do)
 *                                   threw                        -> counted, logged; the next task runs
 *   any thread, periodically:     checkStuck(now): the task running now, past inline-task-stuck -> counted, logged
 *                                   once per task with the agent thread's stack
 *   node agent, last:             onAgentClose(): no agent from now on; what is queued goes to the fallback
 * </pre>
 * Ordering: Pekko schedules an actor's mailbox at most once at a time, so an actor's messages keep Pekko's order
 * (per sender) whichever way they arrive and wherever its runs go; a mailbox with more messages than the dispatcher's
 * throughput queues itself again behind the others, so one busy actor cannot hold the poll back.
 * <p>
 * One per actor system ({@link #of}): every inline dispatcher of a system shares its node's thread.
 * <p>
 * Threading: {@link #execute}, {@link #waker}, {@link #rules}, {@link #counts} and {@link #checkStuck} on any thread;
 * {@link #onAgentStart}, {@link #runQueued} and {@link #onAgentClose} on the node agent's thread.
 */
public final class InlineTasks implements AgentTasks
{
    /**
     * The most tasks one duty cycle runs: the poll gets its turn after this many mailbox runs (each up to the
     * dispatcher's throughput of messages), whatever keeps queueing.
     */
    public static final int TASKS_PER_CYCLE = 64;

    /** The rules until the transport sets the node's (reference.conf's defaults); only the agent applies them. */
    private static final InlineSettings DEFAULT_RULES =
        new InlineSettings(Duration.ofMillis(5), Duration.ofSeconds(1));

    /** The inline tasks of each actor system, by its settings object (one per system; weak, so systems can go). */
    private static final Map<Object, InlineTasks> BY_SYSTEM = new WeakHashMap<>();

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final InlineReports reports;
    private final InlineFallback fallback;
    /** The node agent's thread while it runs tasks; null before it starts and after it closes. */
    private volatile Thread agent;
    private volatile Runnable waker = () -> { };
    private volatile long warnNs;
    private volatile long stuckNs;

    /** Tasks started on the agent's thread (single writer: the agent); also the sequence of the task running. */
    private final AtomicLong run = new AtomicLong();
    /** Single writer: the agent. */
    private final AtomicLong slow = new AtomicLong();
    /** Single writer: the agent (and fallback threads, atomically). */
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong onFallback = new AtomicLong();
    private final AtomicLong stuck = new AtomicLong();
    /** The task the agent runs now (null between tasks) and since when, on the agent's clock: for the watchdog. */
    private volatile Runnable running;
    private volatile long runningSinceNs;
    /** The sequence ({@link #run}) of the last task reported stuck; guarded by this object. */
    private long lastStuck = -1;

    InlineTasks(final InlineReports reports, final InlineFallback fallback, final InlineSettings rules)
    {
        this.reports = reports;
        this.fallback = fallback;
        rules(rules);
    }

    /**
     * The inline tasks of an actor system, made on first use by whichever comes first: an inline dispatcher or the
     * pekko.shm transport.
     *
     * @param systemSettings the actor system's settings object ({@code system.settings()}, a dispatcher's
     *                       {@code prerequisites.settings()}): what identifies the system to both.
     * @param reports        where reports go, if this call makes them.
     * @return the system's inline tasks.
     */
    static InlineTasks of(final Object systemSettings, final InlineReports reports)
    {
        synchronized (BY_SYSTEM)
        {
            return BY_SYSTEM.computeIfAbsent(systemSettings, key -> new InlineTasks(reports,
                new InlineFallback(reports.systemName()), DEFAULT_RULES));
        }
    }

    /**
     * The inline tasks of an actor system (what its pekko.shm transport hands its node).
     *
     * @param system the actor system.
     * @return its inline tasks, made on first use.
     */
    public static InlineTasks forSystem(final ActorSystem system)
    {
        return of(system.settings(), new InlineReports(system.name(), system.eventStream()));
    }

    /**
     * Sets the thresholds of the rules (the node's {@code inline-task-warn} and {@code inline-task-stuck}).
     *
     * @param rules the node's inline settings.
     */
    public void rules(final InlineSettings rules)
    {
        warnNs = rules.taskWarn().toNanos();
        stuckNs = rules.taskStuck().toNanos();
    }

    /**
     * What a task queued from a thread other than the agent's calls after queueing, so an agent that sleeps while
     * idle runs it at once (the node's doorbell). A no-op by default: an agent that only parks briefly needs none.
     *
     * @param waker called on the queueing thread; must not block.
     */
    @Override
    public void waker(final Runnable waker)
    {
        this.waker = waker;
    }

    /**
     * Runs a task on the node agent's thread in its next duty cycle, or on the fallback executor while no agent runs.
     * Any thread; never blocks.
     *
     * @param task a mailbox run (or a task of the dispatcher's execution context).
     */
    public void execute(final Runnable task)
    {
        final Thread owner = agent;
        if (null == owner)
        {
            toFallback(task);
            return;
        }
        queue.offer(task);
        if (null == agent)
        {
            // the agent closed after we looked: it may have handed over the queue already, so this thread does it
            handOver();
        }
        else if (Thread.currentThread() != owner)
        {
            waker.run();
        }
    }

    @Override
    public void onAgentStart()
    {
        agent = Thread.currentThread();
    }

    @Override
    public int runQueued(final NanoClock clock)
    {
        int ran = 0;
        Runnable task;
        while (ran < TASKS_PER_CYCLE && null != (task = queue.poll()))
        {
            runTimed(task, clock);
            ran++;
        }
        return ran;
    }

    @Override
    public void onAgentClose()
    {
        agent = null;
        handOver();
    }

    @Override
    public Counts counts()
    {
        return new Counts(run.get(), slow.get(), failed.get(), onFallback.get(), stuck.get());
    }

    /**
     * The watchdog: reports the task the agent runs now if it has run longer than {@code inline-task-stuck}, once per
     * task (counted, logged with the actor and the agent thread's stack). It may report a task late, never early.
     * Any thread (the transport calls it periodically).
     *
     * @param nowNs now, on the agent's clock.
     * @return true if it reported a task now.
     */
    public synchronized boolean checkStuck(final long nowNs)
    {
        final long sequence = run.get();
        final Runnable task = running;
        final long sinceNs = runningSinceNs;
        final Thread owner = agent;
        if (null == task || null == owner || sequence != run.get() || sequence == lastStuck ||
            nowNs - sinceNs <= stuckNs)
        {
            return false;
        }
        lastStuck = sequence;
        stuck.incrementAndGet();
        reports.stuck(task, Duration.ofNanos(nowNs - sinceNs), Duration.ofNanos(stuckNs), owner);
        return true;
    }

    private void runTimed(final Runnable task, final NanoClock clock)
    {
        final long startNs = clock.nanoTime();
        runningSinceNs = startNs;
        run.setRelease(run.getPlain() + 1);
        running = task;
        try
        {
            task.run();
        }
        catch (final Throwable ex)
        {
            failed.incrementAndGet();
            reports.failed(task, ex, "the pekko.shm node's thread");
        }
        finally
        {
            running = null;
            final long tookNs = clock.nanoTime() - startNs;
            if (tookNs > warnNs)
            {
                slow.setRelease(slow.getPlain() + 1);
                reports.slow(task, Duration.ofNanos(tookNs), Duration.ofNanos(warnNs));
            }
        }
    }

    private void handOver()
    {
        Runnable task;
        while (null != (task = queue.poll()))
        {
            toFallback(task);
        }
    }

    private void toFallback(final Runnable task)
    {
        onFallback.incrementAndGet();
        reports.onFallbackOnce();
        fallback.execute(() ->
        {
            try
            {
                task.run();
            }
            catch (final Throwable ex)
            {
                failed.incrementAndGet();
                reports.failed(task, ex, "the inline dispatchers' fallback thread");
            }
        });
    }
}
