package io.pekkoshm.remote.transport;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The node's side of the host's doorbells: finds a peer's {@link Doorbell} in the driver's counters
 * ({@link #find}), sends the wake-up datagrams of its writers' rings, counts the rings that failed, and wakes this
 * node's own agent for its other threads ({@link #wakeOwn}).
 * <p>
 * Threading: any thread. {@link #find} scans the counters, so it runs when an outbox learns its peer, never per
 * write.
 */
final class Doorbells implements AutoCloseable
{
    private final Supplier<CountersReader> counters;
    /** This node's own doorbell; null when it never sleeps ({@code idle-sleep-after = off}). */
    private final Doorbell own;
    private final AtomicLong failedRings = new AtomicLong();
    private final AtomicLong wakeUps = new AtomicLong();
    private volatile DatagramChannel sender;

    /**
     * @param counters the counters of the node's current driver.
     * @param own      this node's doorbell, or null when it never sleeps.
     */
    Doorbells(final Supplier<CountersReader> counters, final Doorbell own)
    {
        this.counters = counters;
        this.own = own;
    }

    /**
     * The doorbell of the node at {@code port}, if it has one.
     *
     * @param port the peer's port.
     * @param pid  the peer's pid, or 0 when not known yet (any node at the port).
     * @return the peer's doorbell, or null: the peer never sleeps (or is not there), and nothing is rung.
     */
    PeerDoorbell find(final int port, final long pid)
    {
        final CountersReader reader;
        try
        {
            reader = counters.get();
        }
        catch (final RuntimeException ex)
        {
            return null; // the client is closing: the association is about to end anyway
        }
        final int[] found = { -1 };
        final long[] foundPid = { 0 };
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (Doorbell.TYPE_ID == typeId && port == keyBuffer.getInt(Doorbell.KEY_PORT_OFFSET) &&
                (0 == pid || pid == keyBuffer.getLong(Doorbell.KEY_PID_OFFSET)))
            {
                found[0] = counterId;
                foundPid[0] = keyBuffer.getLong(Doorbell.KEY_PID_OFFSET);
            }
        });
        if (found[0] < 0)
        {
            return null;
        }
        final int wakePort = reader.metaDataBuffer().getInt(keyOffset(found[0]) + Doorbell.KEY_WAKE_PORT_OFFSET);
        return new PeerDoorbell(reader, found[0], port, foundPid[0], wakePort, this);
    }

    /** Whether the key of counter {@code counterId} still names the node at {@code port} with {@code pid}. */
    static boolean keyMatches(final CountersReader reader, final int counterId, final int port, final long pid)
    {
        final DirectBuffer meta = reader.metaDataBuffer();
        final int key = keyOffset(counterId);
        return port == meta.getInt(key + Doorbell.KEY_PORT_OFFSET) &&
            pid == meta.getLong(key + Doorbell.KEY_PID_OFFSET);
    }

    private static int keyOffset(final int counterId)
    {
        return CountersReader.metaDataOffset(counterId) + CountersReader.KEY_OFFSET;
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
        try
        {
            DatagramChannel channel = sender;
            if (null == channel)
            {
                channel = openSender();
            }
            if (0 == channel.send(ByteBuffer.allocate(1), wakeAddress))
            {
                failedRings.incrementAndGet(); // the peer's socket buffer is full of wake-ups already
            }
            else
            {
                wakeUps.incrementAndGet();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            failedRings.incrementAndGet();
        }
    }

    private synchronized DatagramChannel openSender() throws IOException
    {
        if (null == sender)
        {
            final DatagramChannel channel = DatagramChannel.open();
            channel.configureBlocking(false);
            sender = channel;
        }
        return sender;
    }

    /** A ring found the peer's counter gone or reused, or could not send. */
    void failedRing()
    {
        failedRings.incrementAndGet();
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
        CloseHelper.quietClose(sender);
    }
}
