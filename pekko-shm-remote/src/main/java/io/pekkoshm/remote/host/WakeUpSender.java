package io.pekkoshm.remote.host;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Sends the one-byte wake-up datagrams of {@link Doorbell}s from a non-blocking socket, opened at the first send.
 * A send that fails returns false and never throws: the caller counts it, and the sleeper wakes at its deadline.
 * <p>
 * Threading: any thread.
 */
public final class WakeUpSender implements AutoCloseable
{
    private volatile DatagramChannel channel;
    private volatile boolean closed;

    /**
     * Sends one wake-up datagram.
     *
     * @param wakeAddress the sleeper's wake-up address (its bell file's port on 127.0.0.1).
     * @return whether it went out; false if the socket failed or the sleeper's buffer is full of wake-ups already.
     */
    public boolean send(final InetSocketAddress wakeAddress)
    {
        try
        {
            DatagramChannel sender = channel;
            if (null == sender)
            {
                sender = open();
            }
            return null != sender && 0 != sender.send(ByteBuffer.allocate(1), wakeAddress);
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    private synchronized DatagramChannel open() throws IOException
    {
        if (null == channel && !closed)
        {
            final DatagramChannel opened = DatagramChannel.open();
            opened.configureBlocking(false);
            channel = opened;
        }
        return channel;
    }

    /** Closes the socket; later sends return false. */
    @Override
    public synchronized void close()
    {
        closed = true;
        CloseHelper.quietClose(channel);
    }
}
