package io.pekkoshm.remote.host;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The doorbell of a process of the host that sleeps when idle, a node or the media driver the plugin starts: how its
 * idle agent sleeps until a writer has given it work (see {@link DoorbellIdleStrategy}). Two parts:
 * <ul>
 *   <li>the <b>state word</b>, {@link #AWAKE} or {@link #SLEEPING}, in its {@link BellFile} (a node's in the
 *   {@code nodes/} folder, the driver's in its Aeron directory), which every writer of the host maps to read and CAS
 *   it. It is the plugin's own file, not a counter in the driver's CnC file: the CnC mapping goes when the Aeron
 *   client closes (which its conductor may do on its own, on a driver timeout), and a writer ringing from any thread
 *   would then touch unmapped memory. Only the agent's thread touches the owner's own mapping (other threads of its
 *   JVM read a private copy of its state, {@link #wakeLocal}), and {@link #close} unmaps it after the agent has
 *   stopped.</li>
 *   <li>the <b>wake-up channel</b>: a non-blocking UDP socket bound to 127.0.0.1 and registered with a
 *   {@link Selector}; the sleeping agent blocks in {@code select}, a writer wakes it with one datagram, a thread of
 *   its JVM with {@link Selector#wakeup()}. Java has no futex; a loopback datagram needs no file (a UNIX domain
 *   socket would need a path to create, remove and sweep), costs one {@code sendto} per wake-up, and a stray
 *   datagram only wakes the agent once.</li>
 * </ul>
 * Threading: {@link #sleeping}, {@link #awake}, {@link #block} on the agent's thread; {@link #wakeLocal},
 * {@link #isSleeping} and {@link #isPublished} on any thread; {@link #publish} before the agent may sleep (its
 * {@link DoorbellIdleStrategy.Sleeper} says it may not until then); {@link #close} after the agent has stopped.
 */
public final class Doorbell implements AutoCloseable
{
    /** The state word's value while the owner polls. */
    public static final long AWAKE = 0;
    /** The state word's value while the owner is about to block or blocks: a writer must wake it. */
    public static final long SLEEPING = 1;
    private static final int STATE_OFFSET = BellFile.STATE_OFFSET;

    private final DatagramChannel channel;
    private final Selector selector;
    private final ByteBuffer drained = ByteBuffer.allocateDirect(64);
    /** The state word after {@link #close}, and before {@link #publish} (or without a file, in tests). */
    private final UnsafeBuffer privateState;
    /** The bell file once published; null before (no writer can ring it then). */
    private volatile Path file;
    /** The owner's port, for messages (0: the driver). */
    private volatile int port;
    /** The state word: the mapped bell file once published, a private word before and after close. */
    private volatile UnsafeBuffer state;
    /**
     * What the owner's other threads read to know whether to wake the agent: set with SLEEPING, cleared with AWAKE,
     * never in the file, so that they never touch a mapping the owner may unmap.
     */
    private volatile boolean asleep;

    private Doorbell(final DatagramChannel channel, final Selector selector)
    {
        this.channel = channel;
        this.selector = selector;
        this.privateState = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BellFile.LENGTH, 64));
        this.state = privateState;
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
    public static Doorbell open(final Path nodes, final int port, final long pid, final long processStartMillis)
        throws IOException
    {
        final Doorbell doorbell = openUnpublished();
        try
        {
            doorbell.publish(BellFile.of(nodes, port), port, pid, processStartMillis);
            return doorbell;
        }
        catch (final IOException | RuntimeException ex)
        {
            doorbell.close();
            throw ex;
        }
    }

    /**
     * A doorbell with no file yet, which no writer can ring: {@link #publish} gives it one (the media driver, whose
     * Aeron directory is made when it starts), tests of the sleeping agent use it alone.
     *
     * @return the doorbell, awake.
     * @throws IOException if the loopback socket or the selector cannot be opened.
     */
    public static Doorbell openUnpublished() throws IOException
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
            return new Doorbell(channel, selector);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(selector, channel);
            throw ex;
        }
    }

    /**
     * Writes and maps the bell file, state word AWAKE, so that writers can ring it from now on. Once, before the
     * agent may sleep.
     *
     * @param bellFile           where writers look for it.
     * @param ownerPort          the owner's port (0 for the media driver).
     * @param pid                the owner's pid.
     * @param processStartMillis the owner's process start time (epoch ms), which tells a reused pid apart.
     * @throws IOException if the file cannot be made.
     */
    public void publish(final Path bellFile, final int ownerPort, final long pid, final long processStartMillis)
        throws IOException
    {
        if (null != file)
        {
            throw new IllegalStateException("the doorbell is published already, at " + file);
        }
        port = ownerPort;
        state = BellFile.publishAt(bellFile, ownerPort, wakePort(), pid, processStartMillis);
        file = bellFile;
    }

    /** {@return whether writers can ring it: its bell file is published and not yet closed} */
    public boolean isPublished()
    {
        return null != file;
    }

    /** {@return the UDP port on 127.0.0.1 a datagram wakes the owner through} */
    public int wakePort()
    {
        try
        {
            return ((InetSocketAddress)channel.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            final String owner = 0 == port ? "the media driver" : "pekko.shm node " + port;
            throw new IllegalStateException("the doorbell of " + owner + " is closed", ex);
        }
    }

    /** {@return whether the owner is about to block or blocks, as writers see it (agent thread, or tests)} */
    public boolean isSleeping()
    {
        return SLEEPING == state.getLongVolatile(STATE_OFFSET);
    }

    /**
     * The agent is going to sleep: SLEEPING is stored, then a full fence, so that the duty cycle the agent runs next
     * reads every log write made before a writer read the state word AWAKE (Dekker: each side writes, fences, reads).
     */
    public void sleeping()
    {
        asleep = true;
        state.putLongVolatile(STATE_OFFSET, SLEEPING);
        VarHandle.fullFence();
    }

    /** The agent polls again: AWAKE is stored (a writer may have stored it already) and the channel drained. */
    public void awake()
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
    public void block(final long timeoutNs) throws IOException
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
    public void wakeLocal()
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
     * the socket. Call after the agent has stopped: no other thread touches the mapping. A thread that wakes the
     * owner later (a classic remoting thread that disassociates during shutdown) reads only the private flag.
     */
    @Override
    public void close()
    {
        privateState.putLongVolatile(STATE_OFFSET, AWAKE);
        final UnsafeBuffer mapped = state;
        final Path published = file;
        state = privateState;
        file = null;
        asleep = false;
        if (mapped != privateState)
        {
            BellFile.unmap(mapped);
        }
        if (null != published)
        {
            try
            {
                Files.deleteIfExists(published);
            }
            catch (final IOException ex)
            {
                // a node's goes with the next sweep of the directory once its process has gone; the driver's with
                // its Aeron directory
            }
        }
        CloseHelper.quietCloseAll(selector, channel);
    }
}
