package io.pekkoshm.remote.driver;

import io.aeron.AeronCounters;
import io.aeron.driver.MediaDriver;
import io.pekkoshm.remote.host.LockFile;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.host.ShmDirectory;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The host's shared media driver as a process of its own, started by the first node in {@code driver.mode = auto}
 * (or by hand for {@code external}):
 * <pre>
 *   java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 *        -cp pekko-shm-remote_2.13.jar:aeron-client.jar:aeron-driver.jar:agrona.jar \
 *        io.pekkoshm.remote.driver.StandaloneDriver --directory /dev/shm/pekko-shm-$USER [--idle-timeout-ms 10000]
 * </pre>
 * (on Java 24 and later with {@code --sun-misc-unsafe-memory-access=allow} too: {@link JvmFlags}).
 * It outlives the JVM that started it, so the death of any node never takes the transport from the others. With
 * no client for {@code --idle-timeout-ms} it exits, removing its Aeron directory and, if no node is left, the
 * plugin's whole directory. The decision to exit is taken under the directory's start-up lock, so it never races a
 * node that is attaching. {@code --idle-timeout-ms 0} means never exit when idle. SIGTERM stops it cleanly.
 */
public final class StandaloneDriver
{
    private static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private StandaloneDriver()
    {
    }

    /**
     * Runs the driver until it has been idle for the idle timeout or gets SIGTERM; exits the JVM with status 1
     * after an unexpected error, having stopped the driver and tidied the directory.
     *
     * @param args {@code --directory DIR} (required), and optionally {@code --aeron-dir DIR} (default
     *             {@code DIR/aeron}), {@code --idle-timeout-ms N} (10000; 0 = never),
     *             {@code --client-liveness-timeout-ms N} (5000), {@code --idle-cpu-level N} (1 to 10, default 3) and
     *             {@code --max-park-us N} (the driver thread's longest park when idle, default 10000).
     */
    public static void main(final String[] args)
    {
        final Map<String, String> options = parse(args);
        final Path root = Path.of(require(options, "--directory")).toAbsolutePath();
        final Path aeronDir = Path.of(options.getOrDefault("--aeron-dir", root.resolve("aeron").toString()));
        final long idleTimeoutNs = TimeUnit.MILLISECONDS.toNanos(
            Long.parseLong(options.getOrDefault("--idle-timeout-ms", "10000")));
        final long livenessNs = TimeUnit.MILLISECONDS.toNanos(
            Long.parseLong(options.getOrDefault("--client-liveness-timeout-ms", "5000")));
        final int idleCpuLevel = Integer.parseInt(options.getOrDefault("--idle-cpu-level", "3"));
        final long maxParkNs = TimeUnit.MICROSECONDS.toNanos(
            Long.parseLong(options.getOrDefault("--max-park-us", "10000")));

        final ShmDirectory directory = new ShmDirectory(root, aeronDir);
        final MediaDriver driver = MediaDriver.launch(
            DriverContexts.mediaDriver(aeronDir, livenessNs, idleCpuLevel, maxParkNs)
                .errorHandler(ex -> log("error in media driver: " + ex)));
        // the hook before the word "started": whoever waits for it may signal at once, and must find the hook there
        final Shutdown shutdown = new Shutdown(Thread.currentThread());
        Runtime.getRuntime().addShutdownHook(shutdown.hook);
        log("started: pid " + ProcessLiveness.currentPid() + ", aeron directory " + aeronDir + ", idle timeout " +
            TimeUnit.NANOSECONDS.toMillis(idleTimeoutNs) + " ms");
        try
        {
            watchClients(driver, directory, idleTimeoutNs, shutdown);
        }
        catch (final Throwable ex)
        {
            log("stopping after an unexpected error: " + ex);
            ex.printStackTrace(System.out);
            try
            {
                stop(driver, directory);
            }
            finally
            {
                shutdown.closed.countDown();
                Runtime.getRuntime().halt(1);
            }
        }
    }

    /**
     * Hand-over between the shutdown hook and the main thread. Only the main thread reads the CnC file (to count
     * clients) and only it closes the driver, which unmaps that file: a hook closing the driver while the main thread
     * is counting makes the JVM read unmapped memory (SIGSEGV). So the hook only asks and then waits, bounded, for
     * the main thread to say the driver is closed and the directory tidied.
     */
    private static final class Shutdown
    {
        private static final long HOOK_WAIT_MS = 10_000;

