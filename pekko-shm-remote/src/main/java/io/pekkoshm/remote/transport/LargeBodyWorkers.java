package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.util.ArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's large-body threads ({@code blob.receive-threads}): each runs the heavy part of one {@link LargeBodyTask}
 * at a time and queues it back for the node agent, which completes it in its duty cycle ({@link #drain}). Threads
 * start on demand and end after 10 s without work, so an idle node has none.
 * <p>
 * Threading: {@link #submit}, {@link #drain} and {@link #close} on the node agent's thread (close also on the thread
 * that stops the node, after the agent has stopped).
 */
final class LargeBodyWorkers implements AutoCloseable
{
    /** How long {@link #close} waits for bodies being read (a 1 GiB body takes about a second). */
    private static final long CLOSE_WAIT_MS = 10_000;

    private final ThreadPoolExecutor executor;
    private final ManyToOneConcurrentLinkedQueue<Job> completed = new ManyToOneConcurrentLinkedQueue<>();
    private final TransportCounters counters;
    /** Wakes the node agent when it sleeps on its doorbell: a finished body is work no peer rings for. */
    private final Runnable wake;
    private int inFlight;

    /**
     * @param threads  how many bodies are read at once.
     * @param name     the threads' name prefix.
     * @param counters where bodies dropped because the node stopped are counted.
     * @param wake     wakes the node agent (any thread) after a body is queued back for it.
     */
    LargeBodyWorkers(final int threads, final String name, final TransportCounters counters, final Runnable wake)
    {
        final AtomicInteger next = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            task ->
            {
                final Thread thread = new Thread(task, name + "-" + next.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        executor.allowCoreThreadTimeOut(true);
        this.counters = counters;
        this.wake = wake;
    }

    /** One task of one association, between its submission and its completion. */
    static final class Job implements Runnable
    {
        private final LargeBodyTask task;
        private final InboundOrder order;
        private final InboundOrder.Ticket ticket;
        private final ManyToOneConcurrentLinkedQueue<Job> completed;
        private final Runnable wake;

        private Job(final LargeBodyTask task, final InboundOrder order, final InboundOrder.Ticket ticket,
            final ManyToOneConcurrentLinkedQueue<Job> completed, final Runnable wake)
        {
            this.wake = wake;
            this.task = task;
            this.order = order;
            this.ticket = ticket;
            this.completed = completed;
        }

        @Override
        public void run()
        {
            try
            {
                task.runOffThread();
            }
            finally
            {
                completed.offer(this);
                wake.run();
            }
        }

        private void complete()
        {
            try
            {
                task.completeOnAgent();
            }
            finally
            {
                order.done(ticket);
            }
        }

        private void abandon()
        {
            try
            {
                task.abandon();
            }
            finally
            {
                order.abandoned(ticket);
            }
        }
    }

    /**
     * Runs the task's heavy part on a large-body thread; {@link #drain} completes it and then closes its ticket.
     *
     * @param task   the reading of one large body.
     * @param order  the order of the association it arrived on.
     * @param ticket its place in that order.
     */
    void submit(final LargeBodyTask task, final InboundOrder order, final InboundOrder.Ticket ticket)
    {
        final Job job = new Job(task, order, ticket, completed, wake);
        if (executor.isShutdown())
        {
            abandon(job);
            return;
        }
        inFlight++;
        executor.execute(job);
    }

    /**
     * Completes, in the order they finished, the tasks whose heavy part is done.
     *
     * @return how many were completed.
     */
    int drain()
    {
        int count = 0;
        Job job;
        while (null != (job = completed.poll()))
        {
            inFlight--;
            job.complete();
            count++;
        }
        return count;
    }

    /** {@return tasks submitted and not completed yet} */
    int inFlight()
    {
        return inFlight;
    }

    /**
     * The node stops: tasks not started are abandoned at once; those being read are waited for (bounded), and
     * abandoned too, since nothing is delivered any more. Each abandoned body is counted as dropped, as is one still
     * being read after the wait (its thread releases its block when it is done).
     */
    @Override
    public void close()
    {
        final ArrayList<Runnable> notStarted = new ArrayList<>();
        executor.getQueue().drainTo(notStarted);
        executor.shutdown();
        for (final Runnable job : notStarted)
        {
            inFlight--;
            abandon((Job)job);
        }
        try
        {
            executor.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        Job job;
        while (null != (job = completed.poll()))
        {
            inFlight--;
            abandon(job);
        }
        counters.dropped.add(inFlight);
        ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_SHUTDOWN, inFlight, null, null);
        inFlight = 0;
    }

    private void abandon(final Job job)
    {
        counters.dropped.increment();
        ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_SHUTDOWN, 1, null, null);
        job.abandon();
    }
}
