package io.pekkoshm.remote.log;

import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;

/**
 * One log for the errors a component keeps meeting, in the spirit of Aeron's {@code DistinctErrorLog}: each distinct
 * error (named by a key the caller chooses, e.g. a kind and the peer it concerns) is logged in full the first time,
 * with what to do about it; its repeats are counted, and logged as one summary with their count at most once per
 * summary interval, when the next repeat comes after the interval has passed (or at {@link #flush()}).
 * <pre>
 *   key first seen ----------------------------------> logged in full (severity, message, cause)
 *   repeat within the interval since the last line --> counted, not logged
 *   repeat after the interval -----------------------> one summary: the latest message, the repeats since the
 *                                                      last line and the count in all
 *   flush(), or the key evicted ----------------------> a summary of the repeats not logged yet, if any
 *   forget(key) --------------------------------------> that summary, and the key's next occurrence is a first
 * </pre>
 * Bounded: at most {@code capacity} distinct keys are kept; beyond that the least recently seen key is forgotten
 * (after a summary of its repeats not logged yet, so no count is lost from the log), and is logged in full again
 * if it recurs.
 * <p>
 * Threading: any thread. Each call takes this object's monitor briefly (errors are rare: keep it off paths that run
 * per message when nothing is wrong); lines are handed to the {@link Sink} outside the monitor, on the calling
 * thread, so a slow sink never blocks another thread's record.
 */
public final class ErrorLog
{
    /** How bad an error is; the {@link Sink} maps it to its own levels. */
    public enum Severity
    {
        /** Something was lost or refused, and the component goes on. */
        WARNING,
        /** A fault that needs a person: a bug, a misconfiguration, a peer that breaks the protocol. */
        ERROR
    }

    /** Where lines go, e.g. a Pekko {@code LoggingAdapter} ({@link LoggingAdapterSink}). */
    @FunctionalInterface
    public interface Sink
    {
        /**
         * Writes one line. Called on the thread that recorded the error, outside the error log's monitor.
         *
         * @param severity how bad it is.
         * @param message  the complete line, ready to print (not a template).
         * @param cause    the exception behind it, or null.
         */
        void log(Severity severity, String message, Throwable cause);
    }

    private final Sink sink;
    private final NanoClock clock;
    private final long summaryIntervalNs;
    private final int capacity;
    /** Distinct errors by key, least recently seen first. Guarded by this object's monitor. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * @param sink              where lines go.
     * @param clock             the time source for the summary interval.
     * @param summaryIntervalNs at most one line per key within this many nanoseconds (after its first).
     * @param capacity          how many distinct keys are kept at most.
     */
    public ErrorLog(final Sink sink, final NanoClock clock, final long summaryIntervalNs, final int capacity)
    {
        if (summaryIntervalNs <= 0 || capacity <= 0)
        {
            throw new IllegalArgumentException("summary interval " + summaryIntervalNs + " ns and capacity " +
                capacity + " must be positive");
        }
        this.sink = sink;
        this.clock = clock;
        this.summaryIntervalNs = summaryIntervalNs;
        this.capacity = capacity;
    }

    /**
     * Records one occurrence of an error: logged in full if its key is new, else counted and summarized when the
     * summary interval has passed since the key's last line.
     *
     * @param severity how bad it is (a key keeps the severity of its latest occurrence).
     * @param key      what makes this error distinct from others; occurrences with the same key are one error.
     * @param message  the full line: what happened, to what, and what to do about it.
     * @param cause    the exception behind it, or null; handed to the sink with the first line only.
     * @return true if this occurrence was logged in full (the key's first), false if counted or summarized.
     */
    public boolean record(final Severity severity, final String key, final String message, final Throwable cause)
    {
        return record(severity, key, () -> message, cause);
    }

