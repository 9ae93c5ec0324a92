package io.pekkoshm.remote.inline;

import io.pekkoshm.remote.log.ErrorLog;
import io.pekkoshm.remote.log.LoggingAdapterSink;
import io.pekkoshm.remote.pekko.internal.MailboxOwners;
import org.agrona.concurrent.SystemNanoClock;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingBus;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the inline tasks log: slow, stuck and failed tasks (each actor's first in full, its repeats summarised by an
 * {@link ErrorLog}), and the first task that ran on the fallback executor. Each line names the actor and what to do.
 * <p>
 * Holds the actor system's event stream only weakly: the inline tasks are kept in a weak map keyed by the system, and
 * a strong path from them back to the system would keep every system alive.
 * <p>
 * Threading: any thread.
 */
final class InlineReports
{
    /** Repeats of one actor's report are summarised at most this often. */
    private static final long SUMMARY_INTERVAL_NS = TimeUnit.SECONDS.toNanos(30);
    /** How many distinct actors' reports are remembered. */
    private static final int CAPACITY = 256;
    private static final String SOURCE = "pekko-shm-inline";

    private final String systemName;
    private final WeakReference<LoggingBus> bus;
    private final ErrorLog errors;
    private final AtomicBoolean fallbackLogged = new AtomicBoolean();

    InlineReports(final String systemName, final LoggingBus bus)
    {
        this.systemName = systemName;
        this.bus = new WeakReference<>(bus);
        this.errors = new ErrorLog(this::log, SystemNanoClock.INSTANCE, SUMMARY_INTERVAL_NS, CAPACITY);
    }

    /** {@return the actor system's name} */
    String systemName()
    {
        return systemName;
    }

    void slow(final Runnable task, final Duration took, final Duration warn)
    {
        final String actor = MailboxOwners.describe(task);
        errors.record(ErrorLog.Severity.WARNING, "slow " + actor, () -> "Inline actor " + actor + " ran " +
            micros(took) + " on the pekko.shm node's thread, more than inline-task-warn (" + micros(warn) + "): " +
            "every peer of this node waited meanwhile. An actor of an inline dispatcher must not block or do long " +
            "work: give it an ordinary dispatcher, or hand the slow part to another actor or a Future on another " +
            "dispatcher (counted in 'inline tasks slow').", null);
    }

    void stuck(final Runnable task, final Duration running, final Duration stuckAfter, final Thread agent)
    {
        final String actor = MailboxOwners.describe(task);
        final Throwable where = new Throwable("the stack of " + agent.getName() + " now");
        where.setStackTrace(agent.getStackTrace());
        errors.record(ErrorLog.Severity.ERROR, "stuck " + actor, () -> "Inline actor " + actor + " has been " +
            "running for " + micros(running) + " on the pekko.shm node's thread (inline-task-stuck " +
            micros(stuckAfter) + "): this node reads nothing from any peer until it returns. It blocks or loops; " +
            "give it an ordinary dispatcher (counted in 'inline tasks stuck').", where);
    }

    void failed(final Runnable task, final Throwable ex, final String where)
    {
        final String actor = MailboxOwners.describe(task);
        errors.record(ErrorLog.Severity.ERROR, "failed " + actor + " " + ex.getClass().getName(), () ->
            "The run of inline actor " + actor + " on " + where + " threw " + ex + " past Pekko's supervision; " +
            "the thread carries on with the next task (counted in 'inline tasks failed').", ex);
    }

    void onFallbackOnce()
    {
        if (fallbackLogged.compareAndSet(false, true))
        {
            log(ErrorLog.Severity.WARNING, "Actors of inline dispatchers of actor system " + systemName + " run on a " +
                "fallback thread (pekko-shm-inline-fallback-" + systemName + "-*): no pekko.shm node runs in this " +
                "system (not started yet, the plugin is off, or it closed). They run on the node's thread once it " +
                "runs (counted in 'inline tasks on fallback'; logged once).", null);
        }
    }

    private void log(final ErrorLog.Severity severity, final String message, final Throwable cause)
    {
        final LoggingBus target = bus.get();
        if (null != target)
        {
            new LoggingAdapterSink(Logging.getLogger(target, SOURCE)).log(severity, message, cause);
        }
    }

    private static String micros(final Duration duration)
    {
        final long us = TimeUnit.NANOSECONDS.toMicros(duration.toNanos());
        return us >= 10_000 ? (us / 1000) + " ms" : us + " us";
    }
}
