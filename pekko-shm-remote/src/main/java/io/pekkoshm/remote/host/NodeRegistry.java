package io.pekkoshm.remote.host;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which node holds which port on this host: one file per port under {@code <directory>/nodes}, locked by the owning
 * node for its whole life and describing it (pid, process start, address).
 * <p>
 * Claiming a port is taking that file's lock, so a port can have only one owner and a crashed owner frees it at
 * once (the kernel drops the lock). Lookups of other nodes read the description and check the owner's process is
 * alive, without touching the lock. Callers hold the directory's start-up lock while claiming and freeing.
 */
public final class NodeRegistry
{
    private static final String SUFFIX = ".node";
    private static final int EPHEMERAL_FIRST = 20000;
    private static final int EPHEMERAL_LAST = 60999;

    private final Path nodes;

    /** @param directory the host's shared-memory directory; node files are in its {@code nodes/} folder. */
    public NodeRegistry(final ShmDirectory directory)
    {
        this.nodes = directory.nodesDirectory();
    }

    /**
     * What a node file says about its owner.
     *
     * @param port               the node's port.
     * @param pid                the owning process.
     * @param processStartMillis that process's start time (epoch ms; 0 if unknown), which guards against pid reuse.
     * @param incarnation        the node's transport incarnation, new for every start of a node (0 if unknown): a
     *                           handshake names it, so a node that replaced another on the port is told apart.
     * @param address            the node's address, empty while the node is still starting.
     */
    public record NodeInfo(int port, long pid, long processStartMillis, long incarnation, String address)
    {
        /** {@return whether the owning process is still running (see {@link ProcessLiveness#isAlive})} */
        public boolean isAlive()
        {
            return ProcessLiveness.isAlive(pid, processStartMillis);
        }

        @Override
        public String toString()
        {
            return address + " (pid " + pid + ")";
        }
    }

    /** A port held by this process until closed. */
    public static final class Claim implements AutoCloseable
    {
        private final int port;
        private final long incarnation;
        private final LockFile lock;

        Claim(final int port, final long incarnation, final LockFile lock)
        {
            this.port = port;
            this.incarnation = incarnation;
            this.lock = lock;
        }

        /** {@return the claimed port} */
        public int port()
        {
            return port;
        }

        /**
         * Records the owning node's address once it is known; {@link #lookup} then reports it.
         *
         * @param address the node's address, e.g. {@code pekko.shm://sys@localhost:2552}.
         * @throws IOException if the node file cannot be written.
         */
        public void describe(final String address) throws IOException
        {
            lock.write(render(port, incarnation, address));
        }

        /** Frees the port and removes its file. Call holding the start-up lock. */
        @Override
        public void close() throws IOException
        {
            lock.deleteAndClose();
        }
    }

    /** The port is held by a live node (or another part of this JVM). */
    public static final class PortTakenException extends IOException
    {
        private static final long serialVersionUID = 1L;

        PortTakenException(final String message)
        {
            super(message);
        }
    }

    /**
     * Claims {@code port}, or any free port if it is 0. Call holding the start-up lock.
     *
     * @param port        the port, or 0 for any free one between 20000 and 60999.
     * @param incarnation the claiming node's incarnation, which the node file names from the start.
     * @return the claim, held until closed (or until this process dies).
     * @throws PortTakenException naming the port and its owner when the port is held by a live node.
     */
    public Claim claim(final int port, final long incarnation) throws IOException
    {
        Permissions.createOwnerOnlyDirectory(nodes);
        if (0 != port)
        {
            final Claim claim = tryClaim(port, incarnation);
            if (null == claim)
            {
                final String owner = lookup(port).map(NodeInfo::toString).orElse("another process of this host");
                throw new PortTakenException("pekko.shm port " + port + " is already taken by " + owner +
                    " (directory " + nodes.getParent() +
                    "). Choose another pekko.remote.shm.port, or 0 for any free port.");
            }
            return claim;
        }
        final int range = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
        final int start = ThreadLocalRandom.current().nextInt(range);
        for (int i = 0; i < range; i++)
        {
            final Claim claim = tryClaim(EPHEMERAL_FIRST + (start + i) % range, incarnation);
            if (null != claim)
            {
                return claim;
            }
        }
        throw new PortTakenException("No free pekko.shm port between " + EPHEMERAL_FIRST + " and " + EPHEMERAL_LAST);
    }

    /**
     * @param port a port.
     * @return the live node at {@code port}, if any.
     */
    public Optional<NodeInfo> lookupLive(final int port)
    {
        return lookup(port).filter(NodeInfo::isAlive);
    }

    /**
     * Reads a node file without touching its lock (safe for the status tool and for files this JVM holds).
     *
     * @param port a port.
     * @return what the file of {@code port} says, whether its owner lives or not; empty if there is no readable file.
     */
    public Optional<NodeInfo> lookup(final int port)
    {
        return read(nodes.resolve(port + SUFFIX));
    }

    static void removeIfStale(final Path file) throws IOException
    {
        if (!file.getFileName().toString().endsWith(SUFFIX))
        {
            return;
        }
        final LockFile lock;
        try
        {
            lock = LockFile.tryAcquire(file);
        }
        catch (final NoSuchFileException ex)
        {
            return;
        }
        if (null != lock)
        {
            lock.deleteAndClose();
        }
    }

    private Claim tryClaim(final int port, final long incarnation) throws IOException
    {
        final LockFile lock = LockFile.tryAcquire(nodes.resolve(port + SUFFIX));
        if (null == lock)
        {
            return null;
        }
        lock.write(render(port, incarnation, ""));
        return new Claim(port, incarnation, lock);
    }

    private static String render(final int port, final long incarnation, final String address)
    {
        return "port=" + port + "\npid=" + ProcessLiveness.currentPid() + "\nstart=" +
            ProcessLiveness.currentStartMillis() + "\nincarnation=" + Long.toHexString(incarnation) +
            "\naddress=" + address + "\n";
    }

    private static Optional<NodeInfo> read(final Path file)
    {
        try
        {
            // Never opens a file this JVM holds: closing the channel would release our lock.
            final String content = LockFile.read(file);
            final Properties props = new Properties();
            props.load(new java.io.StringReader(content));
            final String pid = props.getProperty("pid");
            if (null == pid)
            {
                return Optional.empty();
            }
            return Optional.of(new NodeInfo(
                Integer.parseInt(props.getProperty("port", "0")),
                Long.parseLong(pid),
                Long.parseLong(props.getProperty("start", "0")),
                Long.parseUnsignedLong(props.getProperty("incarnation", "0"), 16),
                props.getProperty("address", "")));
        }
        catch (final IOException | NumberFormatException ex)
        {
            return Optional.empty();
        }
    }
}
