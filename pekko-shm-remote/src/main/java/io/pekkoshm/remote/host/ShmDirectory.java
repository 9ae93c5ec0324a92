package io.pekkoshm.remote.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Set;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The layout of the plugin's shared-memory directory, one per OS user and host:
 * <pre>
 *   &lt;directory&gt;/                  rwx------   (default /dev/shm/pekko-shm-&lt;user&gt;)
 *     start.lock                   held while a JVM starts or attaches to the driver, claims or frees a port,
 *                                  and while a driver decides to exit: these never interleave
 *     secret                       rw-------, 32 random bytes made by the first node; handshakes prove they know
 *                                  it (only the owner of the directory can read it)
 *     nodes/&lt;port&gt;.node           one per live node, locked by it for its life (see {@link NodeRegistry})
 *     nodes/&lt;port&gt;.bell           the doorbell of a node that sleeps when idle (see {@link BellFile})
 *     blobs/&lt;pid&gt;-&lt;incarnation&gt;/   each node's blob blocks (large payloads), removed with the node
 *     aeron/                       the media driver's Aeron directory (unless configured elsewhere)
 * </pre>
 * Whatever a dead process left is reclaimed the next time a JVM starts or the driver exits: node files whose lock
 * is free and bell files of dead processes are removed, and the whole directory goes when no node and no driver
 * remain.
 */
public final class ShmDirectory
{
    private static final String START_LOCK = "start.lock";
    private static final String NODES = "nodes";
    private static final String BLOBS = "blobs";
    private static final String SECRET = "secret";
    /** Length of the directory's secret, in bytes. */
    public static final int SECRET_LENGTH = 32;

    private final Path root;
    private final Path aeronDirectory;

    /**
     * Names the layout; creates nothing.
     *
     * @param root           the plugin's directory ({@code pekko.remote.shm.directory}).
     * @param aeronDirectory the media driver's Aeron directory, usually {@code <root>/aeron}.
     */
    public ShmDirectory(final Path root, final Path aeronDirectory)
    {
        this.root = root.toAbsolutePath();
        this.aeronDirectory = aeronDirectory.toAbsolutePath();
    }

    /** {@return the plugin's directory, absolute} */
    public Path root()
    {
        return root;
    }

    /** {@return the media driver's Aeron directory, absolute} */
    public Path aeronDirectory()
    {
        return aeronDirectory;
    }

    /** {@return the folder of node files, one {@code <port>.node} per live node (see {@link NodeRegistry})} */
    public Path nodesDirectory()
    {
        return root.resolve(NODES);
    }

    /**
     * {@return where each node keeps its blob blocks, one directory per node incarnation:
     * {@code <pid>-<incarnation>}}
     */
    public Path blobsDirectory()
    {
        return root.resolve(BLOBS);
    }

    /**
     * Takes the start-up lock, creating the directory owner-only if needed, waiting for it up to {@code timeout}.
     *
     * @param timeout how long to wait for another process to release it.
     * @return the held lock; closing it releases the lock.
     * @throws IOException with the lock's path if it cannot be had in time or the directory cannot be made.
     */
    public LockFile lockStartup(final Duration timeout) throws IOException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long parkNanos = TimeUnit.MICROSECONDS.toNanos(100);
        while (true)
        {
            try
            {
                Permissions.createOwnerOnlyDirectory(root);
                final LockFile lock = LockFile.tryAcquire(root.resolve(START_LOCK));
                if (null != lock)
                {
                    return lock;
                }
            }
            catch (final NoSuchFileException ex)
            {
                // The directory was removed by an exiting driver between our create and open: go round again.
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IOException("Could not take the start-up lock " + root.resolve(START_LOCK) + " within " +
                    timeout.toMillis() + " ms: another process holds it. If no pekko-shm process is starting, " +
                    "raise pekko.remote.shm.driver.start-timeout.");
            }
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(parkNanos * 2, TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * The directory's secret, made (owner-only, random) by the first node to ask. Call only while holding
     * {@link #lockStartup(Duration) the start-up lock}.
     *
     * @return the secret's bytes (a new array).
     * @throws IOException naming the file if it cannot be made or read, or is not a secret of the right length.
     */
    public byte[] secret() throws IOException
    {
        final Path file = root.resolve(SECRET);
        if (!Files.exists(file))
        {
            final byte[] secret = new byte[SECRET_LENGTH];
            new SecureRandom().nextBytes(secret);
            try (SeekableByteChannel channel = Files.newByteChannel(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), Permissions.OWNER_ONLY_FILE))
            {
                channel.write(ByteBuffer.wrap(secret));
            }
            return secret;
        }
        final byte[] secret = Files.readAllBytes(file);
        if (secret.length != SECRET_LENGTH)
        {
            throw new IOException("The secret " + file + " holds " + secret.length + " bytes, not " + SECRET_LENGTH +
                ": it is not one this plugin made. Remove it when no pekko-shm node of this directory runs.");
        }
        return secret;
    }

    /**
     * Removes what no live process uses: node files nobody holds, and, when no node file and no Aeron directory
     * remain, the directory itself. Call only while holding {@link #lockStartup(Duration) the start-up lock}
     * (which this removes together with the directory when it goes).
     *
     * @return true if the whole directory was removed.
     * @throws IOException if a file or directory cannot be listed or removed.
     */
    public boolean removeIfUnused() throws IOException
    {
        final Path nodes = nodesDirectory();
        if (Files.isDirectory(nodes))
        {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(nodes))
            {
                for (final Path file : files)
                {
                    NodeRegistry.removeIfStale(file);
                    BellFile.removeIfStale(file);
                }
            }
            if (isEmpty(nodes))
            {
                Files.deleteIfExists(nodes);
            }
        }
        final Path blobs = blobsDirectory();
        if (Files.isDirectory(blobs))
        {
            removeBlobsOfDeadProcesses(blobs);
            if (isEmpty(blobs))
            {
                Files.deleteIfExists(blobs);
            }
        }
        if (Files.exists(nodes) || Files.exists(blobs) ||
            (aeronDirectory.startsWith(root) && Files.exists(aeronDirectory)))
        {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                if (!name.equals(START_LOCK) && !name.equals(SECRET))
                {
                    return false;
                }
            }
        }
        Files.deleteIfExists(root.resolve(SECRET));
        Files.deleteIfExists(root.resolve(START_LOCK));
        Files.deleteIfExists(root);
        return true;
    }

    /** A node's blob directory is named {@code <pid>-<incarnation>}: once that pid is gone, nobody reads it. */
    private static void removeBlobsOfDeadProcesses(final Path blobs) throws IOException
    {
        try (DirectoryStream<Path> owners = Files.newDirectoryStream(blobs))
        {
            for (final Path owner : owners)
            {
                final String name = owner.getFileName().toString();
                final int dash = name.indexOf('-');
                long pid = -1;
                try
                {
                    pid = Long.parseLong(dash > 0 ? name.substring(0, dash) : name);
                }
                catch (final NumberFormatException ignore)
                {
                    // not ours: leave it
                }
                if (pid > 0 && !ProcessLiveness.isAlive(pid, 0))
                {
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(owner))
                    {
                        for (final Path file : files)
                        {
                            Files.deleteIfExists(file);
                        }
                    }
                    Files.deleteIfExists(owner);
                }
            }
        }
    }

    private static boolean isEmpty(final Path dir) throws IOException
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir))
        {
            return !files.iterator().hasNext();
        }
    }
}
