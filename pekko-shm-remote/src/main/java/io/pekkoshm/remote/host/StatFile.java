package io.pekkoshm.remote.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process's {@code /proc/<pid>/stat}, kept open and read again from its start with one {@code pread}: the kernel
 * writes the line afresh at each read. The open file stays bound to the process it was opened for: once that process
 * has exited, a read fails ("No such process") even if its pid now belongs to another process. Opening and reading
 * the file by its path instead costs about ten times as much (an open, a stat, reads and a close, and the JDK's path
 * handling: 50-100 µs against 3-8 µs on the 2-core VMs of the benchmarks), at every {@code heartbeat-interval} for
 * every peer of an idle node.
 * <p>
 * Threading: one thread (the node agent's), with its own buffer.
 */
final class StatFile implements AutoCloseable
{
    /** Longer than any stat line (a 15-character command and 50 numbers); a full buffer reads as unknown. */
    static final int BUFFER_LENGTH = 2048;

    private final FileChannel channel;

    private StatFile(final FileChannel channel)
    {
        this.channel = channel;
    }

    /**
     * @param pid the process.
     * @return its stat file, open; null if it cannot be opened (gone, or no {@code /proc}).
     */
    static StatFile open(final long pid)
    {
        try
        {
            return new StatFile(FileChannel.open(Path.of("/proc", Long.toString(pid), "stat"),
                StandardOpenOption.READ));
        }
        catch (final IOException | SecurityException | UnsupportedOperationException ex)
        {
            return null;
        }
    }

    /**
     * @param buffer a heap buffer of {@link #BUFFER_LENGTH} bytes, overwritten.
     * @return the process's start in clock ticks; {@link ProcessLiveness#GONE} if it has exited (or is a zombie);
     *         {@link ProcessLiveness#UNKNOWN} if the line cannot be read whole or parsed.
     */
    long startTicks(final ByteBuffer buffer)
    {
        buffer.clear();
        try
        {
            // the kernel writes the whole line in one read when the buffer can hold it: no second read for the end
            final int read = channel.read(buffer, 0);
            if (read <= 0 || !buffer.hasRemaining())
            {
                return ProcessLiveness.UNKNOWN;
            }
            return ProcessLiveness.parseStartTicks(buffer.array(), read);
        }
        catch (final IOException ex)
        {
            // ESRCH: the process this file was opened for has exited
            return ProcessLiveness.GONE;
        }
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            // a read-only file of /proc: nothing was written that could be lost
        }
    }
}
