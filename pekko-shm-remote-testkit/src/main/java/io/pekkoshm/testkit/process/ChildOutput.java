package io.pekkoshm.testkit.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The merged stdout and stderr of one child JVM, teed into its log file and into an in-memory history of lines that
 * tests await on.
 * <p>
 * <b>Threading:</b> one daemon pump thread ({@code multijvm-output-<node>}) is the only reader of the child's output,
 * the only writer of the log file and the only appender to the history; it flushes the file after every line, so the
 * log is complete up to the last line even if this JVM is killed. {@link #await}, {@link #lines()} and
 * {@link #tail(int)} may be called from any thread; they share one cursor (see {@link #await}).
 * <p>
 * <b>Ownership:</b> owns the log {@link Writer} handed to {@link #start} and closes it at end of output. The history
 * is kept for the life of the child, unbounded.
 */
final class ChildOutput
{
    /** How long an await keeps waiting for buffered output once the process has exited but its output is still open. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

    private final String nodeName;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private int cursor;
    private boolean ended;
    private boolean processExited;
    private long processExitedAtNanos;

    private ChildOutput(final String nodeName)
    {
        this.nodeName = nodeName;
    }

    /**
     * Starts pumping {@code output} into {@code log} and the history.
     *
     * @param nodeName names the pump thread and messages.
     * @param output   the child's merged stdout and stderr.
     * @param log      the log file writer; ownership passes to the pump, which closes it at end of output.
     * @param listener sees every line on the pump thread, after the log file and before the history; it must not
     *                 block, and an exception it throws is written to the log file and otherwise ignored.
     */
    static ChildOutput start(final String nodeName, final InputStream output, final Writer log,
        final Consumer<String> listener)
    {
        final ChildOutput childOutput = new ChildOutput(nodeName);
        final Thread pump = new Thread(() -> childOutput.pump(output, log, listener), "multijvm-output-" + nodeName);
        pump.setDaemon(true);
        pump.start();
        return childOutput;
    }

    private void pump(final InputStream output, final Writer log, final Consumer<String> listener)
    {
        final LogWriter logWriter = new LogWriter(log);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                logWriter.writeLine(line);
                try
                {
                    listener.accept(line);
                }
                catch (final RuntimeException ex)
                {
                    logWriter.writeLine("# multi-jvm harness: the line listener failed: " + ex);
                }
                append(line);
            }
        }
        catch (final IOException ex)
        {
            // The pipe was closed under us (the process is gone); the output is over either way.
            logWriter.writeLine("# multi-jvm harness: output pump stopped: " + ex);
        }
        finally
        {
            logWriter.close();
            markEnded();
        }
    }

    private void append(final String line)
    {
        lock.lock();
        try
        {
            lines.add(line);
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    private void markEnded()
    {
        lock.lock();
        try
        {
            ended = true;
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Called once when the child process has exited; its output may still hold buffered lines. */
    void processExited()
    {
        lock.lock();
        try
        {
            processExited = true;
            processExitedAtNanos = System.nanoTime();
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Waits for the first line at or after the cursor that satisfies {@code predicate}, and moves the cursor just past
     * it. Lines printed before this call are matched too; lines skipped over on the way to a match are consumed, so
     * a series of awaits matches lines in the order they were printed (like {@code expect}).
     *
     * @return the matching line, or null if none came before the timeout or before the output ended (the process
     * exited and its output was drained, or {@link #DRAIN_GRACE} passed since it exited).
     * @throws AssertionError if interrupted.
     */
    String await(final Predicate<String> predicate, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try
        {
            int scanned = cursor;
            while (true)
            {
                for (; scanned < lines.size(); scanned++)
                {
                    final String line = lines.get(scanned);
                    if (predicate.test(line))
                    {
                        cursor = scanned + 1;
                        return line;
                    }
                }
                if (ended)
                {
                    return null;
                }
                final long waitUntil = processExited ?
                    Math.min(deadline, processExitedAtNanos + DRAIN_GRACE.toNanos()) : deadline;
                final long remaining = waitUntil - System.nanoTime();
                if (remaining <= 0)
                {
                    return null;
                }
                changed.awaitNanos(remaining);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while awaiting a line from node '" + nodeName + "'", ex);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Waits until the child's output has ended, so the history and the log file hold everything it printed.
     *
     * @return true if it ended within the timeout (it may not if a grandchild process inherited the pipe).
     * @throws AssertionError if interrupted.
     */
    boolean awaitEnd(final Duration timeout)
    {
        lock.lock();
        try
        {
            long remaining = timeout.toNanos();
            while (!ended && remaining > 0)
            {
                remaining = changed.awaitNanos(remaining);
            }
            return ended;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while awaiting the end of output of node '" + nodeName + "'", ex);
        }
        finally
        {
            lock.unlock();
        }
    }

    /** @return true once the output reached end of stream. */
    boolean hasEnded()
    {
        lock.lock();
        try
        {
            return ended;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Moves the cursor past every line received so far, so later awaits only match new lines. */
    void skipToEnd()
    {
        lock.lock();
        try
        {
            cursor = lines.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** @return a copy of every line received so far. */
    List<String> lines()
    {
        lock.lock();
        try
        {
            return List.copyOf(lines);
        }
        finally
        {
            lock.unlock();
        }
    }

    /** @return the last {@code count} lines received so far, each on its own line prefixed with {@code "  | "}. */
    String tail(final int count)
    {
        lock.lock();
        try
        {
            if (lines.isEmpty())
            {
                return "  (no output)\n";
            }
            final StringBuilder tail = new StringBuilder();
            final int from = Math.max(0, lines.size() - count);
            if (from > 0)
            {
                tail.append("  (").append(from).append(" earlier lines)\n");
            }
            for (int i = from; i < lines.size(); i++)
            {
                tail.append("  | ").append(lines.get(i)).append('\n');
            }
            return tail.toString();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** The log file writer: a write failure (e.g. disk full) stops logging but never stops the pump reading. */
    private static final class LogWriter
    {
        private final Writer writer;
        private boolean failed;

        LogWriter(final Writer writer)
        {
            this.writer = writer;
        }

        void writeLine(final String line)
        {
            if (failed)
            {
                return;
            }
            try
            {
                writer.write(line);
                writer.write('\n');
                writer.flush();
            }
            catch (final IOException ex)
            {
                failed = true;
                System.err.println("multi-jvm harness: cannot write child log any more: " + ex);
            }
        }

        void close()
        {
            try
            {
                writer.close();
            }
            catch (final IOException ex)
            {
                System.err.println("multi-jvm harness: cannot close child log: " + ex);
            }
        }
    }
}
