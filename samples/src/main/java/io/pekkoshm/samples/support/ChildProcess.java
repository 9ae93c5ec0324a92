package io.pekkoshm.samples.support;

import io.pekkoshm.remote.driver.JavaCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A JVM a sample starts, with the plugin's one builder of a {@code java} command line ({@link JavaCommand}): this
 * JVM's {@code java} and classpath, the JVM flags the plugin needs, and the {@code -Dpekko.*} and
 * {@code -Dconfig.*} system properties of this JVM (so a {@code -Dpekko.remote.shm.directory=...} given to the sample
 * reaches every node of it). Its output is printed to this JVM's stdout, each line prefixed with {@code [name]}.
 * <p>
 * The child runs {@link SampleChild#exitWhenParentExits()}, so it exits when this JVM closes its stdin: by
 * {@link #close()}, or by dying, even by {@code kill -9}. A child never outlives the sample that started it.
 * <p>
 * <b>Ownership:</b> whoever starts it closes it (try-with-resources). <b>Threading:</b> one daemon thread pumps the
 * output; the methods may be called from any thread.
 */
public final class ChildProcess implements AutoCloseable
{
    private static final Duration GRACEFUL_EXIT = Duration.ofSeconds(20);
    private static final Duration TERMINATE = Duration.ofSeconds(5);

    private final String name;
    private final Process process;
    private final Thread pump;

    private ChildProcess(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        this.pump = new Thread(this::pumpOutput, "sample-output-" + name);
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /**
     * Starts a child JVM.
     *
     * @param name       the child's name, the prefix of its output lines.
     * @param mainClass  its main class, on this JVM's classpath.
     * @param jvmOptions extra JVM options, e.g. {@code -Xmx4g}.
     * @param args       its program arguments.
     * @return the running child.
     * @throws IOException if the process cannot be started.
     */
    public static ChildProcess start(final String name, final Class<?> mainClass, final List<String> jvmOptions,
        final String... args) throws IOException
    {
        final List<String> properties = new ArrayList<>();
        for (final Map.Entry<Object, Object> property : System.getProperties().entrySet())
        {
            final String key = property.getKey().toString();
            if (key.startsWith("pekko.") || key.startsWith("config."))
            {
                properties.add("-D" + key + "=" + property.getValue());
            }
        }
        properties.add("-Dsample.node=" + name); // tells the sample's JVMs apart in `ps`
        final List<String> command = JavaCommand.of(mainClass.getName())
            .jvmOptions(properties)
            .jvmOptions(jvmOptions)
            .arguments(args)
            .build();
        return new ChildProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** {@return the child's name} */
    public String name()
    {
        return name;
    }

    /** {@return the child's process id} */
    public long pid()
    {
        return process.pid();
    }

    /**
     * For waiting on something while this child must stay up: see {@link Samples#await(CompletableFuture, Duration,
     * String, ChildProcess...)}.
     *
     * @param <T> any type: the future never completes normally.
     * @return a future that fails with a {@link SampleFailure} naming the child and its exit code when it exits.
     */
    public <T> CompletableFuture<T> failureOnExit()
    {
        return process.onExit().thenApply(exited ->
        {
            throw new SampleFailure(name + " exited with code " + exited.exitValue() + " before the sample was done; " +
                "its output is above, prefixed [" + name + "]");
        });
    }

    /**
     * Waits for the child to exit by itself, and for its last output lines to be printed.
     *
     * @param timeout how long.
     * @throws SampleFailure if it does not exit in time, or exits with a code other than 0.
     * @throws InterruptedException if interrupted while waiting.
     */
    public void awaitSuccessfulExit(final Duration timeout) throws InterruptedException
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            throw new SampleFailure(name + " (pid " + pid() + ") did not exit within " + timeout.toSeconds() + " s");
        }
        pump.join(TERMINATE.toMillis());
        if (0 != process.exitValue())
        {
            throw new SampleFailure(name + " exited with code " + process.exitValue() + "; its output is above, " +
                "prefixed [" + name + "]");
        }
    }

    /**
     * Stops the child if it still runs: closes its stdin (it exits, running its shutdown hooks), then after
     * 20 s sends SIGTERM, then SIGKILL. Returns once it is gone.
     */
    @Override
    public void close()
    {
        try
        {
            process.getOutputStream().close();
        }
        catch (final IOException ignore)
        {
            // it has exited already
        }
        try
        {
            if (!process.waitFor(GRACEFUL_EXIT.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroy();
                if (!process.waitFor(TERMINATE.toMillis(), TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly().waitFor();
                }
            }
            pump.join(TERMINATE.toMillis());
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void pumpOutput()
    {
        try (BufferedReader lines = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            for (String line = lines.readLine(); null != line; line = lines.readLine())
            {
                Samples.say("[" + name + "] " + line);
            }
        }
        catch (final IOException ex)
        {
            Samples.say("[" + name + "] (output lost: " + ex + ")");
        }
    }
}
