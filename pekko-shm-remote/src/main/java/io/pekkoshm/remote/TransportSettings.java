package io.pekkoshm.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The node's own settings: its address, its shared-memory directory, its Aeron log buffers, the thread that polls
 * them and the liveness of its associations. The keys directly under {@code pekko.remote.shm}; immutable.
 *
 * @param scheme                     {@code scheme}: {@code auto}, {@code shm} or {@code tcp} (trimmed, lower case),
 *                                   the address scheme below classic's "pekko." prefix; {@link #resolveScheme} turns
 *                                   it into the one a node uses.
 * @param hostname                   {@code hostname}: the host part of this node's address; the same for every node
 *                                   of the host.
 * @param port                       {@code port}: this node's port on this host, also its Aeron IPC stream id; 0 picks
 *                                   a free one at start.
 * @param directory                  {@code directory}: this OS user's shared-memory directory, absolute (a default
 *                                   under /dev/shm when empty).
 * @param termLength                 {@code term-length}: bytes per term of an association's log buffer; a power of
 *                                   two, 64 KiB to 1 GiB.
 * @param idleCpuLevel               {@code idle-cpu-level}: 1 to 10, the CPU-for-latency knob
 *                                   (see {@link IdleStrategies}).
 * @param fragmentLimit              {@code fragment-limit}: the most fragments the poller takes from the node's stream
 *                                   per poll, 1 to 65536.
 * @param outboundBatchSize          {@code outbound-batch-size}: the most bytes staged per back-pressured association,
 *                                   sent as one batch frame.
 * @param heartbeatInterval          {@code heartbeat-interval}: an association silent this long sends a heartbeat;
 *                                   the peer's process is checked as often.
 * @param peerTimeout                {@code peer-timeout}: an association ends after this long without a frame from the
 *                                   peer (at least 2 heartbeats).
 * @param handshakeTimeout           {@code handshake-timeout}: how long an outbound association may wait for the
 *                                   peer's handshake reply.
 * @param terminateOnPeerProcessExit {@code terminate-on-peer-process-exit}: at once quarantine a peer whose process
 *                                   exited (remote provider only).
 * @param idleSleepAfter             {@code idle-sleep-after}: how long the node's poller goes without work before it
 *                                   sleeps until a peer writes to it (zero: at once); null for {@code off}, never.
 */
