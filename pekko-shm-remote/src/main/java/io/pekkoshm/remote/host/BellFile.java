package io.pekkoshm.remote.host;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * A node's bell file, {@code <directory>/nodes/<port>.bell}: the state word of its doorbell, which the node and every
 * writer of the host map and CAS, and where to send it a wake-up. One cache line:
 * <pre>
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +---------------------------------------------------------------+
 *    |                      state word (long)                        |
 *    |                                                               |
 *    +---------------------------------------------------------------+
 *    |                 wake-up UDP port on 127.0.0.1                 |
 *    +---------------------------------------------------------------+
 *    |                        node port (int)                        |
 *    +---------------------------------------------------------------+
 *    |                        node's pid (long)                      |
 *    |                                                               |
 *    +---------------------------------------------------------------+
 *    |               node's process start, epoch ms (long)           |
 *    |                                                               |
 *    +---------------------------------------------------------------+
 *    |                     layout version (int)                      |
 *    +---------------------------------------------------------------+
 * </pre>
 * The media driver the plugin starts has one too, {@code <aeron directory>/}{@value #DRIVER_FILE_NAME} (port 0),
 * made when it starts and gone with its Aeron directory: nodes ring it when they need the sleeping driver (a command,
 * a back-pressured publication).
 * <p>
 * Life: the node writes the file under another name and renames it into place while it holds its port and the
 * start-up lock, so a reader sees a whole file or none, and a node that takes the port later replaces it with a new
 * file (whoever still maps the old one sees the old pid). The node deletes it on close, before it frees the port; a
 * killed node's file goes with the next sweep of the directory ({@link #removeIfStale}).
 * <p>
 * Whoever maps a bell file unmaps it with {@link #unmap} only where no other thread can touch the mapping any more:
 * the node its own after its agent's thread has stopped (other threads of its JVM never read the file), a writer its
 * peer's under the lock every ring holds. Touching an unmapped mapping would crash the JVM.
 */
public final class BellFile
{
    /** The state word's offset (a long, read and CASed volatile). */
    public static final int STATE_OFFSET = 0;
    /** The wake-up UDP port's offset. */
    public static final int WAKE_PORT_OFFSET = 8;
    /** The node port's offset. */
    public static final int PORT_OFFSET = 12;
    /** The node pid's offset. */
    public static final int PID_OFFSET = 16;
    /** The offset of the node's process start time. */
    public static final int START_OFFSET = 24;
    /** The layout version's offset. */
    public static final int VERSION_OFFSET = 32;
    /** The layout above. */
    public static final int VERSION = 1;
    /** A bell file's length: one cache line. */
    public static final int LENGTH = 64;
    /** Suffix of a bell file in the {@code nodes/} folder. */
    public static final String SUFFIX = ".bell";
    /** The media driver's bell file, in its Aeron directory (which the driver makes and deletes with it). */
    public static final String DRIVER_FILE_NAME = "pekko-shm-driver" + SUFFIX;
    private static final String WRITING_EXTENSION = ".writing";
    private static final String WRITING_SUFFIX = SUFFIX + WRITING_EXTENSION;

    private BellFile()
    {
    }

    /**
     * @param nodes the directory's {@code nodes/} folder.
     * @param port  a node's port.
     * @return the bell file of the node at {@code port}.
     */
    public static Path of(final Path nodes, final int port)
    {
        return nodes.resolve(port + SUFFIX);
    }

    /**
     * Writes and maps the bell file of the node at {@code port}, its state word 0. Call holding the port and the
     * start-up lock.
     *
     * @param nodes              the directory's {@code nodes/} folder (exists: the port's claim made it).
     * @param port               the node's port.
     * @param wakePort           the UDP port on 127.0.0.1 its wake-ups go to.
     * @param pid                the node's pid.
     * @param processStartMillis the node's process start time (epoch ms), which tells a reused pid apart.
     * @return the mapping.
     * @throws IOException if the file cannot be made.
     */
    public static UnsafeBuffer publish(final Path nodes, final int port, final int wakePort, final long pid,
        final long processStartMillis) throws IOException
    {
        return publishAt(of(nodes, port), port, wakePort, pid, processStartMillis);
    }

    /**
     * Writes and maps a bell file at {@code file}, its state word 0: a node's ({@link #of}) or the media driver's
     * ({@link #DRIVER_FILE_NAME} in its Aeron directory, port 0).
     *
     * @param file               where the file goes; the folder exists.
     * @param port               the owner's port, 0 for the media driver.
     * @param wakePort           the UDP port on 127.0.0.1 its wake-ups go to.
     * @param pid                the owner's pid.
     * @param processStartMillis the owner's process start time (epoch ms), which tells a reused pid apart.
     * @return the mapping.
     * @throws IOException if the file cannot be made.
     */
    public static UnsafeBuffer publishAt(final Path file, final int port, final int wakePort, final long pid,
        final long processStartMillis) throws IOException
    {
        final Path writing = file.resolveSibling(file.getFileName() + WRITING_EXTENSION);
        Files.deleteIfExists(writing);
        final UnsafeBuffer mapped;
        try (FileChannel channel = FileChannel.open(writing, Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ, StandardOpenOption.WRITE), Permissions.OWNER_ONLY_FILE))
        {
            mapped = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH));
        }
        mapped.putInt(WAKE_PORT_OFFSET, wakePort);
        mapped.putInt(PORT_OFFSET, port);
        mapped.putLong(PID_OFFSET, pid);
        mapped.putLong(START_OFFSET, processStartMillis);
        mapped.putInt(VERSION_OFFSET, VERSION);
        mapped.putLongVolatile(STATE_OFFSET, 0);
        Files.move(writing, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return mapped;
    }

    /**
     * Maps the bell file of the node at {@code port} for ringing.
     *
     * @param nodes the directory's {@code nodes/} folder.
     * @param port  the node's port.
     * @return the mapping, or null when there is no such file (the node never sleeps, or has gone) or it is not of
     * this layout.
     * @throws IOException if the file exists but cannot be mapped.
     */
    public static UnsafeBuffer map(final Path nodes, final int port) throws IOException
    {
        return mapAt(of(nodes, port), port);
    }

    /**
     * Maps the bell file at {@code file} for ringing.
     *
     * @param file a node's bell file ({@link #of}) or the media driver's ({@link #DRIVER_FILE_NAME}).
     * @param port the port it must name: the node's, 0 for the media driver's.
     * @return the mapping, or null when there is no such file or it is not of this layout.
     * @throws IOException if the file exists but cannot be mapped.
     */
    public static UnsafeBuffer mapAt(final Path file, final int port) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            if (channel.size() < LENGTH)
            {
                return null;
            }
            final UnsafeBuffer mapped = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH));
            if (VERSION == mapped.getInt(VERSION_OFFSET) && port == mapped.getInt(PORT_OFFSET))
            {
                return mapped;
            }
            unmap(mapped);
            return null;
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }

    /**
     * A writer's side of a ring: the caller has just made work visible to the bell's owner (a log write, a command).
     * A full fence (that write before the read of the state word), then, only if the owner sleeps, one CAS to awake;
     * the writer that wins it sends the one wake-up datagram. The common case, an owner that polls, costs the fence and
     * one read.
     *
     * @param bell a mapping made by {@link #map} or {@link #mapAt}.
     * @return whether the caller must send the wake-up (the owner was asleep and this caller woke it).
     */
    public static boolean claimWakeUp(final UnsafeBuffer bell)
    {
        VarHandle.fullFence();
        return Doorbell.SLEEPING == bell.getLongVolatile(STATE_OFFSET) &&
            bell.compareAndSetLong(STATE_OFFSET, Doorbell.SLEEPING, Doorbell.AWAKE);
    }

    /**
     * @param bell a mapping made by {@link #map} or {@link #mapAt}.
     * @return the address the owner's wake-ups go to.
     */
    public static InetSocketAddress wakeAddress(final UnsafeBuffer bell)
    {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), bell.getInt(WAKE_PORT_OFFSET));
    }

    /**
     * Unmaps a mapping made by {@link #publish}, {@link #publishAt}, {@link #map} or {@link #mapAt}. The caller
     * guarantees no thread touches it again.
     *
     * @param mapping the mapping.
     */
    public static void unmap(final UnsafeBuffer mapping)
    {
        final ByteBuffer buffer = mapping.byteBuffer();
        if (buffer instanceof MappedByteBuffer)
        {
            IoUtil.unmap(buffer);
        }
    }

    /**
     * Deletes the bell file of the node at {@code port}; the caller is that node, before it frees the port.
     *
     * @param nodes the directory's {@code nodes/} folder.
     * @param port  the node's port.
     * @throws IOException if it cannot be deleted.
     */
    public static void delete(final Path nodes, final int port) throws IOException
    {
        Files.deleteIfExists(of(nodes, port));
    }

    /**
     * Removes a bell file whose node no longer runs, or one left half-written. The sweep of the directory calls this
     * holding the start-up lock, so no node is writing one.
     *
     * @param file a file of the {@code nodes/} folder; others are left alone.
     * @throws IOException if a stale file cannot be removed.
     */
    static void removeIfStale(final Path file) throws IOException
    {
        final String name = file.getFileName().toString();
        if (name.endsWith(WRITING_SUFFIX))
        {
            Files.deleteIfExists(file);
            return;
        }
        if (!name.endsWith(SUFFIX))
        {
            return;
        }
        final UnsafeBuffer content;
        try
        {
            content = new UnsafeBuffer(Files.readAllBytes(file));
        }
        catch (final NoSuchFileException ex)
        {
            return;
        }
        if (content.capacity() < LENGTH ||
            !ProcessLiveness.isAlive(content.getLong(PID_OFFSET), content.getLong(START_OFFSET)))
        {
            Files.deleteIfExists(file);
        }
    }
}
