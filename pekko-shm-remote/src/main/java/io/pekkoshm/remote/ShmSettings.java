package io.pekkoshm.remote;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.pekkoshm.remote.driver.DriverMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Every setting of the plugin, read once from {@code pekko.remote.shm} and validated eagerly.
 * <p>
 * Each key is documented in prose in the plugin's {@code reference.conf}. A bad value fails construction with a
 * {@link ShmConfigurationException} naming the full key and the value. Instances are immutable and safe to share.
 */
public final class ShmSettings
{
    /** The configuration root of the plugin, also the transport's entry in {@code enabled-transports}. */
    public static final String ROOT = "pekko.remote.shm";

    private static final long MIN_TERM_LENGTH = 64 * 1024;
    private static final long MAX_TERM_LENGTH = 1024L * 1024 * 1024;

    /**
     * {@code scheme}: {@code auto}, {@code shm} or {@code tcp} (trimmed, lower case), the address scheme below
     * classic's "pekko." prefix; {@link #resolveScheme} turns it into the one a node uses.
     */
    public final String scheme;
    /** {@code hostname}: the host part of this node's address; the same for every node of the host. */
    public final String hostname;
    /** {@code port}: this node's port on this host, also its Aeron IPC stream id; 0 picks a free one at start. */
    public final int port;
    /** {@code directory}: this OS user's shared-memory directory, absolute (a default under /dev/shm when empty). */
    public final Path directory;
    /** {@code driver.mode}: where the Aeron media driver comes from. */
    public final DriverMode driverMode;
    /**
     * {@code driver.aeron-directory}: the media driver's directory, absolute ({@code <directory>/aeron} when empty).
     */
    public final Path aeronDirectory;
    /** {@code driver.idle-timeout}: how long a standalone driver started in auto mode lives without a client. */
    public final Duration driverIdleTimeout;
    /** {@code driver.start-timeout}: the longest wait for the start-up lock and for a started driver to be live. */
    public final Duration driverStartTimeout;
    /** {@code driver.timeout}: the Aeron client's driver timeout (no driver heartbeat for this long: driver dead). */
    public final Duration driverTimeout;
    /** {@code driver.client-liveness-timeout}: how long a driver the plugin starts waits for a client keep-alive. */
    public final Duration clientLivenessTimeout;
    /** {@code driver.jvm-options}: extra JVM options for a standalone driver process; unmodifiable. */
    public final List<String> driverJvmOptions;
    /** {@code term-length}: bytes per term of an association's log buffer; a power of two, 64 KiB to 1 GiB. */
    public final int termLength;
    /** {@code idle-cpu-level}: 1 to 10, the CPU-for-latency knob (see {@link IdleStrategies}). */
    public final int idleCpuLevel;
    /** {@code fragment-limit}: the most fragments the poller takes from the node's stream per poll, 1 to 65536. */
    public final int fragmentLimit;
    /** {@code outbound-batch-size}: the most bytes staged per back-pressured association, sent as one batch frame. */
    public final int outboundBatchSize;
    /**
     * {@code heartbeat-interval}: an association silent this long sends a heartbeat; the peer's process is checked as
     * often.
     */
    public final Duration heartbeatInterval;
    /**
     * {@code peer-timeout}: an association ends after this long without a frame from the peer (at least 2 heartbeats).
     */
    public final Duration peerTimeout;
    /** {@code handshake-timeout}: how long an outbound association may wait for the peer's handshake reply. */
    public final Duration handshakeTimeout;
    /**
     * {@code terminate-on-peer-process-exit}: at once quarantine a peer whose process exited (remote provider only).
     */
    public final boolean terminateOnPeerProcessExit;
    /**
     * Payloads larger than this many bytes go through the blob store: {@code blob.threshold}, lowered to what fits
     * one Aeron message when {@code term-length} is small; 0 when the blob store is off.
     */
    public final int blobThreshold;
    /** {@code blob.max-bytes}: the cap on the bytes of a node's blob blocks; 0 turns the blob store off. */
    public final long blobMaxBytes;
    /** {@code blob.idle-release}: free blocks, and receivers' mappings, unused for this long are released. */
    public final Duration blobIdleRelease;
    /** {@code blob.claim-timeout}: a zero-copy blob sent but claimed by no receiver for this long is taken back. */
    public final Duration blobClaimTimeout;
    /**
     * {@code blob.allocate-timeout}: how long {@code ShmBlobs.allocate} waits for room under the cap; zero: no wait.
     */
    public final Duration blobAllocateTimeout;
    /** {@code direct.pending-limit}: the most messages held per peer while its association comes up. */
    public final int directPendingLimit;
    /** {@code direct.compression-table-size}: entries per compression table per association; 0 turns it off. */
    public final int directCompressionTableSize;
    /**
     * {@code direct.barrier-timeout}: how long a new association's ordering barrier may take; then messages go classic.
     */
    public final Duration directBarrierTimeout;

