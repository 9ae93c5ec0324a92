package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.host.BellFile;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * This node's doorbell: how its idle agent sleeps until a peer has written to it (see
 * {@link DoorbellIdleStrategy}). Two parts:
 * <ul>
 *   <li>the <b>state word</b>, {@link #AWAKE} or {@link #SLEEPING}, in the node's {@link BellFile}, which every
 *   writer of the host maps to read and CAS it. It is the plugin's own file, not a counter in the driver's CnC file:
 *   the CnC mapping goes when the Aeron client closes (which its conductor may do on its own, on a driver timeout),
 *   and a writer ringing from any thread would then touch unmapped memory. Only the agent's thread touches this
 *   node's own mapping (other threads of this JVM read a private copy of its state, {@link #wakeLocal}), and
 *   {@link #close} unmaps it after the agent has stopped.</li>
 *   <li>the <b>wake-up channel</b>: a non-blocking UDP socket bound to 127.0.0.1 and registered with a
 *   {@link Selector}; the sleeping agent blocks in {@code select}, a peer wakes it with one datagram, a thread of this
 *   JVM with {@link Selector#wakeup()}. Java has no futex; a loopback datagram needs no file (a UNIX domain socket
 *   would need a path to create, remove and sweep), costs one {@code sendto} per wake-up, and a stray datagram only
 *   wakes the node once.</li>
 * </ul>
 * Threading: {@link #sleeping}, {@link #awake}, {@link #block} on the node agent's thread; {@link #wakeLocal} and
 * {@link #isSleeping} on any thread; {@link #close} after the agent has stopped.
 */
final class Doorbell implements AutoCloseable
{
    /** The state word's value while the node polls. */
    static final long AWAKE = 0;
    /** The state word's value while the node is about to block or blocks: a writer must wake it. */
    static final long SLEEPING = 1;
    private static final int STATE_OFFSET = BellFile.STATE_OFFSET;

    /** The {@code nodes/} folder the bell file is in; null for a doorbell no peer can ring (tests). */
    private final Path nodes;
    private final int port;
    private final DatagramChannel channel;
    private final Selector selector;
    private final ByteBuffer drained = ByteBuffer.allocateDirect(64);
    /** The state word after {@link #close}, and without a file (tests). */
    private final UnsafeBuffer privateState;
    /** The state word: the mapped bell file while open, a private word after close (or without a file, in tests). */
    private volatile UnsafeBuffer state;
    /**
     * What this JVM's other threads read to know whether to wake the agent: set with SLEEPING, cleared with AWAKE,
     * never in the file, so that they never touch a mapping the node may unmap.
     */
    private volatile boolean asleep;

    private Doorbell(final Path nodes, final int port, final DatagramChannel channel, final Selector selector,
        final UnsafeBuffer state)
    {
        this.nodes = nodes;
        this.port = port;
        this.channel = channel;
        this.selector = selector;
        this.privateState = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BellFile.LENGTH, 64));
        this.state = null == state ? privateState : state;
    }

    /**
     * Opens the wake-up channel and publishes the bell file of the node at {@code port}. Call while the node holds
     * its port and the directory's start-up lock (no sweep runs then).
     *
     * @param nodes              the directory's {@code nodes/} folder.
     * @param port               the node's port.
     * @param pid                the node's pid.
     * @param processStartMillis the node's process start time (epoch ms), which tells a reused pid apart.
     * @return the doorbell, awake.
     * @throws IOException if the loopback socket, the selector or the file cannot be made.
     */
    static Doorbell open(final Path nodes, final int port, final long pid, final long processStartMillis)
        throws IOException
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
            if (null == nodes)
            {
                return new Doorbell(null, port, channel, selector, null);
            }
            final int wakePort = ((InetSocketAddress)channel.getLocalAddress()).getPort();
            return new Doorbell(nodes, port, channel, selector,
                BellFile.publish(nodes, port, wakePort, pid, processStartMillis));
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(selector, channel);
            throw ex;
        }
    }

    /**
     * A doorbell with no file, which no peer can ring: for tests of the sleeping agent alone.
     *
     * @return the doorbell, awake.
     * @throws IOException if the loopback socket or the selector cannot be opened.
     */
    static Doorbell openUnpublished() throws IOException
    {
        return open(null, 0, 0, 0);
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

    /** {@return whether the node is about to block or blocks, as writers see it (agent thread, or tests)} */
    boolean isSleeping()
    {
        return SLEEPING == state.getLongVolatile(STATE_OFFSET);
    }

    /**
     * The agent is going to sleep: SLEEPING is stored, then a full fence, so that the duty cycle the agent runs next
     * reads every log write made before a writer read the state word AWAKE (Dekker: each side writes, fences, reads).
     */
    void sleeping()
    {
        asleep = true;
        state.putLongVolatile(STATE_OFFSET, SLEEPING);
        VarHandle.fullFence();
    }

    /** The agent polls again: AWAKE is stored (a writer may have stored it already) and the channel drained. */
    void awake()
    {
        state.putLongVolatile(STATE_OFFSET, AWAKE);
        asleep = false;
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
        if (asleep)
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
     * Deletes the bell file (writers that still map it ring a word nobody reads), unmaps it, closes the selector and
     * the socket. Call after the agent has stopped: no other thread touches the mapping. A thread that wakes the node
     * later (a classic remoting thread that disassociates during shutdown) reads only the private flag.
     */
    @Override
    public void close()
    {
        privateState.putLongVolatile(STATE_OFFSET, AWAKE);
        final UnsafeBuffer mapped = state;
        state = privateState;
        asleep = false;
        if (mapped != privateState)
        {
            BellFile.unmap(mapped);
        }
        if (null != nodes)
        {
            try
            {
                BellFile.delete(nodes, port);
            }
            catch (final IOException ex)
            {
                // the next sweep of the directory removes it once this process has gone
            }
        }
        CloseHelper.quietCloseAll(selector, channel);
    }
}
