package io.pekkoshm.remote.driver;

import io.aeron.AeronCounters;
import io.aeron.driver.MediaDriver;
import io.pekkoshm.remote.IdleStrategies;
import io.pekkoshm.remote.host.LockFile;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.host.ShmDirectory;
import org.agrona.CloseHelper;
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
    /** The main thread counts clients at most this often... */
    private static final long MIN_CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** ...and at least this often: a quarter of the idle timeout in between. */
    private static final long MAX_CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

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
     *             {@code --max-park-us N} (the driver thread's longest park when idle, default 10000) and
     *             {@code --sleep-after-us N} (sleep on its doorbell after that long without work, at least 10 ms;
     *             absent: never sleep, see {@link DriverSleep}).
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

        final long sleepAfterNs = options.containsKey("--sleep-after-us") ?
            TimeUnit.MICROSECONDS.toNanos(Long.parseLong(options.get("--sleep-after-us"))) : -1;

        final ShmDirectory directory = new ShmDirectory(root, aeronDir);
        final DriverSleep sleep = openSleep(idleCpuLevel, maxParkNs, sleepAfterNs);
        final MediaDriver driver = MediaDriver.launch(
            DriverContexts.mediaDriver(aeronDir, livenessNs,
                null == sleep ? IdleStrategies.forDriver(idleCpuLevel, maxParkNs) : sleep.idleStrategy())
                .errorHandler(ex -> log("error in media driver: " + ex)));
        final Running running = new Running(driver, publishSleep(sleep, driver), directory);
        // the hook before the word "started": whoever waits for it may signal at once, and must find the hook there
        final Shutdown shutdown = new Shutdown(Thread.currentThread());
        Runtime.getRuntime().addShutdownHook(shutdown.hook);
        final boolean sleeps = null != running.sleep && running.sleep.published();
        log("started: pid " + ProcessLiveness.currentPid() + ", aeron directory " + aeronDir + ", idle timeout " +
            TimeUnit.NANOSECONDS.toMillis(idleTimeoutNs) + " ms, " + (!sleeps ? "never sleeps" :
            "sleeps after " + TimeUnit.NANOSECONDS.toMillis(Math.max(DriverSleep.MIN_SLEEP_AFTER_NS, sleepAfterNs)) +
            " ms without work (nodes ring it; at most " + DriverSleep.SLEEP_LIMIT_MS +
            " ms; never with a UDP channel)"));
        try
        {
            watchClients(running, idleTimeoutNs, shutdown);
        }
        catch (final Throwable ex)
        {
            log("stopping after an unexpected error: " + ex);
            ex.printStackTrace(System.out);
            try
            {
                running.stop();
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

    /** The driver while it runs, with its sleep (null when it never sleeps) and the directory it serves. */
    private record Running(MediaDriver driver, DriverSleep sleep, ShmDirectory directory)
    {
        /** Stops the driver's thread (waking it if it sleeps), closes the driver, then its doorbell. */
        void closeDriver()
        {
            if (null != sleep)
            {
                sleep.stopping();
            }
            try
            {
                driver.close();
            }
            finally
            {
                CloseHelper.quietClose(sleep);
            }
        }

        void stop()
        {
            closeDriver();
            try (LockFile ignored = directory.lockStartup(java.time.Duration.ofSeconds(2)))
            {
                directory.removeIfUnused();
            }
            catch (final IOException ex)
            {
                log("could not tidy " + directory.root() + ": " + ex.getMessage());
            }
        }
    }

    private static DriverSleep openSleep(final int idleCpuLevel, final long maxParkNs, final long sleepAfterNs)
    {
        try
        {
            return DriverSleep.open(idleCpuLevel, maxParkNs, sleepAfterNs);
        }
        catch (final IOException ex)
        {
            log("never sleeps: its doorbell could not be opened (" + ex + ")");
            return null;
        }
    }

    /** Publishes the sleep's bell file in the launched driver's directory; without it the driver never sleeps. */
    private static DriverSleep publishSleep(final DriverSleep sleep, final MediaDriver driver)
    {
        if (null == sleep)
        {
            return null;
        }
        try
        {
            sleep.publish(driver);
            return sleep;
        }
        catch (final IOException | RuntimeException ex)
        {
            log("never sleeps: its bell file could not be made (" + ex + ")");
            return sleep; // unpublished: it cannot sleep, and is closed with the driver
        }
    }

    /** Runs on the main thread only: the single reader of the CnC file and the single closer of the driver. */
    private static void watchClients(final Running running, final long idleTimeoutNs, final Shutdown shutdown)
        throws IOException
    {
        final MediaDriver driver = running.driver();
        final long checkIntervalNs = Math.max(MIN_CHECK_INTERVAL_NS,
            Math.min(MAX_CHECK_INTERVAL_NS, idleTimeoutNs > 0 ? idleTimeoutNs / 4 : MAX_CHECK_INTERVAL_NS));
        long idleSince = System.nanoTime();
        while (!shutdown.requested.get())
        {
            LockSupport.parkNanos(checkIntervalNs);
            if (shutdown.requested.get())
            {
                break;
            }
            final long now = System.nanoTime();
            if (clientCount(driver.context().countersManager()) > 0)
            {
                idleSince = now;
            }
            else if (idleTimeoutNs > 0 && now - idleSince >= idleTimeoutNs && exitIfStillIdle(running))
            {
                log("exited after " + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNs) + " ms without clients");
                shutdown.removeHook();
                shutdown.closed.countDown();
                return;
            }
        }
        running.stop();
        shutdown.closed.countDown();
    }

    /**
     * @return true if the driver was closed (no client under the start-up lock); false if a client is there or a
     *         process is starting (it will be our client).
     * @throws IOException if the directory cannot be tidied after the driver was closed.
     */
    private static boolean exitIfStillIdle(final Running running) throws IOException
    {
        final LockFile lock;
        try
        {
            lock = running.directory().lockStartup(java.time.Duration.ofMillis(100));
        }
        catch (final IOException ex)
        {
            return false; // somebody is starting: they will be our client.
        }
        try (LockFile ignored = lock)
        {
            if (clientCount(running.driver().context().countersManager()) > 0)
            {
                return false;
            }
            running.closeDriver();
            running.directory().removeIfUnused();
            return true;
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
                    "[--max-park-us N] [--sleep-after-us N]; bad argument " + args[i]);
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
