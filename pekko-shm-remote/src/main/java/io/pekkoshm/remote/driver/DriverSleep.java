package io.pekkoshm.remote.driver;

import io.aeron.AeronCounters;
import io.aeron.driver.MediaDriver;
import io.pekkoshm.remote.IdleStrategies;
import io.pekkoshm.remote.host.BellFile;
import io.pekkoshm.remote.host.Doorbell;
import io.pekkoshm.remote.host.DoorbellIdleStrategy;
import io.pekkoshm.remote.host.ProcessLiveness;
import org.agrona.CloseHelper;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a media driver the plugin starts sleeps when idle. Its thread backs off as {@code idle-cpu-level} says, up to
 * {@code driver.max-park}; after {@code sleepAfter} without work it blocks on its {@link Doorbell} until a node rings
 * it or {@link #SLEEP_LIMIT_MS} ms have passed. Nodes ring it for what must not wait that long: each command their
 * Aeron client awaits and each back-pressured publication ({@link DriverBell}). The driver's own periodic work (its
 * timers every second, client keepalives, limits nobody waits for) is done when the block ends at its deadline, and
 * does not keep it awake: whatever needs it sooner rings.
 * <p>
 * It never sleeps while it has a UDP channel (nodes of other hosts): the driver then sends and receives for the
 * nodes, and datagrams do not ring. Nor before its bell file is published in its Aeron directory, which the driver
 * makes when it starts.
 * <pre>
 *   made (bell unpublished) --launch, publish--> may sleep --UDP channel--> backs off only --channel gone--> may sleep
 * </pre>
 * Threading: {@link #canSleep}, {@link #wakeDeadlineNs} on the driver's thread (SHARED mode); {@link #publish} and
 * {@link #close} on the main thread, close after the driver has stopped.
 */
final class DriverSleep implements DoorbellIdleStrategy.Sleeper, AutoCloseable
{
    /** The longest the driver blocks: its timers (1 s) and clients' keepalives are served at least this often. */
    static final long SLEEP_LIMIT_MS = 500;
    /** The shortest sleep-after: a node's commands come a millisecond or so apart (Aeron's await sleeps 1 ms). */
    static final long MIN_SLEEP_AFTER_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Doorbell doorbell;
    private final DoorbellIdleStrategy strategy;
    private final AtomicLong sleeps = new AtomicLong();
    private volatile CountersReader counters;
    private boolean udpSeen;
    private final CountersReader.MetaData findUdp = (counterId, typeId, keyBuffer, label) ->
    {
        if (AeronCounters.DRIVER_SEND_CHANNEL_STATUS_TYPE_ID == typeId ||
            AeronCounters.DRIVER_RECEIVE_CHANNEL_STATUS_TYPE_ID == typeId)
        {
            udpSeen = true;
        }
    };

    private DriverSleep(final Doorbell doorbell, final IdleStrategy backOff, final long sleepAfterNs)
    {
        this.doorbell = doorbell;
        this.strategy = new DoorbellIdleStrategy(backOff, doorbell, SystemNanoClock.INSTANCE,
            Math.max(MIN_SLEEP_AFTER_NS, sleepAfterNs), this, sleeps, true);
    }

    /**
     * @param idleCpuLevel {@code idle-cpu-level}: the back-off while awake; 10 busy-spins and never sleeps.
     * @param maxParkNs    {@code driver.max-park}: the back-off's longest park.
     * @param sleepAfterNs how long without work before it sleeps (at least {@link #MIN_SLEEP_AFTER_NS}); negative:
     *                     never ({@code idle-sleep-after = off}).
     * @return the sleep, or null when the driver only backs off.
     * @throws IOException if the doorbell's socket cannot be opened.
     */
    static DriverSleep open(final int idleCpuLevel, final long maxParkNs, final long sleepAfterNs) throws IOException
    {
        if (sleepAfterNs < 0 || idleCpuLevel >= 10)
        {
            return null;
        }
        return new DriverSleep(Doorbell.openUnpublished(), IdleStrategies.forDriver(idleCpuLevel, maxParkNs),
            sleepAfterNs);
    }

    /** {@return the driver thread's idle strategy} */
    IdleStrategy idleStrategy()
    {
        return strategy;
    }

    /**
     * Publishes the bell file in the launched driver's Aeron directory: from now on nodes can ring it, and it may
     * sleep.
     *
     * @param driver the launched driver.
     * @throws IOException if the file cannot be made.
     */
    void publish(final MediaDriver driver) throws IOException
    {
        counters = driver.context().countersManager();
        doorbell.publish(Path.of(driver.aeronDirectoryName()).resolve(BellFile.DRIVER_FILE_NAME), 0,
            ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis());
    }

    /** {@return whether its bell file is published, so nodes can ring it: without it the driver never sleeps} */
    boolean published()
    {
        return doorbell.isPublished();
    }

    /** {@return how many times the driver has blocked} */
    long sleeps()
    {
        return sleeps.get();
    }

    @Override
    public boolean canSleep()
    {
        final CountersReader reader = counters;
        if (null == reader || !doorbell.isPublished())
        {
            return false;
        }
        udpSeen = false;
        reader.forEach(findUdp);
        return !udpSeen;
    }

    @Override
    public long wakeDeadlineNs()
    {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SLEEP_LIMIT_MS);
    }

    /** The driver is stopping: its thread never blocks again (and is woken if it does now). */
    void stopping()
    {
        strategy.close();
    }

    /** Deletes the bell file and closes the doorbell; after the driver's thread has stopped. */
    @Override
    public void close()
    {
        CloseHelper.quietClose(doorbell);
    }
}
