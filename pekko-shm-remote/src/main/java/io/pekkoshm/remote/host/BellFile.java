package io.pekkoshm.remote.host;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
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
    private static final String WRITING_SUFFIX = ".bell.writing";

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
        final Path writing = nodes.resolve(port + WRITING_SUFFIX);
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
        Files.move(writing, of(nodes, port), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
        try (FileChannel channel = FileChannel.open(of(nodes, port), StandardOpenOption.READ,
            StandardOpenOption.WRITE))
        {
            if (channel.size() < LENGTH)
            {
                return null;
            }
            final UnsafeBuffer mapped = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH));
            return VERSION == mapped.getInt(VERSION_OFFSET) && port == mapped.getInt(PORT_OFFSET) ? mapped : null;
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }

    /**
     * Unmaps a mapping made by {@link #publish} or {@link #map}. The caller guarantees no thread touches it again.
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