    private ShmSettings(final Config shm)
    {
        final Reader r = new Reader(shm);

        scheme = r.string("scheme").trim().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "shm", "tcp").contains(scheme))
        {
            throw new ShmConfigurationException(key("scheme"), scheme, "must be one of auto, shm, tcp");
        }
        hostname = r.string("hostname");
        if (hostname.isBlank())
        {
            throw new ShmConfigurationException(key("hostname"), hostname, "must not be empty");
        }
        port = r.intInRange("port", 0, 65535);

        final String dir = r.string("directory");
        directory = dir.isBlank() ? defaultDirectory() : Path.of(dir).toAbsolutePath();

        driverMode = r.driverMode("driver.mode");
        final String aeronDir = r.string("driver.aeron-directory");
        aeronDirectory = aeronDir.isBlank() ? directory.resolve("aeron") : Path.of(aeronDir).toAbsolutePath();
        driverIdleTimeout = r.positiveDuration("driver.idle-timeout");
        driverStartTimeout = r.positiveDuration("driver.start-timeout");
        driverTimeout = r.positiveDuration("driver.timeout");
        clientLivenessTimeout = r.positiveDuration("driver.client-liveness-timeout");
        driverJvmOptions = r.stringList("driver.jvm-options");

        final long term = r.bytes("term-length");
        if (term < MIN_TERM_LENGTH || term > MAX_TERM_LENGTH || Long.bitCount(term) != 1)
        {
            throw new ShmConfigurationException(
                key("term-length"), term, "must be a power of two between 64 KiB and 1 GiB (Aeron's rule)");
        }
        termLength = (int)term;

        idleCpuLevel = r.intInRange("idle-cpu-level", 1, 10);
        fragmentLimit = r.intInRange("fragment-limit", 1, 65536);

        final long batch = r.bytes("outbound-batch-size");
        final long maxMessage = maxMessageLength(termLength);
        if (batch < 1024 || batch > maxMessage)
        {
            throw new ShmConfigurationException(key("outbound-batch-size"), batch,
                "must be between 1 KiB and the largest Aeron message for term-length " + termLength + " (" +
                maxMessage + " bytes)");
        }
        outboundBatchSize = (int)batch;

        heartbeatInterval = r.positiveDuration("heartbeat-interval");
        peerTimeout = r.positiveDuration("peer-timeout");
        if (peerTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0)
        {
            throw new ShmConfigurationException(key("peer-timeout"), shm.getValue("peer-timeout").unwrapped(),
                "must be at least twice heartbeat-interval (" + heartbeatInterval.toMillis() + " ms)");
        }
        handshakeTimeout = r.positiveDuration("handshake-timeout");
        terminateOnPeerProcessExit = r.bool("terminate-on-peer-process-exit");

        blobMaxBytes = r.bytes("blob.max-bytes");
        final long threshold = r.bytes("blob.threshold");
        if (blobMaxBytes < 0 || blobMaxBytes > (1L << 40))
        {
            throw new ShmConfigurationException(key("blob.max-bytes"), blobMaxBytes, "must be from 0 (off) to 1 TiB");
        }
        if (threshold < 1024 || threshold > Integer.MAX_VALUE)
        {
            throw new ShmConfigurationException(key("blob.threshold"), threshold, "must be at least 1 KiB");
        }
        if (blobMaxBytes > 0 && blobMaxBytes < 2 * threshold)
        {
            throw new ShmConfigurationException(key("blob.max-bytes"), blobMaxBytes,
                "must be 0 (off) or at least twice blob.threshold (" + threshold + ")");
        }
        // A payload that cannot be one Aeron message goes through the blob store whatever the threshold says.
        blobThreshold = blobMaxBytes > 0 ? (int)Math.min(threshold, maxMessage - 1024) : 0;
        blobIdleRelease = r.positiveDuration("blob.idle-release");
        blobClaimTimeout = r.positiveDuration("blob.claim-timeout");
        blobAllocateTimeout = r.nonNegativeDuration("blob.allocate-timeout");

        directPendingLimit = r.intInRange("direct.pending-limit", 1, 10_000_000);
        directCompressionTableSize = r.intInRange("direct.compression-table-size", 0, 1 << 20);
        directBarrierTimeout = r.positiveDuration("direct.barrier-timeout");
    }

    /**
     * Reads and validates the plugin's settings.
     *
     * @param shm the config at {@link #ROOT} (what classic remoting hands the transport), with defaults applied.
     * @return the validated settings.
     * @throws ShmConfigurationException naming the key and value of the first bad setting.
     */
    public static ShmSettings fromConfig(final Config shm)
    {
        return new ShmSettings(shm);
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
            throw new ShmConfigurationException(key("scheme"), scheme, "Pekko Cluster accepts only members whose " +
                "address protocol is pekko, pekko.tcp or pekko.ssl.tcp (ClusterCoreDaemon.acceptedProtocols), so a " +
                "pekko.shm:// node could never join. Use scheme = auto or tcp: the addresses then read pekko.tcp://, " +
                "the messages still go through shared memory");
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
     * @throws ShmConfigurationException naming {@code pekko.cluster.seed-nodes}, the first bad value and the right form.
     */
    public void checkSeedNodes(final List<String> seedNodes, final String resolvedScheme, final String systemName)
    {
        final String prefix = "pekko." + resolvedScheme + "://";
        for (final String seed : seedNodes)
        {
            if (!seed.startsWith(prefix))
            {
                final int at = seed.indexOf("://");
                final String example = prefix + (at >= 0 ? seed.substring(at + 3) : systemName + "@" + hostname + ":2552");
                throw new ShmConfigurationException("pekko.cluster.seed-nodes", seed, "the pekko.shm transport " +
                    "gives cluster nodes addresses of the form " + prefix + "<system>@" + hostname + ":<port> " +
                    "(pekko.remote.shm.scheme = " + scheme + "), so no node could answer at this one. Write it as \"" +
                    example + "\"");
            }
        }
    }

    /**
     * Reads and validates the settings from an actor system's whole configuration.
     *
     * @param root the whole configuration (e.g. {@code system.settings().config()}), with defaults applied.
     * @return the validated settings.
     * @throws ShmConfigurationException naming the key and value of the first bad setting.
     */
    public static ShmSettings fromRootConfig(final Config root)
    {
        return new ShmSettings(root.getConfig(ROOT));
    }

    /**
     * Aeron's largest message for a term length: min(term length / 8, 16 MiB).
     *
     * @param termLength the term length in bytes.
     * @return the largest Aeron message, in bytes.
     */
    public static int maxMessageLength(final int termLength)
    {
        return Math.min(termLength / 8, 16 * 1024 * 1024);
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

    static String key(final String relative)
    {
        return ROOT + "." + relative;
    }

    @Override
    public String toString()
    {
        return "ShmSettings{hostname=" + hostname + ", port=" + port + ", directory=" + directory +
            ", driverMode=" + driverMode + ", aeronDirectory=" + aeronDirectory + ", termLength=" + termLength +
            ", idleCpuLevel=" + idleCpuLevel + ", heartbeatInterval=" + heartbeatInterval +
            ", peerTimeout=" + peerTimeout + '}';
    }

    /** Typed reads that turn Typesafe Config's errors into ones that name the key and the value. */
    private static final class Reader
    {
        private final Config config;

        Reader(final Config config)
        {
            this.config = config;
        }

        String string(final String path)
        {
            try
            {
                return config.getString(path);
            }
            catch (final ConfigException ex)
            {
                throw wrap(path, "must be a string", ex);
            }
        }

        boolean bool(final String path)
        {
            try
            {
                return config.getBoolean(path);
            }
            catch (final ConfigException ex)
            {
                throw wrap(path, "must be on/off (true/false)", ex);
            }
        }

        List<String> stringList(final String path)
        {
            try
            {
                return List.copyOf(config.getStringList(path));
            }
            catch (final ConfigException ex)
            {
                throw wrap(path, "must be a list of strings", ex);
            }
        }

        int intInRange(final String path, final int min, final int max)
        {
            final int value;
            try
            {
                value = config.getInt(path);
            }
            catch (final ConfigException ex)
            {
                throw wrap(path, "must be a whole number from " + min + " to " + max, ex);
            }
            if (value < min || value > max)
            {
                throw new ShmConfigurationException(key(path), value, "must be from " + min + " to " + max);
            }
            return value;
        }

        long bytes(final String path)
        {
            try
            {
                return config.getBytes(path);
            }
            catch (final ConfigException ex)
            {
                throw wrap(path, "must be a size in bytes such as 16 MiB", ex);
            }
        }

        Duration positiveDuration(final String path)
        {
            final Duration value = nonNegativeDuration(path);
            if (value.isZero())
            {
                throw new ShmConfigurationException(key(path), config.getValue(path).unwrapped(), "must be positive");
            }
            return value;
        }

        Duration nonNegativeDuration(final String path)
        {
            final Duration value;
            try
            {
                value = config.getDuration(path);
            }
            catch (final ConfigException ex)
            {
                throw wrap(path, "must be a duration such as 2 s or 200 ms", ex);
            }
            if (value.isNegative())
            {
                throw new ShmConfigurationException(key(path), config.getValue(path).unwrapped(),
                    "must not be negative");
            }
            return value;
        }

        DriverMode driverMode(final String path)
        {
            final String value = string(path);
            try
            {
                return DriverMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ShmConfigurationException(key(path), value, "must be one of auto, external, embedded", ex);
            }
        }

        private ShmConfigurationException wrap(final String path, final String expected, final ConfigException ex)
        {
            final Object value;
            if (config.hasPath(path))
            {
                final ConfigValue raw = config.getValue(path);
                value = raw.unwrapped();
            }
            else
            {
                value = config.hasPathOrNull(path) ? "null" : "<missing>";
            }
            return new ShmConfigurationException(key(path), value, expected, ex);
        }
    }
}
