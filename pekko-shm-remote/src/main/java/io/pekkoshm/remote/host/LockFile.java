package io.pekkoshm.remote.host;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * An exclusive OS lock on a file, held for as long as this object is open.
 * <p>
 * The lock is the kernel's ({@code fcntl}), so it is released when the holding process dies, even by
 * {@code kill -9}: a lock file can never be left "held" by a dead process. Acquisition checks that the file it
 * locked is still the one at the path (another process may have removed and re-created it in between), so two
 * processes can never both believe they hold the same path. Not thread-safe; owned by one thread at a time.
 */
public final class LockFile implements AutoCloseable
{
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private LockFile(final Path path, final FileChannel channel, final FileLock lock)
    {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Tries once to lock the file at {@code path}, creating it owner-only if absent.
     *
     * @return the held lock, or {@code null} if another process or another part of this JVM holds it.
     * @throws IOException if the file cannot be created or opened (e.g. its directory is gone or not writable).
     */
    public static LockFile tryAcquire(final Path path) throws IOException
    {
        while (true)
        {
            final Object keyBefore = fileKey(path);
            final FileChannel channel = FileChannel.open(
                path, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                Permissions.OWNER_ONLY_FILE);
            FileLock lock = null;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                lock = null;
            }
            if (null == lock)
            {
                channel.close();
                return null;
            }
            final Object keyAfter = fileKey(path);
            if (null != keyAfter && (null == keyBefore || Objects.equals(keyBefore, keyAfter)))
            {
                return new LockFile(path, channel, lock);
            }
            // The path was replaced while we opened it: what we locked is not what others will lock. Try again.
            lock.release();
            channel.close();
        }
    }

    /** The path of the locked file. */
    public Path path()
    {
        return path;
    }

    /** Replaces the file's content (used to record who holds the lock). */
    public void write(final String content) throws IOException
    {
        final byte[] bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap(bytes), 0);
        channel.force(false);
    }

    /** Deletes the file while the lock is still held, then releases the lock. */
    public void deleteAndClose() throws IOException
    {
        try
        {
            Files.deleteIfExists(path);
        }
        finally
        {
            close();
        }
    }

    /** Releases the lock; the file stays. */
    @Override
    public void close() throws IOException
    {
        try
        {
            if (lock.isValid())
            {
                lock.release();
            }
        }
        finally
        {
            channel.close();
        }
    }

    private static Object fileKey(final Path path) throws IOException
    {
        try
        {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }
}
