package io.pekkoshm.remote.fuzz;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A process that is not a node of the plugin, talking to a node only through Aeron, as any client of the host's media
 * driver could: it opens exclusive publications into the node's IPC stream (the stream id its node file names), one
 * IPC session each, writes whatever bytes it likes as frames, and reads what the node sends back on a stream of its own
 * (the port its HELLO names). It knows only the wire format documented in {@code FrameHeaderFlyweight} and
 * {@code HelloFlyweight}.
 * <p>
 * Owned by one test thread; {@link #close()} closes the Aeron client and everything opened through it.
 */
final class RawPeer implements AutoCloseable
{
    /** The frames of a session may be up to 128 KiB (the largest message of a 1 MiB term), in several fragments. */
    static final String CHANNEL = "aeron:ipc?term-length=1m";
    static final int MAX_FRAME = 128 * 1024;

    private final Aeron aeron;
    private final Subscription inbox;
    private final int port;
    private final Duration timeout;

    /** What {@link #pollInbox} saw last: a frame of a type from a session. */
    private int lastSession;
    private byte lastType;
    private int lastArgument;
    private boolean seen;
    private final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) ->
    {
        if (length >= FrameHeaderFlyweight.LENGTH)
        {
            seen = true;
            lastSession = header.sessionId();
            lastType = buffer.getByte(offset + FrameHeaderFlyweight.TYPE_OFFSET);
            lastArgument = buffer.getInt(offset + FrameHeaderFlyweight.ARGUMENT_OFFSET, ByteOrder.LITTLE_ENDIAN);
        }
    });

    /**
     * @param aeronDirectory the media driver's directory of the node under test.
     * @param port           the stream this peer reads (the port it names in its HELLO frames).
     */
    RawPeer(final Path aeronDirectory, final int port, final Duration timeout)
    {
        this.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory.toString()));
        this.inbox = aeron.addSubscription("aeron:ipc", port);
        this.port = port;
        this.timeout = timeout;
    }

    int port()
    {
        return port;
    }

    /** A new IPC session into the node's stream, once it is connected. */
    ExclusivePublication openSession(final int nodeStream)
    {
        final ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL, nodeStream);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!publication.isConnected())
        {
            if (System.nanoTime() - deadline > 0)
            {
                publication.close();
                throw new AssertionError("no subscriber on stream " + nodeStream + " within " + timeout);
            }
            pause();
        }
        return publication;
    }

    /**
     * Writes one frame (any bytes) as one Aeron message, retrying while the log is full.
     *
     * @throws AssertionError if the session is no longer connected or the deadline passes.
     */
    void send(final ExclusivePublication session, final byte[] frame)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final long result = session.offer(buffer, 0, frame.length);
            if (result > 0)
            {
                return;
            }
            if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
            {
                throw new AssertionError("offer of a " + frame.length + "-byte frame answered " + result);
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("the node did not read its stream for " + timeout);
            }
            pause();
        }
    }

    /**
     * Reads this peer's stream until the node sends a frame of {@code type} whose argument is {@code argument} (or
     * any argument if {@code anyArgument}).
     *
     * @return the IPC session the node sent it in.
     * @throws AssertionError if none comes within the timeout.
     */
    int awaitFrame(final byte type, final int argument, final boolean anyArgument, final int fromSession,
        final boolean anySession, final String what)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            seen = false;
            if (inbox.poll(assembler, 1) > 0 && seen && lastType == type && (anyArgument || lastArgument == argument) &&
                (anySession || lastSession == fromSession))
            {
                return lastSession;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("the node sent no " + what + " within " + timeout);
            }
            if (!seen)
            {
                pause();
            }
        }
    }

    private static void pause()
    {
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(inbox, aeron);
    }
}
