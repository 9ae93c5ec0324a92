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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive OS lock on a file, held for as long as this object is open.
 * <p>
 * The lock is the kernel's ({@code fcntl}), so it is released when the holding process dies, even by
 * {@code kill -9}: a lock file can never be left "held" by a dead process. Acquisition checks that the file it
 * locked is still the one at the path (another process may have removed and re-created it in between), so two
 * processes can never both believe they hold the same path.
 * <p>
 * Within one JVM a path that is held is never opened again: on Linux, closing any channel of a file drops every
 * lock this process holds on it, so even a refused second attempt would silently release the first holder's lock.
 * A JVM-wide table of held paths answers such attempts before any channel is opened, and serves the content of
 * files this JVM holds to readers in this JVM ({@link #contentIfHeldHere}), who must not open them either. An
 * instance is owned by one thread at a time.
 */
public final class LockFile implements AutoCloseable
{
    /** Paths locked by this JVM, with what was last written to them (see {@link #contentIfHeldHere}). */
    private static final ConcurrentHashMap<Path, String> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();

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
     * Tries once to lock the file at {@code file}, creating it owner-only if absent. Never blocks.
     *
     * @param file the lock file; its directory must exist.
     * @return the held lock, or {@code null} if another process or another part of this JVM holds it.
     * @throws IOException if the file cannot be created or opened (e.g. its directory is gone or not writable).
     */
    public static LockFile tryAcquire(final Path file) throws IOException
    {
        synchronized (LockFile.class)
        {
            return tryAcquireGuarded(file.toAbsolutePath().normalize());
        }
    }

    /**
     * The content of a lock file: what this JVM last wrote if it holds it, else what is on disk. Guarded like
     * acquisition, so no thread of this JVM can take the lock while this reads (and closes) the file.
     *
     * @param file the lock file.
     * @return its content, decoded as UTF-8.
     * @throws IOException if it cannot be read.
     */
    static String read(final Path file) throws IOException
    {
        final Path path = file.toAbsolutePath().normalize();
        synchronized (LockFile.class)
        {
            final String held = HELD_IN_THIS_JVM.get(path);
            return null != held ? held : new String(Files.readAllBytes(path), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static LockFile tryAcquireGuarded(final Path path) throws IOException
    {
        if (null != HELD_IN_THIS_JVM.putIfAbsent(path, ""))
        {
            return null;
        }
        try
        {
            final LockFile lock = acquire(path);
            if (null == lock)
            {
                HELD_IN_THIS_JVM.remove(path);
            }
            return lock;
        }
        catch (final IOException | RuntimeException ex)
        {
            HELD_IN_THIS_JVM.remove(path);
            throw ex;
        }
    }

    private static LockFile acquire(final Path path) throws IOException
    {
        while (true)
        {
            final Object keyBefore = fileKey(path);
            final FileChannel channel = FileChannel.open(
                path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
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

    /** The absolute, normalised path of the locked file. */
    Path path()
    {
        return path;
    }

    /**
     * Reads the file's content through the held channel: right after {@link #tryAcquire}, what its previous holder
     * wrote (a holder that died leaves its file behind).
     *
     * @return the content, decoded as UTF-8 (at most 64 KiB).
     * @throws IOException if the file cannot be read.
     */
    public String content() throws IOException
    {
        final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int)Math.min(channel.size(), 64 * 1024));
        while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) > 0)
        {
            // reads until the buffer is full or the file ends
        }
        return new String(bytes.array(), 0, bytes.position(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Replaces the file's content (used to record who holds the lock) and forces it to the file system; readers
     * in this JVM see it at once through {@link #read}.
     *
     * @param content the new content, written as UTF-8.
     * @throws IOException if the file cannot be written.
     */
    public void write(final String content) throws IOException
    {
        final byte[] bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap(bytes), 0);
        channel.force(false);
        HELD_IN_THIS_JVM.replace(path, content);
    }

    /**
     * What this JVM last wrote to a file it holds locked, or empty if it does not hold it. Readers in this JVM must
     * use this instead of opening such a file: closing their channel would release this JVM's lock.
     */
    static java.util.Optional<String> contentIfHeldHere(final Path file)
    {
        return java.util.Optional.ofNullable(HELD_IN_THIS_JVM.get(file.toAbsolutePath().normalize()));
    }

    /**
     * Deletes the file while the lock is still held, then releases the lock (also if the delete failed).
     *
     * @throws IOException if the file cannot be deleted or the lock released.
     */
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
            try
            {
                channel.close();
            }
            finally
            {
                HELD_IN_THIS_JVM.remove(path);
            }
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
