package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.RunnerCommands;
import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.ChildJvmSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One child JVM of a benchmark session, as the runner sees it: the lines of the {@link ChildOutput} protocol it prints,
 * the {@link RunnerCommands} it is sent, and its end.
 * <p>
 * Its life is the test kit's {@link ChildJvm}: the kit starts it ({@link ChildJvm#start(ChildJvmSpec, Path)})
 * through its {@code ChildLauncher}, so it exits when its standard input closes (this runner stopped it, or died);
 * everything it prints goes to its log file, which is kept. {@link #close()} stops it gracefully, then forcibly: no
 * child survives it.
 * <p>
 * The kit is made for tests, so it reports a protocol line that does not come, a child that does not exit in time and
 * a child that no longer reads its standard input as {@link AssertionError}s (with the tail of the log). To the runner
 * these are outcomes of a session, so this class turns them into the answers its callers handle: {@code null},
 * {@link #END}, {@code false}. <b>Threading:</b> used by the session's thread only.
 */
final class BenchJvm implements AutoCloseable
{
    /** What {@link #nextLine(Duration)} answers once the child's output has ended. */
    static final String END = "<end of output>";

    /** How long {@link #close()} waits for a graceful exit, then for {@code SIGTERM}, before {@code SIGKILL}. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ChildJvm jvm;

    private BenchJvm(final ChildJvm jvm)
    {
        this.jvm = jvm;
    }

    /**
     * Starts a child on {@code classpath}, its output written to {@code log}.
     *
     * @throws IOException if the log file cannot be created or the process cannot be started.
     */
    static BenchJvm start(final ChildJvmSpec spec, final String classpath, final Path log) throws IOException
    {
        try
        {
            return new BenchJvm(ChildJvm.start(spec.classPath(classpath), log));
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
    }

    String name()
    {
        return jvm.nodeName();
    }

    long pid()
    {
        return jvm.pid();
    }

    Path log()
    {
        return jvm.logFile();
    }

    /**
     * The next protocol line (one starting with {@link ChildOutput#PREFIX}), waiting up to {@code timeout}; the lines
     * in between only go to the log.
     *
     * @return the line, {@link #END} if the child's output has ended (it exited), or null on timeout.
     */
    String nextLine(final Duration timeout) throws InterruptedException
    {
        try
        {
            return jvm.awaitLine("a " + ChildOutput.PREFIX + " line", line -> line.startsWith(ChildOutput.PREFIX),
                timeout);
        }
        catch (final AssertionError none)
        {
            throwIfInterrupted();
            return jvm.isAlive() ? null : END;
        }
    }

    /** Sends one line to the child's standard input; false if the child no longer reads it. */
    boolean send(final String line)
    {
        try
        {
            jvm.send(line);
            return true;
        }
        catch (final AssertionError gone)
        {
            return false;
        }
    }

    /** Waits for the child to exit by itself; true if it has. */
    boolean awaitExit(final Duration timeout) throws InterruptedException
    {
        try
        {
            jvm.awaitExit(timeout);
            return true;
        }
        catch (final AssertionError stillRunning)
        {
            throwIfInterrupted();
            return false;
        }
    }

    /**
     * Stops the child if it still runs: the kit's exit command and the end of its standard input, then
     * {@code SIGTERM}, then {@code SIGKILL} (see {@link ChildJvm#stop}). Returns once it is gone.
     */
    @Override
    public void close()
    {
        jvm.stop(STOP_TIMEOUT);
    }

    private static void throwIfInterrupted() throws InterruptedException
    {
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
    }
}
