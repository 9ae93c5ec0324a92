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

    /** A media driver context for an Aeron directory this plugin owns. */
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

    /** An Aeron client context for a node of this plugin. */
    public static Aeron.Context client(final ShmSettings settings, final String clientName, final ErrorHandler errors)
    {
        return new Aeron.Context()
            .aeronDirectoryName(settings.aeronDirectory.toString())
            .driverTimeoutMs(settings.driverTimeout.toMillis())
            .clientName(clientName)
            .errorHandler(errors)
            .subscriberErrorHandler(errors);
    }
}
