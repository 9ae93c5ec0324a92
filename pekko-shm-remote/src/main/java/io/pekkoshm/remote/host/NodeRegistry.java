package io.pekkoshm.remote.host;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which node holds which port on this host: one file per port under {@code <directory>/nodes}, locked by the owning
 * node for its whole life and describing it (pid, process start, incarnation, stream id, address).
 * <p>
 * Claiming a port is taking that file's lock, so a port can have only one owner and a crashed owner frees it at
 * once (the kernel drops the lock). Lookups of other nodes read the description and check the owner's process is
 * alive, without touching the lock. Callers hold the directory's start-up lock while claiming and freeing.
 * <p>
 * Each claim also picks the node's IPC stream id: the port in the low 16 bits, a generation (1 to 32767) above,
 * never the generation of the previous owner whose file it finds. A node killed with {@code kill -9} leaves its
 * subscription in the media driver until the driver's client liveness timeout, and Aeron links every publication
 * of the stream to it: its successor on the port, on another stream, neither joins the publications written to the
 * dead node nor has its own held back by the dead subscription's flow control.
 */
public final class NodeRegistry
{
    private static final String SUFFIX = ".node";
    private static final int EPHEMERAL_FIRST = 20000;
    private static final int EPHEMERAL_LAST = 60999;
    private static final int PORT_BITS = 16;
    private static final int PORT_MASK = (1 << PORT_BITS) - 1;
    private static final int MAX_GENERATION = Short.MAX_VALUE;

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
     * @param streamId           the node's IPC stream id (the port for a node of an earlier release).
     * @param address            the node's address, empty while the node is still starting.
     */
    public record NodeInfo(int port, long pid, long processStartMillis, long incarnation, int streamId,
        String address)
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
        private final int streamId;
        private final LockFile lock;

        Claim(final int port, final long incarnation, final int streamId, final LockFile lock)
        {
            this.port = port;
            this.incarnation = incarnation;
            this.streamId = streamId;
            this.lock = lock;
        }

        /** {@return the claimed port} */
        public int port()
        {
            return port;
        }

        /** {@return the node's IPC stream id: the port, and a generation other than the previous owner's} */
        public int streamId()
        {
            return streamId;
        }

        /**
         * Records the owning node's address once it is known; {@link #lookup} then reports it.
         *
         * @param address the node's address, e.g. {@code pekko.shm://sys@localhost:2552}.
         * @throws IOException if the node file cannot be written.
         */
        public void describe(final String address) throws IOException
        {
            lock.write(render(port, incarnation, streamId, address));
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

    /**
     * @param streamId an IPC stream id of a node, or a UDP stream id (the port).
     * @return the port of the node whose stream it is.
     */
    public static int portOfStream(final int streamId)
    {
        return streamId & PORT_MASK;
    }

    private Claim tryClaim(final int port, final long incarnation) throws IOException
    {
        final LockFile lock = LockFile.tryAcquire(nodes.resolve(port + SUFFIX));
        if (null == lock)
        {
            return null;
        }
        final int streamId = nextStreamId(port, lock.content());
        lock.write(render(port, incarnation, streamId, ""));
        return new Claim(port, incarnation, streamId, lock);
    }

    /** A random generation for the port, not the one of the stream id a previous owner's file names, if any. */
    private static int nextStreamId(final int port, final String previousOwner) throws IOException
    {
        final Properties props = new Properties();
        props.load(new java.io.StringReader(previousOwner));
        final String previous = props.getProperty("stream");
        final int previousGeneration = null == previous ? 0 : parseStream(previous, port) >>> PORT_BITS;
        final int drawn = 1 + ThreadLocalRandom.current().nextInt(MAX_GENERATION - 1);
        final int generation = previousGeneration > 0 && drawn >= previousGeneration ? drawn + 1 : drawn;
        return generation << PORT_BITS | port;
    }

    private static int parseStream(final String text, final int port)
    {
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            return port;
        }
    }

    private static String render(final int port, final long incarnation, final int streamId, final String address)
    {
        return "port=" + port + "\npid=" + ProcessLiveness.currentPid() + "\nstart=" +
            ProcessLiveness.currentStartMillis() + "\nincarnation=" + Long.toHexString(incarnation) +
            "\nstream=" + streamId + "\naddress=" + address + "\n";
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
            final int port = Integer.parseInt(props.getProperty("port", "0"));
            return Optional.of(new NodeInfo(
                port,
                Long.parseLong(pid),
                Long.parseLong(props.getProperty("start", "0")),
                Long.parseUnsignedLong(props.getProperty("incarnation", "0"), 16),
                Integer.parseInt(props.getProperty("stream", Integer.toString(port))),
                props.getProperty("address", "")));
        }
        catch (final IOException | NumberFormatException ex)
        {
            return Optional.empty();
        }
    }
}
