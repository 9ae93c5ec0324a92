package io.pekkoshm.remote.driver;

import io.aeron.Aeron;
import io.aeron.exceptions.DriverTimeoutException;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.host.ShmDirectory;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.io.IOException;

/**
 * A node's connection to the host's media driver: the Aeron client, and for {@code embedded} mode the share of the
 * in-JVM driver, and the driver's doorbell ({@link DriverBell}), which its commands and back-pressured publications
 * ring. Closing closes the client, the doorbell, then the share.
 */
public final class DriverConnection implements AutoCloseable
{
    private final Aeron aeron;
    private final DriverBell bell;
    private final AutoCloseable embedded;
    private final long driverPid;
    private final boolean startedDriver;

    private DriverConnection(final Aeron aeron, final DriverBell bell, final AutoCloseable embedded,
        final long driverPid, final boolean startedDriver)
    {
        this.aeron = aeron;
        this.bell = bell;
        this.embedded = embedded;
        this.driverPid = driverPid;
        this.startedDriver = startedDriver;
    }

    /**
     * Finds or starts the driver as {@code driver.mode} says and connects a client to it. Call while holding the
     * directory's start-up lock, so that JVMs starting together agree on one driver.
     *
     * @param settings   the node's settings ({@code driver.*}, {@code directory}).
     * @param directory  the host's shared-memory directory, whose start-up lock the caller holds.
     * @param clientName the Aeron client's name, shown by AeronStat (the node's address).
     * @param errors     receives the Aeron client's asynchronous errors (from whichever thread runs its conductor).
     * @return an open connection; the caller closes it.
     * @throws IOException with what to do, if no driver can be had.
     */
    public static DriverConnection open(final ShmSettings settings, final ShmDirectory directory,
        final String clientName, final ErrorHandler errors) throws IOException
    {
        AutoCloseable embedded = null;
        long pid = DriverProbe.liveDriverPid(directory.aeronDirectory(), settings.driver().timeout().toMillis());
        boolean started = false;
        switch (settings.driver().mode())
        {
            case EMBEDDED:
                embedded = EmbeddedDrivers.acquire(settings);
                pid = io.pekkoshm.remote.host.ProcessLiveness.currentPid();
                break;
            case EXTERNAL:
                if (pid <= 0)
                {
                    throw new IOException("pekko.remote.shm.driver.mode = external, but no live media driver in " +
                        directory.aeronDirectory() + ". Start one (io.pekkoshm.remote.driver.StandaloneDriver or " +
                        "Aeron's MediaDriver with that directory), or use driver.mode = auto.");
                }
                break;
            case AUTO:
            default:
                if (pid <= 0)
                {
                    pid = DriverLauncher.launch(settings, directory);
                    started = true;
                }
                break;
        }
        final DriverBell bell = new DriverBell(directory.aeronDirectory(), pid);
        try
        {
            final Aeron aeron = Aeron.connect(DriverContexts.client(settings, clientName, errors, bell));
            return new DriverConnection(aeron, bell, embedded, pid, started);
        }
        catch (final DriverTimeoutException ex)
        {
            CloseHelper.quietCloseAll(bell, embedded);
            throw new IOException("The media driver in " + directory.aeronDirectory() + " did not answer within " +
                settings.driver().timeout().toMillis() + " ms (pekko.remote.shm.driver.timeout)", ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(bell, embedded);
            throw ex;
        }
    }

    /** {@return the connected Aeron client, valid until this connection is closed} */
    public Aeron aeron()
    {
        return aeron;
    }

    /** {@return the pid of the driver's process (this JVM's for {@code embedded})} */
    public long driverPid()
    {
        return driverPid;
    }

    /** {@return whether this connection started the standalone driver (rather than finding one live)} */
    public boolean startedDriver()
    {
        return startedDriver;
    }

    /**
     * A publication of this client was back-pressured: wakes the driver if it sleeps, so that it moves the limit as
     * the reader advances (see {@link DriverBell}). Any thread; after close it does nothing.
     */
    public void ringDriver()
    {
        bell.ring();
    }

    /** {@return the driver's doorbell as this client rings it} */
    public DriverBell driverBell()
    {
        return bell;
    }

    /** Closes the client (no command awaits an answer after it), then the driver's doorbell, then the share. */
    @Override
    public void close()
    {
        CloseHelper.closeAll(aeron, bell, embedded);
    }
}
