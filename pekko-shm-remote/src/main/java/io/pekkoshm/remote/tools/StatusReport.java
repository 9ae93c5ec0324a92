package io.pekkoshm.remote.tools;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link ShmStatus} saw in one shared-memory directory at one moment: the nodes of the node registry, the media
 * driver, every node's counters from the driver's CnC file, and the shared memory the files take. Immutable.
 *
 * @param takenAt           when the files were read.
 * @param directory         the plugin's directory ({@code pekko.remote.shm.directory}).
 * @param directoryExists   false when there is no such directory: no node and no driver of this user runs with it.
 * @param aeronDirectory    the media driver's Aeron directory ({@code <directory>/aeron} unless configured).
 * @param driver            the media driver, as its CnC file describes it.
 * @param nodes             one entry per node file, live or stale, by port.
 * @param unmatchedCounters counter sets in the CnC file whose address has no node file: an Aeron client that is gone
 *                          and whose counters the driver has not freed yet (it does after its client liveness
 *                          timeout), or a node that is still starting.
 * @param sharedMemory      the sizes of the files under the directory.
 */
public record StatusReport(
    Instant takenAt,
    Path directory,
    boolean directoryExists,
    Path aeronDirectory,
    DriverStatus driver,
    List<NodeStatus> nodes,
    List<CounterSet> unmatchedCounters,
    SharedMemoryUsage sharedMemory)
{
    /**
     * Copies the lists, so the report stays immutable.
     *
     * @param takenAt           when the files were read.
     * @param directory         the plugin's directory.
     * @param directoryExists   whether it exists.
     * @param aeronDirectory    the media driver's Aeron directory.
     * @param driver            the media driver.
     * @param nodes             the nodes, by port.
     * @param unmatchedCounters counter sets without a node file.
     * @param sharedMemory      the sizes of the files.
     */
    public StatusReport
    {
        nodes = List.copyOf(nodes);
        unmatchedCounters = List.copyOf(unmatchedCounters);
    }

    /**
     * The node of a port, if it has a node file.
     *
     * @param port a node's port.
     * @return its entry, or empty.
     */
    public Optional<NodeStatus> node(final int port)
    {
        return nodes.stream().filter(node -> node.port() == port).findFirst();
    }

    /** What the media driver's CnC file says about the driver. */
    public enum DriverState
    {
        /** There is no CnC file: no driver runs for this directory. */
        NONE,
        /** The driver's process is alive and its heartbeat is recent. */
        LIVE,
        /** A CnC file is there, but its process is gone or its heartbeat is old (a driver killed or hung). */
        NOT_LIVE,
        /** A CnC file is there but cannot be read: being created, of another Aeron version, or truncated. */
        UNREADABLE
    }

    /**
     * The media driver.
     *
     * @param state            whether it is live.
     * @param pid              the driver's pid as its CnC file records it, or -1 if unknown.
     * @param startTimestampMs when the driver started (epoch ms), or 0 if unknown.
     * @param heartbeatAgeMs   how long ago the driver last showed it is working, or -1 if unknown.
     * @param clients          the Aeron clients it counts alive (each node is one), or -1 if unknown.
     * @param cncVersion       the version of the CnC file's layout, e.g. {@code 0.2.0}, or empty if unknown.
     * @param note             why the state is {@code UNREADABLE} or {@code NOT_LIVE}; empty otherwise.
     */
    public record DriverStatus(
        DriverState state,
        long pid,
        long startTimestampMs,
        long heartbeatAgeMs,
        int clients,
        String cncVersion,
        String note)
    {
        /** @return true when the driver is {@link DriverState#LIVE}. */
        public boolean isLive()
        {
            return DriverState.LIVE == state;
        }
    }

    /**
     * A node of the node registry ({@code <directory>/nodes/<port>.node}).
     *
     * @param port     the node's port (its Aeron stream id).
     * @param pid      the pid of its JVM.
     * @param alive    whether that very process still runs; false for a stale file a crashed node left, which the
     *                 next node to start (or the exiting driver) removes.
     * @param address  its address, e.g. {@code pekko.shm://orders@localhost:2552}; empty while it is starting.
     * @param counters its counters, if the driver's CnC file has them.
     */
    public record NodeStatus(int port, long pid, boolean alive, String address, Optional<CounterSet> counters)
    {
    }

    /**
     * The counters of one node, as the transport allocates them in the driver's CnC file, and its associations' streams
     * as the driver counts them.
     *
     * @param address  the address their labels end with.
     * @param ownerId  the Aeron client that allocated them.
     * @param counters by type id, ascending.
     * @param links    the node's publications to its peers and the images it reads from them, outbound first.
     */
    public record CounterSet(String address, long ownerId, List<Counter> counters, List<Link> links)
    {
        /**
         * Copies the lists.
         *
         * @param address  the address their labels end with.
         * @param ownerId  the Aeron client that allocated them.
         * @param counters by type id, ascending.
         * @param links    the node's streams, outbound first.
         */
        public CounterSet
        {
            counters = List.copyOf(counters);
            links = List.copyOf(links);
        }

        /**
         * The value of a counter.
         *
         * @param typeId a type id of {@code io.pekkoshm.remote.transport.TransportCounters}, e.g. 7301.
         * @return its value, or empty if this node has no such counter.
         */
        public OptionalLong value(final int typeId)
        {
            for (final Counter counter : counters)
            {
                if (counter.typeId() == typeId)
                {
                    return OptionalLong.of(counter.value());
                }
            }
            return OptionalLong.empty();
        }
    }

    /**
     * One direction of an association, as the media driver's stream counters show it: a publication of the node into
     * a peer's stream ({@code pub-lmt}), or an image of a peer's publication the node reads ({@code sub-pos}).
     *
     * @param outbound  true for a publication to the peer, false for an image from it.
     * @param medium    {@code ipc} (a node of this host) or {@code udp} (a node of another host).
     * @param peer      who is at the other end: {@code port N} of this host, its address when a node of this driver
     *                  owns the other end, {@code host:port} of a node of another host, or {@code another host}.
     * @param streamId  the stream: the receiving node's (its port in the low 16 bits, over IPC a generation above).
     * @param sessionId the publication's session.
     */
    public record Link(boolean outbound, String medium, String peer, int streamId, int sessionId)
    {
    }

    /**
     * One counter.
     *
     * @param typeId its Aeron type id (7301 for messages sent, ...).
     * @param name   its name from its label, e.g. {@code messages sent}.
     * @param value  its value when read.
     */
    public record Counter(int typeId, String name, long value)
    {
    }

    /**
     * The shared memory the directory's files take. Aeron's log buffers are sparse files: their apparent size is
     * what they may grow to (three terms each), their allocated size what they take now, which is what counts against
     * the size limit of {@code /dev/shm}.
     *
     * @param files          regular files under the directory (and the Aeron directory, if it is elsewhere).
     * @param apparentBytes  the sum of their sizes.
     * @param allocatedBytes what they occupy, or -1 if {@code du} could not tell.
     * @param publications   the Aeron directory's {@code publications/} folder: one log buffer per association.
     * @param parts          per entry of the directory, the Aeron directory's entries listed one by one
     *                       ({@code aeron/cnc.dat}, {@code aeron/publications/}, ..., {@code nodes/}, ...).
     */
    public record SharedMemoryUsage(
        long files,
        long apparentBytes,
        long allocatedBytes,
        Part publications,
        List<Part> parts)
    {
        /**
         * Copies the list.
         *
         * @param files          regular files under the directory.
         * @param apparentBytes  the sum of their sizes.
         * @param allocatedBytes what they occupy, or -1 if unknown.
         * @param publications   the Aeron directory's {@code publications/} folder.
         * @param parts          per entry of the directory.
         */
        public SharedMemoryUsage
        {
            parts = List.copyOf(parts);
        }

        /**
         * One file or folder of the directory.
         *
         * @param name           its path relative to the directory, with a trailing {@code /} for a folder (absolute
         *                       for an Aeron directory configured elsewhere).
         * @param files          the regular files it is or holds.
         * @param apparentBytes  the sum of their sizes.
         * @param allocatedBytes what they occupy, or -1 if {@code du} could not tell.
         */
        public record Part(String name, long files, long apparentBytes, long allocatedBytes)
        {
        }
    }
}
