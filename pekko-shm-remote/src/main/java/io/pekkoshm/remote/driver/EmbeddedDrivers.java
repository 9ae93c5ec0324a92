package io.pekkoshm.remote.driver;

import io.aeron.driver.MediaDriver;
import io.pekkoshm.remote.ShmSettings;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Media drivers running inside this JVM ({@code driver.mode = embedded}), one per Aeron directory, shared by every
 * actor system of the JVM that uses that directory and closed when the last of them lets go.
 * Thread-safe: leases are taken and returned under this class's lock.
 */
final class EmbeddedDrivers
{
    private static final Map<Path, Entry> DRIVERS = new HashMap<>();

    private EmbeddedDrivers()
    {
    }

    private static final class Entry
    {
        final MediaDriver driver;
        int leases;

        Entry(final MediaDriver driver)
        {
            this.driver = driver;
        }
    }

    /** A share of an embedded driver; closing it closes the driver if it was the last share. */
    static final class Lease implements AutoCloseable
    {
        private final Path directory;
        private boolean closed;

        Lease(final Path directory)
        {
            this.directory = directory;
        }

        @Override
        public void close()
        {
            synchronized (EmbeddedDrivers.class)
            {
                if (closed)
                {
                    return;
                }
                closed = true;
                final Entry entry = DRIVERS.get(directory);
                if (null != entry && --entry.leases == 0)
                {
                    DRIVERS.remove(directory);
                    entry.driver.close();
                }
            }
        }
    }

    /**
     * Takes a share of the driver for the settings' Aeron directory, launching it if this JVM has none there.
     *
     * @throws IllegalStateException if another process runs a live driver in that directory.
     */
    static Lease acquire(final ShmSettings settings)
    {
        final Path dir = settings.driver().aeronDirectory();
        synchronized (EmbeddedDrivers.class)
        {
            Entry entry = DRIVERS.get(dir);
            if (null == entry)
            {
                final long otherPid = DriverProbe.liveDriverPid(dir, settings.driver().timeout().toMillis());
                if (otherPid > 0)
                {
                    throw new IllegalStateException("driver.mode = embedded, but a media driver of process " +
                        otherPid + " is already live in " + dir +
                        ". Use driver.mode = auto or external to share it, or set " +
                        "another pekko.remote.shm.directory.");
                }
                entry = new Entry(MediaDriver.launch(driverContext(settings, dir)));
                DRIVERS.put(dir, entry);
            }
            entry.leases++;
            return new Lease(dir);
        }
    }

    private static MediaDriver.Context driverContext(final ShmSettings settings, final Path dir)
    {
        return DriverContexts.mediaDriver(dir, settings.driver().clientLivenessTimeout().toNanos(),
            settings.transport().idleCpuLevel(), settings.driver().maxPark().toNanos());
    }
}
