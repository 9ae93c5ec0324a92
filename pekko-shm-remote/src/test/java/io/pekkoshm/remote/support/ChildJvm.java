package io.pekkoshm.remote.support;

import io.pekkoshm.remote.driver.JavaCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class of the test class path, started the way the project starts its JVMs
 * ({@link JavaCommand}: the same {@code java}, the same {@code --add-opens} flags). Its output goes to a file under
 * {@code target/child-jvm-logs}, kept unless the test calls {@link #deleteLog()} on success. {@link #close()} stops it
 * gracefully (end of stdin), then forcibly, and always waits for it to be gone.
 */
public final class ChildJvm implements AutoCloseable
{
    private static final Path LOG_DIRECTORY = Path.of("target", "child-jvm-logs");

    private final Process process;
    private final Path log;

    private ChildJvm(final Process process, final Path log)
    {
        this.process = process;
        this.log = log;
    }

    public static ChildJvm start(final Class<?> mainClass, final String... args) throws IOException
    {
        return start(List.of(), mainClass, args);
    }

    /** As {@link #start(Class, String...)}, with {@code jvmOptions} put before the main class. */
    public static ChildJvm start(final List<String> jvmOptions, final Class<?> mainClass, final String... args)
        throws IOException
    {
        return start(true, jvmOptions, mainClass, args);
    }

    /**
     * As {@link #start(Class, String...)}, but without the {@code --add-opens} flags the plugin needs: a JVM started
     * the way a user who missed them would start it.
     */
    public static ChildJvm startWithoutJvmFlags(final Class<?> mainClass, final String... args) throws IOException
    {
        return start(false, List.of(), mainClass, args);
    }

    /**
     * As {@link #start(Class, String...)}, with exactly {@code jvmFlags} instead of the flags the plugin needs: a JVM
     * started with some of them only.
     */
    public static ChildJvm startWithJvmFlags(final List<String> jvmFlags, final Class<?> mainClass,
        final String... args) throws IOException
    {
        return start(false, jvmFlags, mainClass, args);
    }

    private static ChildJvm start(final boolean jvmFlags, final List<String> jvmOptions, final Class<?> mainClass,
        final String... args) throws IOException
    {
        Files.createDirectories(LOG_DIRECTORY);
        final Path log = LOG_DIRECTORY.resolve(mainClass.getSimpleName() + "-" + UUID.randomUUID() + ".log");
        final JavaCommand java = JavaCommand.of(mainClass.getName());
        if (!jvmFlags)
        {
            java.withoutJvmFlags();
        }
        final List<String> command = java.jvmOptions("-Xmx64m").jvmOptions(jvmOptions).arguments(args).build();
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        return new ChildJvm(process, log);
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** Everything the child has written so far. */
    public String output()
    {
        try
        {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        }
        catch (final IOException ex)
        {
            return "<unreadable " + log + ": " + ex + ">";
        }
    }

    /**
     * Waits until the child has written a line starting with one of {@code prefixes}.
     *
     * @return that line.
     */
    public String awaitLineStartingWith(final Duration timeout, final String... prefixes)
    {
        Await.until(timeout, () -> findLine(prefixes).isPresent() || !process.isAlive(),
            () -> "child pid " + process.pid() + " to print one of " + List.of(prefixes) + "; output so far (" + log +
            "):\n" + output());
        return findLine(prefixes).orElseThrow(() -> new AssertionError("Child pid " + process.pid() + " exited with " +
            process.exitValue() + " without printing one of " + List.of(prefixes) + "; output (" + log + "):\n" +
            output()));
    }

    private Optional<String> findLine(final String... prefixes)
    {
        for (final String line : output().split("\n"))
        {
            for (final String prefix : prefixes)
            {
                if (line.startsWith(prefix))
                {
                    return Optional.of(line.trim());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * SIGTERM (what {@code kill PID} and systemd send), and wait until the process is gone.
     *
     * @return the exit code.
     */
    public int terminate() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new AssertionError("Child pid " + process.pid() + " still alive 30 s after SIGTERM; output (" + log +
                "):\n" + output());
        }
        return process.exitValue();
    }

    /** kill -9, and wait until the process is gone. */
    public void kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new AssertionError("Child pid " + process.pid() + " still alive 30 s after kill -9");
        }
    }

    /** Removes the output file: call at the end of a test that passed. */
    public void deleteLog() throws IOException
    {
        Files.deleteIfExists(log);
    }

    /** Ends the child: closes its stdin (it exits by itself), after 10 s kills it; waits until it is gone. */
    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            try (OutputStream stdin = process.getOutputStream())
            {
                stdin.flush();
            }
            catch (final IOException ex)
            {
                // Already gone or pipe broken: destroyForcibly below.
            }
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new AssertionError("Child pid " + process.pid() + " could not be stopped");
        }
    }
}