    /**
     * Records one occurrence of an error, building its line only if it is logged (for errors that can recur on every
     * message: a repeat within the interval then costs a map lookup and a count, no text).
     *
     * @param severity how bad it is (a key keeps the severity of its latest occurrence).
     * @param key      what makes this error distinct from others; occurrences with the same key are one error.
     * @param message  builds the full line (what happened, to what, and what to do about it) when it is logged, on
     *                 the calling thread or, for a summary, on the thread that logs it; the latest one is kept
     *                 until then, so let it capture only what it prints.
     * @param cause    the exception behind it, or null; handed to the sink with the first line only.
     * @return true if this occurrence was logged in full (the key's first), false if counted or summarized.
     */
    public boolean record(final Severity severity, final String key, final Supplier<String> message,
        final Throwable cause)
    {
        final long nowNs = clock.nanoTime();
        final Line evicted;
        final Line summary;
        synchronized (this)
        {
            final Entry entry = entries.get(key);
            if (null == entry)
            {
                evicted = entries.size() >= capacity ? evictEldest(nowNs) : null;
                entries.put(key, new Entry(severity, message, nowNs));
                summary = null;
            }
            else
            {
                evicted = null;
                entry.repeat(severity, message);
                if (nowNs - entry.lastLoggedNs < summaryIntervalNs)
                {
                    return false;
                }
                summary = entry.summarize(nowNs);
            }
        }
        if (null != evicted)
        {
            evicted.logTo(sink);
        }
        if (null != summary)
        {
            summary.logTo(sink);
            return false;
        }
        sink.log(severity, message.get(), cause);
        return true;
    }

    /** Logs a summary of every key whose repeats are not logged yet (e.g. when the component stops). */
    public void flush()
    {
        final List<Line> summaries = new ArrayList<>();
        final long nowNs = clock.nanoTime();
        synchronized (this)
        {
            for (final Entry entry : entries.values())
            {
                if (entry.unlogged > 0)
                {
                    summaries.add(entry.summarize(nowNs));
                }
            }
        }
        for (final Line summary : summaries)
        {
            summary.logTo(sink);
        }
    }

    /**
     * Ends an error (e.g. a session that went away, a fault that was repaired): a summary of its repeats not logged
     * yet, if any, is logged now, and its next occurrence is logged in full as a first one.
     *
     * @param key an error's key; nothing happens if it is not known.
     */
    public void forget(final String key)
    {
        final Line summary;
        synchronized (this)
        {
            final Entry entry = entries.remove(key);
            summary = null != entry && entry.unlogged > 0 ? entry.summarize(clock.nanoTime()) : null;
        }
        if (null != summary)
        {
            summary.logTo(sink);
        }
    }

    /**
     * @param key an error's key.
     * @return how many times it was recorded since it was first seen (or last evicted or forgotten); 0 if it is not
     *         known.
     */
    public synchronized long observations(final String key)
    {
        final Entry entry = entries.get(key);
        return null == entry ? 0 : entry.observations;
    }

    /** {@return how many distinct errors are kept} */
    public synchronized int distinctErrors()
    {
        return entries.size();
    }

    private Line evictEldest(final long nowNs)
    {
        final Iterator<Entry> eldest = entries.values().iterator();
        final Entry entry = eldest.next();
        eldest.remove();
        return entry.unlogged > 0 ? entry.summarize(nowNs) : null;
    }

    /** One distinct error. Guarded by the error log's monitor. */
    private final class Entry
    {
        private Severity severity;
        private Supplier<String> latestMessage;
        private long lastLoggedNs;
        private long observations = 1;
        /** Occurrences since the key's last line. */
        private long unlogged;

        Entry(final Severity severity, final Supplier<String> message, final long nowNs)
        {
            this.severity = severity;
            this.latestMessage = message;
            this.lastLoggedNs = nowNs;
        }

        void repeat(final Severity severity, final Supplier<String> message)
        {
            this.severity = severity;
            this.latestMessage = message;
            observations++;
            unlogged++;
        }

        /** The summary line of the repeats since the last line (formatted when it is logged, outside the monitor). */
        Line summarize(final long nowNs)
        {
            final Line line = new Line(severity, latestMessage, unlogged, observations,
                Math.max(1, (nowNs - lastLoggedNs) / 1_000_000_000L), Math.max(1, summaryIntervalNs / 1_000_000_000L));
            lastLoggedNs = nowNs;
            unlogged = 0;
            return line;
        }
    }

    private record Line(Severity severity, Supplier<String> message, long repeats, long observations,
        long seconds, long intervalSeconds)
    {
        void logTo(final Sink sink)
        {
            sink.log(severity, message.get() + " [repeated " + repeats + " more time(s) in the last " + seconds +
                " s, " + observations + " in all; repeats are summarized at most every " + intervalSeconds + " s]",
                null);
        }
    }
}
