package io.pekkoshm.testkit.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The child-side end of the harness: commands from the parent arrive on stdin, one per line; reports go to stdout.
 * <p>
 * Two commands are handled here and never queued: {@value #EXIT_COMMAND} exits with code 0, and end of stdin (the
 * parent called {@link ChildJvm#closeStdin()}, or the parent JVM died, even by {@code kill -9}) exits with
 * {@link #EXIT_CODE_STDIN_CLOSED}. Both go through {@link System#exit}, so shutdown hooks run (an actor system's
 * coordinated shutdown, for one); if they take longer than {@link #HALT_GRACE} the JVM is halted, so a child never
 * outlives its parent by more than that.
 * <p>
 * {@link ChildLauncher} starts this before the child's own main, which gets the same instance from {@link #start()}.
 * <p>
 * <b>Threading:</b> one daemon thread ({@code multijvm-stdin}) is the only reader of {@code System.in} and hands every
 * other line to a queue; {@link #awaitCommand} and {@link #pollCommand} may be called from any thread and each command
 * goes to exactly one caller. {@link #report} may be called from any thread.
 */
public final class ChildControl
{
    /** The command that makes the child exit with code 0. */
    public static final String EXIT_COMMAND = "exit";
    /** The exit code of a child whose stdin reached end of stream. */
    public static final int EXIT_CODE_STDIN_CLOSED = 3;
    /** How long shutdown hooks may run after an exit before the JVM is halted. */
    public static final Duration HALT_GRACE = Duration.ofSeconds(20);

    private static ChildControl instance;

    private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();

    private ChildControl()
    {
    }

    /**
     * @return the control of this JVM, starting the stdin reader on the first call. Idempotent and thread-safe.
     */
    public static synchronized ChildControl start()
    {
        if (null == instance)
        {
            instance = new ChildControl();
            final Thread reader = new Thread(instance::readCommands, "multijvm-stdin");
            reader.setDaemon(true);
            reader.start();
        }
        return instance;
    }

    /**
     * Prints one line to stdout and flushes it, for the parent's {@link ChildJvm#awaitLine}.
     *
     * @param line the text, without line separators: the parent reads the output line by line.
     */
    public static void report(final String line)
    {
        synchronized (System.out)
        {
            System.out.println(line);
            System.out.flush();
        }
    }

    /**
     * Waits for the next command from the parent; each command goes to one caller only.
     *
     * @param timeout how long to wait for one.
     * @return the next command from the parent.
     * @throws IllegalStateException if none arrives within the timeout, or if interrupted.
     */
    public String awaitCommand(final Duration timeout)
    {
        return pollCommand(timeout).orElseThrow(
            () -> new IllegalStateException("No command from the parent within " + timeout));
    }

    /**
     * Waits for the next command from the parent; each command goes to one caller only.
     *
     * @param timeout how long to wait for one; zero only takes a command already there.
     * @return the next command from the parent, or empty if none arrives within the timeout.
     * @throws IllegalStateException if interrupted.
     */
    public Optional<String> pollCommand(final Duration timeout)
    {
        try
        {
            return Optional.ofNullable(commands.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while awaiting a command from the parent", ex);
        }
    }

    private void readCommands()
    {
        try (BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = stdin.readLine()))
            {
                if (EXIT_COMMAND.equals(line.strip()))
                {
                    exit(0, "received the exit command");
                }
                commands.add(line);
            }
        }
        catch (final IOException ex)
        {
            // A broken stdin means the same as a closed one: the parent is gone.
        }
        exit(EXIT_CODE_STDIN_CLOSED, "stdin closed: the parent closed it or died");
    }

    private static void exit(final int code, final String reason)
    {
        report("[child-control] exiting with code " + code + ": " + reason);
        final Timer watchdog = new Timer("multijvm-exit-watchdog", true);
        watchdog.schedule(
            new TimerTask()
            {
                @Override
                public void run()
                {
                    report("[child-control] shutdown hooks still running after " + HALT_GRACE + "; halting");
                    Runtime.getRuntime().halt(code);
                }
            },
            HALT_GRACE.toMillis());
        System.exit(code);
    }
}