        final AtomicBoolean requested = new AtomicBoolean();
        final CountDownLatch closed = new CountDownLatch(1);
        final Thread hook;

        Shutdown(final Thread mainThread)
        {
            hook = new Thread(() ->
            {
                log("stopping on signal");
                requested.set(true);
                LockSupport.unpark(mainThread);
                try
                {
                    if (!closed.await(HOOK_WAIT_MS, TimeUnit.MILLISECONDS))
                    {
                        log("the driver did not stop within " + HOOK_WAIT_MS + " ms of the signal; exiting anyway");
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }, "pekko-shm-driver-shutdown");
        }

        /** Called by the main thread when it leaves on an idle exit: the hook has nothing left to wait for. */
        void removeHook()
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ex)
            {
                // A signal came while we were exiting: the hook runs and is released by the count-down.
            }
        }
    }

    /** Runs on the main thread only: the single reader of the CnC file and the single closer of the driver. */
    private static void watchClients(final MediaDriver driver, final ShmDirectory directory, final long idleTimeoutNs,
        final Shutdown shutdown) throws IOException
    {
        long idleSince = System.nanoTime();
        while (!shutdown.requested.get())
        {
            LockSupport.parkNanos(CHECK_INTERVAL_NS);
            if (shutdown.requested.get())
            {
                break;
            }
            final long now = System.nanoTime();
            if (clientCount(driver.context().countersManager()) > 0)
            {
                idleSince = now;
            }
            else if (idleTimeoutNs > 0 && now - idleSince >= idleTimeoutNs && exitIfStillIdle(driver, directory))
            {
                log("exited after " + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNs) + " ms without clients");
                shutdown.removeHook();
                shutdown.closed.countDown();
                return;
            }
        }
        stop(driver, directory);
        shutdown.closed.countDown();
    }

    /**
     * @return true if the driver was closed (no client under the start-up lock); false if a client is there or a
     *         process is starting (it will be our client).
     * @throws IOException if the directory cannot be tidied after the driver was closed.
     */
    private static boolean exitIfStillIdle(final MediaDriver driver, final ShmDirectory directory)
        throws IOException
    {
        final LockFile lock;
        try
        {
            lock = directory.lockStartup(java.time.Duration.ofMillis(100));
        }
        catch (final IOException ex)
        {
            return false; // somebody is starting: they will be our client.
        }
        try (LockFile ignored = lock)
        {
            if (clientCount(driver.context().countersManager()) > 0)
            {
                return false;
            }
            driver.close();
            directory.removeIfUnused();
            return true;
        }
    }

    private static void stop(final MediaDriver driver, final ShmDirectory directory)
    {
        driver.close();
        try (LockFile ignored = directory.lockStartup(java.time.Duration.ofSeconds(2)))
        {
            directory.removeIfUnused();
        }
        catch (final IOException ex)
        {
            log("could not tidy " + directory.root() + ": " + ex.getMessage());
        }
    }

    /** Clients the driver currently counts alive (each holds a client heartbeat counter). */
    static int clientCount(final CountersReader counters)
    {
        final int[] count = { 0 };
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (AeronCounters.DRIVER_HEARTBEAT_TYPE_ID == typeId)
            {
                count[0]++;
            }
        });
        return count[0];
    }

    private static Map<String, String> parse(final String[] args)
    {
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            if (!args[i].startsWith("--") || i + 1 >= args.length)
            {
                throw new IllegalArgumentException("usage: StandaloneDriver --directory DIR [--aeron-dir DIR] " +
                    "[--idle-timeout-ms N] [--client-liveness-timeout-ms N] [--idle-cpu-level 1..10] " +
                    "[--max-park-us N]; bad argument " + args[i]);
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    private static String require(final Map<String, String> options, final String name)
    {
        final String value = options.get(name);
        if (null == value)
        {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private static void log(final String message)
    {
        System.out.println(Instant.now() + " pekko-shm driver: " + message);
        System.out.flush();
    }
}
