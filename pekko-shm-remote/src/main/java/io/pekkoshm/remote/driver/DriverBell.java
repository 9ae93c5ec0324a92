package io.pekkoshm.remote.driver;

import io.pekkoshm.remote.host.BellFile;
import io.pekkoshm.remote.host.WakeUpSender;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The doorbell of the media driver a node is attached to, as the node sees it. A driver the plugin starts sleeps when
 * it has had nothing to do for a while ({@link StandaloneDriver}); what would otherwise wait for its next timed
 * wake-up (up to 500 ms) rings it: every command the node's Aeron client awaits
 * (through the client's awaiting idle strategy, {@link DriverContexts#client}), and a publication found
 * back-pressured, whose limit only the driver moves. A ring is a fence and a read of the driver's state word; a
 * datagram only when the driver sleeps.
 * <p>
 * The bell file is mapped at the first ring, and only if it names the driver's pid; a driver that has none (an
 * external or embedded one, which never sleeps) is looked for again at most once a second. A ring that cannot be
 * delivered is counted, never thrown: the driver then wakes at its deadline.
 * <p>
 * Threading: any thread; {@link #ring} and {@link #close} hold this object's monitor, so a ring never touches a
 * mapping that close has let go.
 */
public final class DriverBell implements AutoCloseable
{
    private static final long MAP_RETRY_NS = TimeUnit.SECONDS.toNanos(1);

    private final Path file;
    private final long driverPid;
    private final WakeUpSender sender = new WakeUpSender();
    private final AtomicLong wakeUps = new AtomicLong();
    private final AtomicLong failedRings = new AtomicLong();
    private UnsafeBuffer bell;
    private InetSocketAddress wakeAddress;
    private boolean lookedFor;
    private long nextLookNs;
    private boolean closed;

    /**
     * @param aeronDirectory the driver's Aeron directory, where its bell file is.
     * @param driverPid      the driver's pid: a bell file of another process is not rung.
     */
    public DriverBell(final Path aeronDirectory, final long driverPid)
    {
        this.file = aeronDirectory.resolve(BellFile.DRIVER_FILE_NAME);
        this.driverPid = driverPid;
    }

    /**
     * The caller has just made work visible to the driver (a command in its ring buffer, a publication found
     * back-pressured): wakes the driver if it sleeps.
     */
    public synchronized void ring()
    {
        if (closed || !found())
        {
            return;
        }
        if (BellFile.claimWakeUp(bell))
        {
            (sender.send(wakeAddress) ? wakeUps : failedRings).incrementAndGet();
        }
    }

    private boolean found()
    {
        if (null != bell)
        {
            return true;
        }
        final long nowNs = System.nanoTime();
        if (lookedFor && nowNs - nextLookNs < 0)
        {
            return false;
        }
        lookedFor = true;
        nextLookNs = nowNs + MAP_RETRY_NS;
        try
        {
            final UnsafeBuffer mapped = BellFile.mapAt(file, 0);
            if (null == mapped)
            {
                return false;
            }
            if (driverPid != mapped.getLong(BellFile.PID_OFFSET))
            {
                BellFile.unmap(mapped);
                return false;
            }
            bell = mapped;
            wakeAddress = BellFile.wakeAddress(mapped);
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            failedRings.incrementAndGet();
            return false;
        }
    }

    /** {@return how many wake-up datagrams this node sent to the sleeping driver} */
    public long wakeUps()
    {
        return wakeUps.get();
    }

    /** {@return how many rings of the driver could not be delivered (or its bell file not mapped)} */
    public long failedRings()
    {
        return failedRings.get();
    }

    /** Unmaps the bell file and closes the socket; later rings do nothing. */
    @Override
    public synchronized void close()
    {
        closed = true;
        if (null != bell)
        {
            BellFile.unmap(bell);
            bell = null;
        }
        sender.close();
    }
}
