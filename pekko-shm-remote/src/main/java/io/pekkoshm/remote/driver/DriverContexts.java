package io.pekkoshm.remote.driver;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.pekkoshm.remote.IdleStrategies;
import io.pekkoshm.remote.ShmSettings;
import org.agrona.ErrorHandler;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The one place where the plugin's settings become Aeron's contexts, for the client and for drivers it runs.
 * <p>
 * Drivers run in {@link ThreadingMode#SHARED} mode (one thread: IPC needs no sender or receiver, and the machine may
 * have two cores), with the idle strategy of the node's {@code idle-cpu-level}, sparse term files, and a directory
 * that is deleted when the driver stops.
 */
public final class DriverContexts
{
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
     * @param idleCpuLevel            1 to 10, chooses the driver thread's idle strategy ({@code idle-cpu-level}).
     * @return a context ready for {@code MediaDriver.launch}, which the caller may refine (e.g. an error handler).
     */
    public static MediaDriver.Context mediaDriver(final Path aeronDirectory, final long clientLivenessTimeoutNs,
        final int idleCpuLevel)
    {
        return new MediaDriver.Context()
            .aeronDirectoryName(aeronDirectory.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(IdleStrategies.forLevel(idleCpuLevel))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .clientLivenessTimeoutNs(clientLivenessTimeoutNs)
            .publicationUnblockTimeoutNs(Math.max(TimeUnit.SECONDS.toNanos(15), 3 * clientLivenessTimeoutNs))
            .warnIfDirectoryExists(false);
    }

    /**
     * An Aeron client context for a node of this plugin.
     *
     * @param settings   the node's settings (Aeron directory, driver timeout).
     * @param clientName the client's name, shown by AeronStat.
     * @param errors     receives the client's asynchronous errors and those of its subscriptions.
     * @return a context ready for {@code Aeron.connect}.
     */
    public static Aeron.Context client(final ShmSettings settings, final String clientName, final ErrorHandler errors)
    {
        return new Aeron.Context()
            .aeronDirectoryName(settings.driver().aeronDirectory().toString())
            .driverTimeoutMs(settings.driver().timeout().toMillis())
            .clientName(clientName)
            .errorHandler(errors)
            .subscriberErrorHandler(errors);
    }
}
