package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

/**
 * This node's doorbell: how its idle agent sleeps until a peer has written to it (see
 * {@link DoorbellIdleStrategy}). Two parts:
 * <ul>
 *   <li>the <b>state word</b>, {@link #AWAKE} or {@link #SLEEPING}: an Aeron counter the node allocates in its media
 *   driver, so that every writer of the host reads and CASes it in the driver's CnC file (and the driver frees it with
 *   the node's client: no file of its own in {@code /dev/shm}). Its key:
 *   <pre>
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +---------------------------------------------------------------+
 *    |                        node port (int)                        |
 *    +---------------------------------------------------------------+
 *    |                 wake-up UDP port on 127.0.0.1                 |
 *    +---------------------------------------------------------------+
 *    |                     node's pid (long)                         |
 *    |                                                               |
 *    +---------------------------------------------------------------+
 *   </pre></li>
 *   <li>the <b>wake-up channel</b>: a non-blocking UDP socket bound to 127.0.0.1 and registered with a
 *   {@link Selector}; the sleeping agent blocks in {@code select}, a peer wakes it with one datagram, a thread of this
 *   JVM with {@link Selector#wakeup()}. Java has no futex; a loopback datagram needs no file (a UNIX domain socket
 *   would need a path to create, remove and sweep), costs one {@code sendto} per wake-up, and a stray datagram only
 *   wakes the node once.</li>
 * </ul>
 * Threading: {@link #sleeping}, {@link #awake}, {@link #block} on the node agent's thread; {@link #wakeLocal} and
 * {@link #isSleeping} on any thread; {@link #export} on the agent's thread or before it starts; {@link #close} after
 * the agent has stopped.
 */
final class Doorbell implements AutoCloseable
{
    /** The counter type of a doorbell in the media driver's CnC file (outside the status tool's 7301-7399). */
    static final int TYPE_ID = 7400;
    /** The state word's value while the node polls. */
    static final long AWAKE = 0;
    /** The state word's value while the node is about to block or blocks: a writer must wake it. */
    static final long SLEEPING = 1;
    /** Offset of the node's port in the counter's key. */
    static final int KEY_PORT_OFFSET = 0;
    /** Offset of the wake-up UDP port in the counter's key. */
    static final int KEY_WAKE_PORT_OFFSET = 4;
    /** Offset of the node's pid in the counter's key. */
    static final int KEY_PID_OFFSET = 8;
    /** Length of the counter's key. */
    static final int KEY_LENGTH = 16;

    private final int port;
    private final long pid;
    private final DatagramChannel channel;
    private final Selector selector;
    private final ByteBuffer drained = ByteBuffer.allocateDirect(64);
    /** The state word before {@link #export} and after {@link #close}: never in a file another thread may unmap. */
    private final AtomicCounter privateState;
    /** The state word: a counter in the current driver once exported, a private word before. */
    private volatile AtomicCounter state;
    /** The counter this node allocated in its current driver; null before {@link #export}. */
    private Counter counter;

    private Doorbell(final int port, final long pid, final DatagramChannel channel, final Selector selector)
    {
        this.port = port;
        this.pid = pid;
        this.channel = channel;
        this.selector = selector;
        this.privateState = new AtomicCounter(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(CountersReader.COUNTER_LENGTH, 64)), 0);
        this.state = privateState;
    }

    /**
     * Opens the wake-up channel; the state word is private to this JVM until {@link #export}.
     *
     * @param port the node's port.
     * @param pid  the node's pid.
     * @return the doorbell.
     * @throws IOException if the loopback socket or the selector cannot be opened.
     */
    static Doorbell open(final int port, final long pid) throws IOException
    {
        DatagramChannel channel = null;
        Selector selector = null;
        try
        {
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            return new Doorbell(port, pid, channel, selector);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(selector, channel);
            throw ex;
        }
    }

    /**
     * Publishes the state word as a counter of {@code aeron}'s driver (at start, and after attaching to a new
     * driver), starting {@link #AWAKE}; the counter of a previous driver is let go.
     *
     * @param aeron the node's client of its current driver.
     */
    void export(final Aeron aeron)
    {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[KEY_LENGTH]);
        key.putInt(KEY_PORT_OFFSET, port);
        key.putInt(KEY_WAKE_PORT_OFFSET, wakePort());
        key.putLong(KEY_PID_OFFSET, pid);
        final UnsafeBuffer label = new UnsafeBuffer(new byte[128]);
        final int labelLength = label.putStringWithoutLengthAscii(0, "pekko-shm-doorbell port " + port);
        final Counter fresh = aeron.addCounter(TYPE_ID, key, 0, KEY_LENGTH, label, 0, labelLength);
        final Counter old = counter;
        counter = fresh;
        state = fresh;
        CloseHelper.quietClose(old);
    }

    /** {@return the UDP port on 127.0.0.1 a datagram wakes this node through} */
    int wakePort()
    {
        try
        {
            return ((InetSocketAddress)channel.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("the doorbell of pekko.shm node " + port + " is closed", ex);
        }
    }

    /** {@return whether the node is about to block or blocks} */
    boolean isSleeping()
    {
        return SLEEPING == state.get();
    }

    /**
     * The agent is going to sleep: SLEEPING is stored, then a full fence, so that the duty cycle the agent runs next
     * reads every log write made before a writer read the state word AWAKE (Dekker: each side writes, fences, reads).
     */
    void sleeping()
    {
        state.set(SLEEPING);
        VarHandle.fullFence();
    }

    /** The agent polls again: AWAKE is stored (a writer may have stored it already) and the channel drained. */
    void awake()
    {
        state.set(AWAKE);
        drain();
    }

    /**
     * Blocks until a datagram arrives, a thread of this JVM calls {@link #wakeLocal}, the thread is interrupted, or
     * the timeout passes (rounded up to a millisecond).
     *
     * @param timeoutNs the most to block, positive.
     * @throws IOException if the selector fails.
     */
    void block(final long timeoutNs) throws IOException
    {
        final long nsPerMs = TimeUnit.MILLISECONDS.toNanos(1);
        final long timeoutMs = Math.max(1, (timeoutNs + nsPerMs - 1) / nsPerMs);
        selector.select(timeoutMs);
        selector.selectedKeys().clear();
    }

    /**
     * A thread of this JVM has given the agent work it would not otherwise see while blocked (a queued command, a
     * finished large body, a staged write): wakes the agent if it sleeps. The caller made the work visible first; the
     * fence orders that before the read of the state word.
     */
    void wakeLocal()
    {
        VarHandle.fullFence();
        if (isSleeping())
        {
            selector.wakeup();
        }
    }

    private void drain()
    {
        try
        {
            while (null != channel.receive(drained))
            {
                drained.clear();
            }
        }
        catch (final IOException ex)
        {
            // nothing to drain from a broken channel; the next block says so
        }
        drained.clear();
    }

    /**
     * Frees the counter (when the client is still open), the selector and the socket. A thread that wakes the node
     * later (a classic remoting thread that disassociates during shutdown) reads the private word from now on, never
     * the driver's CnC file, which is unmapped when the node's client closes.
     */
    @Override
    public void close()
    {
        state = privateState;
        privateState.set(AWAKE);
        CloseHelper.quietCloseAll(counter, selector, channel);
    }
}
