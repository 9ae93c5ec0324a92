package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.host.BellFile;
import io.pekkoshm.remote.host.Doorbell;
import io.pekkoshm.remote.host.WakeUpSender;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The node's side of the host's doorbells: finds a peer's {@link Doorbell} by its {@link BellFile} ({@link #find}),
 * sends the wake-up datagrams of its writers' rings, counts the rings that failed, wakes this node's own agent
 * for its other threads ({@link #wakeOwn}), and the media driver for a back-pressured writer ({@link #ringDriver}).
 * <p>
 * Threading: any thread. {@link #find} opens and maps a file, so it runs when an outbox learns its peer, never per
 * write.
 */
final class Doorbells implements AutoCloseable
{
    private final Path nodes;
    /** This node's own doorbell; null when it never sleeps ({@code idle-sleep-after = off}). */
    private final Doorbell own;
    private final Count failedRings;
    private final Count wakeUps;
    private final WakeUpSender sender = new WakeUpSender();
    /** Rings the media driver the node is attached to now (see {@link io.pekkoshm.remote.driver.DriverBell}). */
    private final Runnable ringDriver;

    /**
     * @param nodes      the {@code nodes/} folder of the host's directory, where bell files are.
     * @param own        this node's doorbell, or null when it never sleeps.
     * @param counters   the node's counters: wake-ups sent and rings failed are counted there.
     * @param ringDriver rings the media driver the node is attached to now.
     */
    Doorbells(final Path nodes, final Doorbell own, final TransportCounters counters, final Runnable ringDriver)
    {
        this.ringDriver = ringDriver;
        this.nodes = nodes;
        this.own = own;
        this.failedRings = counters.doorbellRingsFailed;
        this.wakeUps = counters.doorbellWakeUps;
    }

    /**
     * The doorbell of the node at {@code port}, if it has one.
     *
     * @param port the peer's port.
     * @param pid  the peer's pid, or 0 when not known yet (any node at the port).
     * @return the peer's doorbell, or null: the peer never sleeps (or is not there, or is another process than
     * {@code pid}), and nothing is rung. A bell file that exists but cannot be mapped counts as a failed ring.
     */
    PeerDoorbell find(final int port, final long pid)
    {
        final UnsafeBuffer bell;
        try
        {
            bell = BellFile.map(nodes, port);
        }
        catch (final IOException | RuntimeException ex)
        {
            failedRings.increment();
            return null;
        }
        if (null == bell || (0 != pid && pid != bell.getLong(BellFile.PID_OFFSET)))
        {
            return null;
        }
        return new PeerDoorbell(bell, this);
    }

    /** Wakes this node's agent if it sleeps; the caller made its work visible first. */
    void wakeOwn()
    {
        if (null != own)
        {
            own.wakeLocal();
        }
    }

    /** Sends one wake-up datagram; a failure is counted, never thrown. */
    void send(final InetSocketAddress wakeAddress)
    {
        if (sender.send(wakeAddress))
        {
            wakeUps.increment();
        }
        else
        {
            failedRings.increment(); // the socket failed, or the peer's buffer is full of wake-ups already
        }
    }

    /**
     * A publication was back-pressured (or the driver is busy with an admin action): wakes the media driver if it
     * sleeps, so that it moves the publication's limit as its reader advances.
     */
    void ringDriver()
    {
        ringDriver.run();
    }

    /** {@return how many rings could not be delivered} */
    long failedRings()
    {
        return failedRings.get();
    }

    /** {@return how many wake-up datagrams this node's writers sent to sleeping peers} */
    long wakeUps()
    {
        return wakeUps.get();
    }

    /** Closes the sending socket (the own doorbell is closed by the node). */
    @Override
    public void close()
    {
        sender.close();
    }
}
