package io.pekkoshm.samples.support;

import io.pekkoshm.remote.ShmSettings;
import org.HdrHistogram.Histogram;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * What every sample's {@code main} shares: exit codes, waiting with deadlines, the check that shared memory is
 * released at the end, and printing.
 */
public final class Samples
{
    private Samples()
    {
    }

    /** A sample's body. */
    @FunctionalInterface
    public interface Body
    {
        /**
         * Runs the sample.
         *
         * @throws Exception anything: the sample failed.
         */
        void run() throws Exception;
    }

    /**
     * Runs a sample and exits the JVM: 0 if the body returned, {@link SampleFailure#exitCode()} for a
     * {@link SampleFailure} (its message printed as {@code <name>: FAILED: <message>}), 1 for any other exception
     * (printed with its stack trace). Shutdown hooks (an actor system still running) get the usual chance to run.
     *
     * @param name the sample's name, the prefix of the failure line.
     * @param body the sample.
     */
    public static void runAndExit(final String name, final Body body)
    {
        // Logging is set up here, on one thread, before an actor system's threads log concurrently (SLF4J would
        // otherwise print a warning about replayed calls).
        LoggerFactory.getILoggerFactory();
        int exitCode = 0;
        try
        {
            body.run();
        }
        catch (final SampleFailure failure)
        {
            exitCode = failure.exitCode();
            System.out.flush();
            System.err.println(name + ": FAILED: " + failure.getMessage());
        }
        catch (final Throwable ex)
        {
            exitCode = SampleFailure.FAILED;
            System.out.flush();
            System.err.println(name + ": FAILED: " + ex);
            ex.printStackTrace();
        }
        System.out.flush();
        System.err.flush();
        System.exit(exitCode);
    }

    /**
     * Waits for a future, failing the sample with a message that says what did not happen in time.
     *
     * @param future  what to wait for.
     * @param timeout how long.
     * @param what    what the future stands for, e.g. "the pong node's hello".
     * @param <T>     the future's value.
     * @return the value.
     * @throws SampleFailure on timeout, or with the future's own failure.
     * @throws InterruptedException if interrupted while waiting.
     */
    public static <T> T await(final CompletableFuture<T> future, final Duration timeout, final String what)
        throws InterruptedException
    {
        return await(future, timeout, what, new ChildProcess[0]);
    }

    /**
     * As {@link #await(CompletableFuture, Duration, String)}, failing as soon as one of {@code children} exits.
     *
     * @param future   what to wait for.
     * @param timeout  how long.
     * @param what     what the future stands for, e.g. "the pong node's hello".
     * @param children JVMs that must stay up meanwhile.
     * @param <T>      the future's value.
     * @return the value.
     * @throws SampleFailure on timeout, when a child exits, or with the future's own failure.
     * @throws InterruptedException if interrupted while waiting.
     */
    @SuppressWarnings("unchecked")
    public static <T> T await(final CompletableFuture<T> future, final Duration timeout, final String what,
        final ChildProcess... children) throws InterruptedException
    {
        final CompletableFuture<?>[] any = new CompletableFuture<?>[1 + children.length];
        any[0] = future;
        for (int i = 0; i < children.length; i++)
        {
            any[i + 1] = children[i].failureOnExit();
        }
        try
        {
            return (T)CompletableFuture.anyOf(any).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new SampleFailure("no " + what + " within " + timeout.toSeconds() + " s");
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof SampleFailure)
            {
                throw (SampleFailure)ex.getCause();
            }
            throw new SampleFailure(what + " failed: " + ex.getCause());
        }
    }

    /**
     * Waits until the host's media driver, once idle, has removed the sample's shared-memory directory, and says so.
     * A standalone driver exits {@code driver.idle-timeout} after its last client, removing the directory when no
     * node is left; if other nodes of this host still use the directory, it stays, and this says what is in it.
     *
     * @param settings the sample's settings (directory, idle timeout).
     */
    public static void awaitSharedMemoryReleased(final ShmSettings settings)
    {
        final Path directory = settings.transport().directory();
        final long deadline =
            System.nanoTime() + settings.driver().idleTimeout().toNanos() + TimeUnit.SECONDS.toNanos(15);
        while (Files.exists(directory) && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        if (Files.exists(directory))
        {
            System.out.println("shared memory: " + directory + " is still in use by other processes of this host (" +
                String.join(", ", entries(directory)) + "); this sample's processes have all exited");
        }
        else
        {
            System.out.println("shared memory: released (the media driver has exited and " + directory + " is gone)");
        }
    }

    private static List<String> entries(final Path directory)
    {
        final List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory))
        {
            files.forEach(file -> names.add(file.getFileName() + (Files.isDirectory(file) ? "/" : "")));
        }
        catch (final IOException ex)
        {
            names.add("cannot list: " + ex.getMessage());
        }
        return names;
    }

    /**
     * @param histogram values in nanoseconds.
     * @return {@code p50 X  p90 X  p99 X  max X} in microseconds.
     */
    public static String percentilesMicros(final Histogram histogram)
    {
        return String.format("p50 %,.1f  p90 %,.1f  p99 %,.1f  max %,.1f",
            histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(90) / 1e3,
            histogram.getValueAtPercentile(99) / 1e3, histogram.getMaxValue() / 1e3);
    }

    /** {@return a histogram for nanosecond values up to one minute, three significant digits} */
    public static Histogram nanosHistogram()
    {
        return new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    }

    /**
     * Records a duration, clamped to the histogram's range (a negative one, which a clock cannot give, as 0).
     *
     * @param histogram from {@link #nanosHistogram()}.
     * @param nanos     the duration in nanoseconds.
     */
    public static void record(final Histogram histogram, final long nanos)
    {
        histogram.recordValue(Math.max(0, Math.min(nanos, histogram.getHighestTrackableValue())));
    }

    /**
     * @param names some names, at least one.
     * @return them as a sentence writes them: {@code a}, {@code a and b}, {@code a, b and c}.
     */
    public static String and(final Collection<String> names)
    {
        final List<String> list = new ArrayList<>(names);
        final int last = list.size() - 1;
        return 0 == last ? list.get(0) : String.join(", ", list.subList(0, last)) + " and " + list.get(last);
    }

    /**
     * Prints a line at once (the console of a Maven build, or a test reading the output, sees it when it happens).
     *
     * @param line the line.
     */
    public static void say(final String line)
    {
        synchronized (System.out)
        {
            System.out.println(line);
            System.out.flush();
        }
    }
}
