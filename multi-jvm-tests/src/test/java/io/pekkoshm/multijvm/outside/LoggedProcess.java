package io.pekkoshm.multijvm.outside;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A process (a Maven build, a JVM of the outside project) whose stdout and stderr go to a log file that is kept,
 * with deadlines on every wait and failures that show the end of the log.
 * <p>
 * <b>Ownership:</b> the creator must {@link #close()} it: that ends the process (end of stdin, then {@code SIGTERM},
 * then {@code SIGKILL}) and waits until it is gone. <b>Threading:</b> one test thread.
 */
final class LoggedProcess implements AutoCloseable
{
    private static final int TAIL_LINES = 40;
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path log;

    private LoggedProcess(final String name, final Process process, final Path log)
    {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code workingDirectory}, its output going to {@code log} (replaced). */
    static LoggedProcess start(final String name, final List<String> command, final Path workingDirectory,
        final Path log) throws IOException
    {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Files.writeString(log, "# " + String.join(" ", command) + "\n# in " + workingDirectory + "\n",
            StandardCharsets.UTF_8);
        final Process process = new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
        io.pekkoshm.testkit.process.SuiteResources.recordProcess(process.toHandle(), name + ", log " + log);
        return new LoggedProcess(name, process, log);
    }

    ProcessHandle handle()
    {
        return process.toHandle();
    }

    /**
     * Waits for the process to exit.
     *
     * @return its exit code.
     * @throws AssertionError with the end of its log if it still runs at the deadline (it is then killed).
     */
    int awaitExit(final Duration timeout) throws InterruptedException
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            throw failure("still running after " + timeout.toSeconds() + " s (killed now)");
        }
        return process.exitValue();
    }

    /** As {@link #awaitExit}, failing unless the exit code is 0. */
    void awaitSuccess(final Duration timeout) throws InterruptedException
    {
        final int code = awaitExit(timeout);
        if (0 != code)
        {
            throw failure("exited with code " + code);
        }
    }

    /**
     * Waits until the process has printed a line starting with {@code prefix}.
     *
     * @return that line.
     * @throws AssertionError with the end of its log if it exits first or the deadline passes.
     */
    String awaitLine(final String prefix, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long parkNanos = TimeUnit.MILLISECONDS.toNanos(1);
        while (true)
        {
            final Optional<String> line = output().lines().filter(l -> l.startsWith(prefix)).findFirst();
            if (line.isPresent())
            {
                return line.get();
            }
            if (!process.isAlive())
            {
                // One more look: the line may have been written just before the exit.
                final Optional<String> last = output().lines().filter(l -> l.startsWith(prefix)).findFirst();
                return last.orElseThrow(() -> failure("exited with code " + process.exitValue() +
                    " without printing a line starting with '" + prefix + "'"));
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw failure("printed no line starting with '" + prefix + "' within " + timeout.toSeconds() + " s");
            }
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(parkNanos * 2, TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Closes the process's stdin: a process that waits for its end then exits by itself. */
    void closeStdin()
    {
        try
        {
            final OutputStream stdin = process.getOutputStream();
            stdin.close();
        }
        catch (final IOException ex)
        {
            // Already gone.
        }
    }

    String output()
    {
        try
        {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "<cannot read " + log + ": " + ex + ">";
        }
    }

    AssertionError failure(final String what)
    {
        final List<String> lines = output().lines().toList();
        final String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        return new AssertionError(name + " (pid " + process.pid() + ") " + what + ". Log " + log.toAbsolutePath() +
            ", last " + TAIL_LINES + " lines:\n" + tail);
    }

    /** Ends the process if it still runs (stdin, SIGTERM, SIGKILL) and waits until it is gone. */
    @Override
    public void close() throws InterruptedException
    {
        io.pekkoshm.testkit.process.SuiteResources.recordDescendants(process.toHandle(), name);
        if (process.isAlive())
        {
            closeStdin();
            if (!process.waitFor(STOP_GRACE.toMillis() / 2, TimeUnit.MILLISECONDS))
            {
                process.destroy();
                if (!process.waitFor(STOP_GRACE.toMillis() / 2, TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly();
                }
            }
        }
        if (!process.waitFor(STOP_GRACE.toMillis() * 3, TimeUnit.MILLISECONDS))
        {
            throw new AssertionError(name + " (pid " + process.pid() + ") still runs after SIGKILL");
        }
    }
}
