package io.pekkoshm.remote.driver;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.pekkoshm.remote.IdleStrategies;
import io.pekkoshm.remote.ShmSettings;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The one place where the plugin's settings become Aeron's contexts, for the client and for drivers it runs.
 * <p>
 * Drivers run in {@link ThreadingMode#SHARED} mode (one thread: IPC needs no sender or receiver, and the machine may
 * have two cores, and Aeron's executor thread, which only resolves UDP names, is off), backing off as
 * {@code idle-cpu-level} says up to a park of {@code driver.max-park}, with sparse term files, and a directory that
 * is deleted when the driver stops. A client on one host has no conductor thread: the node's agent runs the client's
 * conductor in its own duty cycle ({@code useConductorAgentInvoker}), so it sleeps when the node sleeps. With
 * cross-host on, the client keeps its own thread, sleeping {@link #CLIENT_CONDUCTOR_SLEEP_MS} between duty cycles: a
 * peer of another host rings no doorbell, so only that thread would add its image while the node sleeps. What each
 * costs an idle host is in docs/performance.md.
 * <p>
 * Its CnC file is sized for this plugin rather than with Aeron's default of 8 MiB of counter values (whose metadata
 * takes four times that: 46 MiB of {@code /dev/shm} for the whole file, all of it allocated): with
 * {@link #COUNTER_VALUES_LENGTH} it takes 16 MiB (rings 2 MiB, counters 10 MiB, Aeron's smallest error log 4 MiB)
 * and still holds 16384 counters, enough for a mesh of 64 nodes (each association takes three or four counters, each
 * node about twenty).
 */
public final class DriverContexts
{
    /** The driver's counter values buffer: 16384 counters of 128 bytes (their metadata takes 4 x this). */
    public static final int COUNTER_VALUES_LENGTH = 2 * 1024 * 1024;
    /**
     * How long a cross-host client's conductor thread sleeps between duty cycles (Aeron's default: 16): well inside its
     * keep-alive interval (500 ms) and driver timeout, and never on a message's path (adding a publication is done
     * by the calling thread).
     */
    static final long CLIENT_CONDUCTOR_SLEEP_MS = 50;

    private DriverContexts()
    {
    }

    /**
     * A media driver context for an Aeron directory this plugin owns. The directory is deleted when the driver
     * starts and when it stops.
     *
     * @param aeronDirectory          the driver's Aeron directory.
     * @param clientLivenessTimeoutNs how long the driver keeps a silent client's resources, in nanoseconds
     *                                ({@code driver.client-liveness-timeout}).
     * @param idleCpuLevel            1 to 10, chooses the driver thread's spins and yields ({@code idle-cpu-level}).
     * @param maxParkNs               the driver thread's longest park when idle ({@code driver.max-park}).
     * @return a context ready for {@code MediaDriver.launch}, which the caller may refine (e.g. an error handler).
     */
    public static MediaDriver.Context mediaDriver(final Path aeronDirectory, final long clientLivenessTimeoutNs,
        final int idleCpuLevel, final long maxParkNs)
    {
        return mediaDriver(aeronDirectory, clientLivenessTimeoutNs, IdleStrategies.forDriver(idleCpuLevel, maxParkNs));
    }

    /**
     * As {@link #mediaDriver(Path, long, int, long)}, with the driver thread's idle strategy given (a standalone
     * driver that sleeps on its doorbell, {@link DriverSleep}).
     *
     * @param aeronDirectory          the driver's Aeron directory.
     * @param clientLivenessTimeoutNs how long the driver keeps a silent client's resources, in nanoseconds.
     * @param idleStrategy            the driver thread's idle strategy (SHARED threading mode: one thread).
     * @return a context ready for {@code MediaDriver.launch}.
     */
    public static MediaDriver.Context mediaDriver(final Path aeronDirectory, final long clientLivenessTimeoutNs,
        final IdleStrategy idleStrategy)
    {
        return new MediaDriver.Context()
            .aeronDirectoryName(aeronDirectory.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(idleStrategy)
            // its executor only resolves names of UDP channels (cross-host), which the conductor then does itself; it
            // would wake every millisecond for nothing
            .asyncExecutorEnabled(false)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .counterValuesBufferLength(COUNTER_VALUES_LENGTH)
            .clientLivenessTimeoutNs(clientLivenessTimeoutNs)
            .publicationUnblockTimeoutNs(Math.max(TimeUnit.SECONDS.toNanos(15), 3 * clientLivenessTimeoutNs))
            .warnIfDirectoryExists(false);
    }

    /**
     * An Aeron client context for a node of this plugin.
     *
     * @param settings   the node's settings (Aeron directory, driver timeout, whether cross-host is on: if not, the
     *                   client has no conductor thread and its owner runs {@code conductorAgentInvoker()}).
     * @param clientName the client's name, shown by AeronStat.
     * @param errors     receives the client's asynchronous errors and those of its subscriptions.
     * @param driverBell the driver's doorbell, rung after each command the client awaits (a sleeping driver answers
     *                   at once).
     * @return a context ready for {@code Aeron.connect}.
     */
    public static Aeron.Context client(final ShmSettings settings, final String clientName, final ErrorHandler errors,
        final DriverBell driverBell)
    {
        return new Aeron.Context()
            .aeronDirectoryName(settings.driver().aeronDirectory().toString())
            .driverTimeoutMs(settings.driver().timeout().toMillis())
            .clientName(clientName)
            // on one host the node's agent runs the conductor: every peer that needs it (a new image before its
            // HELLO can be read) rings the node. Across hosts nothing rings for a peer's image, so the client keeps
            // its thread; it only keeps the client alive (every 500 ms) and watches the driver (timeout 20 s), and
            // Aeron's 16 ms sleep would wake it 60 times a second for nothing on an idle node
            .useConductorAgentInvoker(!settings.crossHost().enabled())
            .idleStrategy(new SleepingMillisIdleStrategy(CLIENT_CONDUCTOR_SLEEP_MS))
            .awaitingIdleStrategy(new RingingAwaitStrategy(driverBell))
            .errorHandler(errors)
            .subscriberErrorHandler(errors);
    }
}
