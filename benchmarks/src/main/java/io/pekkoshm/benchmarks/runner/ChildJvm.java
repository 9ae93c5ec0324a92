package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.workloads.ChildOutput;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM of a benchmark session. Everything it prints (stdout and stderr) goes to its log file, which is kept;
 * lines of the {@link ChildOutput} protocol are also handed to the runner through {@link #nextLine(Duration)}.
 * Its standard input stays open while this object is: closing it is the child's signal to exit, so a child never
 * outlives the runner. {@link #close()} stops it gracefully, then forcibly: no child survives it.
 */
final class ChildJvm implements AutoCloseable
{
    /** What {@link #nextLine(Duration)} answers once the child's output has ended. */
    static final String END = "<end of output>";

    private static final Duration GRACE = Duration.ofSeconds(15);

    private final String name;
    private final Process process;
    private final Path log;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private ChildJvm(final String name, final Process process, final Path log)
    {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::pump, "bench-output-" + name);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Starts {@code command}, its output appended to {@code log} (the command line first). */
    static ChildJvm start(final String name, final List<String> command, final Path log) throws IOException
    {
        Files.writeString(log, "# " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ChildJvm(name, process, log);
    }

    String name()
    {
        return name;
    }

    long pid()
    {
        return process.pid();
    }

    Path log()
    {
        return log;
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * The next protocol line, waiting up to {@code timeout}.
     *
     * @return the line, {@link #END} if the child's output has ended, or null on timeout.
     */
    String nextLine(final Duration timeout) throws InterruptedException
    {
        final String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (END.equals(line))
        {
            lines.add(END); // stays ended for later calls
        }
        return line;
    }

    /** Sends one line to the child's standard input; false if the child no longer reads it. */
    boolean send(final String line)
    {
        try
        {
            stdin.write(line + "\n");
            stdin.flush();
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** Waits for the child to exit by itself; true if it has. */
    boolean awaitExit(final Duration timeout) throws InterruptedException
    {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes its standard input (its signal to exit), waits, then destroys it, then destroys it forcibly. */
    @Override
    public void close() throws InterruptedException
    {
        try
        {
            stdin.close();
        }
        catch (final IOException ignored)
        {
            // the child has gone already
        }
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS))
        {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        reader.join(TimeUnit.SECONDS.toMillis(5));
    }

    private void pump()
    {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
             Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                 StandardOpenOption.APPEND))
        {
            String line;
            while (null != (line = out.readLine()))
            {
                file.write(line);
                file.write(System.lineSeparator());
                file.flush();
                if (line.startsWith(ChildOutput.PREFIX))
                {
                    lines.add(line);
                }
            }
        }
        catch (final IOException ignored)
        {
            // the process ended; what it printed is in the log
        }
        finally
        {
            lines.add(END);
        }
    }
}