public record TransportSettings(
    String scheme,
    String hostname,
    int port,
    Path directory,
    int termLength,
    int idleCpuLevel,
    int fragmentLimit,
    int outboundBatchSize,
    Duration heartbeatInterval,
    Duration peerTimeout,
    Duration handshakeTimeout,
    boolean terminateOnPeerProcessExit,
    Duration idleSleepAfter)
{
    private static final long MIN_TERM_LENGTH = 64 * 1024;
    private static final long MAX_TERM_LENGTH = 1024L * 1024 * 1024;

    /**
     * Reads and validates the node's settings.
     *
     * @param r the reader of {@code pekko.remote.shm}.
     * @return the validated settings.
     * @throws ShmConfigurationException naming the key and value of the first bad setting.
     */
    static TransportSettings read(final SettingsReader r)
    {
        final String scheme = r.string("scheme").trim().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "shm", "tcp").contains(scheme))
        {
            throw r.reject("scheme", scheme, "must be one of auto, shm, tcp");
        }
        final String hostname = r.string("hostname");
        if (hostname.isBlank())
        {
            throw r.reject("hostname", hostname, "must not be empty");
        }
        final int port = r.intInRange("port", 0, 65535);

        final String dir = r.string("directory");
        final Path directory = dir.isBlank() ? defaultDirectory() : Path.of(dir).toAbsolutePath();

        final long term = r.bytes("term-length");
        if (term < MIN_TERM_LENGTH || term > MAX_TERM_LENGTH || Long.bitCount(term) != 1)
        {
            throw r.reject("term-length", term, "must be a power of two between 64 KiB and 1 GiB (Aeron's rule)");
        }
        final int termLength = (int)term;

        final int idleCpuLevel = r.intInRange("idle-cpu-level", 1, 10);
        final int fragmentLimit = r.intInRange("fragment-limit", 1, 65536);

        final long batch = r.bytes("outbound-batch-size");
        final long maxMessage = ShmSettings.maxMessageLength(termLength);
        if (batch < 1024 || batch > maxMessage)
        {
            throw r.reject("outbound-batch-size", batch,
                "must be between 1 KiB and the largest Aeron message for term-length " + termLength + " (" +
                maxMessage + " bytes)");
        }

        final Duration heartbeatInterval = r.positiveDuration("heartbeat-interval");
        final Duration peerTimeout = r.positiveDuration("peer-timeout");
        if (peerTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0)
        {
            throw r.reject("peer-timeout", r.raw("peer-timeout"),
                "must be at least twice heartbeat-interval (" + heartbeatInterval.toMillis() + " ms)");
        }
        final Duration handshakeTimeout = r.positiveDuration("handshake-timeout");
        final boolean terminateOnPeerProcessExit = r.bool("terminate-on-peer-process-exit");
        final Duration idleSleepAfter = readIdleSleepAfter(r);

        return new TransportSettings(scheme, hostname, port, directory, termLength, idleCpuLevel, fragmentLimit,
            (int)batch, heartbeatInterval, peerTimeout, handshakeTimeout, terminateOnPeerProcessExit, idleSleepAfter);
    }

    /** {@code idle-sleep-after}: {@code off} (null) or a non-negative duration. */
    private static Duration readIdleSleepAfter(final SettingsReader r)
    {
        final Object raw = r.raw("idle-sleep-after");
        if (raw instanceof String text && "off".equalsIgnoreCase(text.trim()))
        {
            return null;
        }
        try
        {
            return r.nonNegativeDuration("idle-sleep-after");
        }
        catch (final ShmConfigurationException ex)
        {
            throw r.reject("idle-sleep-after", raw, "must be off or a duration of 0 or more, such as 2 ms", ex);
        }
    }

    /**
     * The scheme this node's addresses use: {@code shm} (pekko.shm://...), or {@code tcp} (pekko.tcp://...) for
     * {@code scheme = tcp}, and for {@code auto} with a cluster provider, because Pekko Cluster 1.7 accepts only
     * members whose protocol is pekko, pekko.tcp or pekko.ssl.tcp.
     *
     * @param clusterProvider whether the actor system runs a cluster provider.
     * @return {@code shm} or {@code tcp}.
     * @throws ShmConfigurationException for {@code scheme = shm} with a cluster provider: such a node could never join.
     */
    public String resolveScheme(final boolean clusterProvider)
    {
        if ("auto".equals(scheme))
        {
            return clusterProvider ? "tcp" : "shm";
        }
        if (clusterProvider && "shm".equals(scheme))
        {
            throw new ShmConfigurationException(ShmSettings.ROOT + ".scheme", scheme, "Pekko Cluster accepts only " +
                "members whose address protocol is pekko, pekko.tcp or pekko.ssl.tcp " +
                "(ClusterCoreDaemon.acceptedProtocols), so a pekko.shm:// node could never join. Use scheme = auto " +
                "or tcp: the addresses then read pekko.tcp://, the messages still go through shared memory");
        }
        return scheme;
    }

    /**
     * Checks a cluster node's seed nodes against the addresses this transport gives: a seed with another scheme
     * ({@code pekko.shm://}, Artery's {@code pekko://}) names no node this transport can reach, and the node would
     * try to join it for ever without saying why.
     *
     * @param seedNodes      {@code pekko.cluster.seed-nodes}, as written.
     * @param resolvedScheme this node's scheme from {@link #resolveScheme} ({@code tcp} for a cluster).
     * @param systemName     this node's actor system name, for the example in the message.
     * @throws ShmConfigurationException naming {@code pekko.cluster.seed-nodes}, the first bad value and the right
     *                                   form.
     */
    public void checkSeedNodes(final List<String> seedNodes, final String resolvedScheme, final String systemName)
    {
        final String prefix = "pekko." + resolvedScheme + "://";
        for (final String seed : seedNodes)
        {
            if (!seed.startsWith(prefix))
            {
                final int at = seed.indexOf("://");
                final String example =
                    prefix + (at >= 0 ? seed.substring(at + 3) : systemName + "@" + hostname + ":2552");
                throw new ShmConfigurationException("pekko.cluster.seed-nodes", seed, "the pekko.shm transport " +
                    "gives cluster nodes addresses of the form " + prefix + "<system>@" + hostname + ":<port> " +
                    "(pekko.remote.shm.scheme = " + scheme + "), so no node could answer at this one. Write it as \"" +
                    example + "\"");
            }
        }
    }

    /**
     * The default shared-memory directory: {@code /dev/shm/pekko-shm-<user>}, or under java.io.tmpdir without /dev/shm.
     */
    static Path defaultDirectory()
    {
        final String user = System.getProperty("user.name", "default").replaceAll("[^A-Za-z0-9._-]", "_");
        final Path devShm = Path.of("/dev/shm");
        final Path parent = devShm.toFile().isDirectory() ? devShm : Path.of(System.getProperty("java.io.tmpdir"));
        return parent.resolve("pekko-shm-" + user);
    }
}
