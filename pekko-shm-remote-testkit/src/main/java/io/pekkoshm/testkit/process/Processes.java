package io.pekkoshm.testkit.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Signals and liveness checks for any process of this host, by pid: the harness's children, or processes a test
 * finds, such as a standalone media driver. Linux only ({@code kill}, {@code /proc}). Stateless and thread-safe.
 */
public final class Processes
{
    private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);
    private static final long MAX_POLL_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private Processes()
    {
    }

    /**
     * Sends a signal with {@code kill -<signal> <pid>}.
     *
     * @param pid    the target process.
     * @param signal the signal name without the {@code SIG} prefix, e.g. {@code STOP}, {@code CONT}, {@code TERM}.
     * @throws AssertionError if {@code kill} fails or does not finish within 10 s.
     */
    public static void signal(final long pid, final String signal)
    {
        final String command = "kill -" + signal + " " + pid;
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .redirectErrorStream(true)
                .start();
            kill.getOutputStream().close();
            if (!kill.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            {
                kill.destroyForcibly();
                throw new AssertionError("'" + command + "' did not finish within " + SIGNAL_TIMEOUT);
            }
            final String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (0 != kill.exitValue())
            {
                throw new AssertionError("'" + command + "' failed with exit code " + kill.exitValue() + ": " + output);
            }
        }
        catch (final IOException ex)
        {
            throw new AssertionError("Could not run '" + command + "'", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while running '" + command + "'", ex);
        }
    }

    /**
     * @param pid a process id.
     * @return the state letter of {@code /proc/<pid>/stat} ({@code R}, {@code S}, {@code T} when stopped, {@code Z}
     * for a zombie, ...), or empty if there is no such process.
     */
    public static Optional<Character> state(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // "<pid> (<comm>) <state> ...": comm may itself contain spaces and parentheses, so split at the last ')'.
            final String afterCommand = stat.substring(stat.lastIndexOf(')') + 1).strip();
            return afterCommand.isEmpty() ? Optional.empty() : Optional.of(afterCommand.charAt(0));
        }
        catch (final NoSuchFileException ex)
        {
            return Optional.empty();
        }
        catch (final IOException ex)
        {
            // The process vanished between open and read: same as gone.
            return Optional.empty();
        }
    }

    /**
     * @param process a process handle.
     * @return true once the process has exited. A zombie (exited, not reaped yet by a parent that is not this JVM)
     * counts as gone, because it holds no resources any more and may never be reaped in a container.
     */
    public static boolean isGone(final ProcessHandle process)
    {
        return !process.isAlive() || state(process.pid()).map(s -> 'Z' == s || 'X' == s).orElse(true);
    }

    /**
     * Polls {@link #isGone(ProcessHandle)} with a short backoff until it holds or the timeout passes.
     *
     * @param process the process to wait for; this does nothing to make it exit.
     * @param timeout how long to wait.
     * @return true if the process is gone.
     * @throws AssertionError if interrupted.
     */
    public static boolean awaitGone(final ProcessHandle process, final Duration timeout)
    {
        return awaitCondition(() -> isGone(process), timeout);
    }

    /**
     * Polls an external condition (one nothing can notify us about, such as a file or another process disappearing)
     * with an exponential backoff from 1 ms up to 50 ms, until it holds or the timeout passes.
     *
     * @param condition checked on the calling thread, first at once; it should be cheap, e.g. a file check.
     * @param timeout   how long to keep polling.
     * @return true if the condition held before the deadline.
     * @throws AssertionError if interrupted.
     */
    public static boolean awaitCondition(final BooleanSupplier condition, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long parkNanos = TimeUnit.MILLISECONDS.toNanos(1);
        while (!condition.getAsBoolean())
        {
            final long remaining = deadline - System.nanoTime();
            if (remaining <= 0)
            {
                return false;
            }
            LockSupport.parkNanos(Math.min(parkNanos, remaining));
            if (Thread.interrupted())
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while awaiting a condition");
            }
            parkNanos = Math.min(parkNanos * 2, MAX_POLL_PARK_NANOS);
        }
        return true;
    }
}
