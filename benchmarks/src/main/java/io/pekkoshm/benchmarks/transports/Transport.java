package io.pekkoshm.benchmarks.transports;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.blob.BlobPool;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;

import java.util.Arrays;
import java.util.Optional;

/**
 * The transports compared, in the order of the report's columns, with what each can carry. Artery TCP is the
 * baseline of every ratio.
 */
public enum Transport
{
    /** The plugin as a user turns it on: include "pekko-shm-remote" (the direct path). The headline column. */
    SHM_DIRECT("shm-direct", "pekko-shm-remote", true),
    /** The compatibility mode: Pekko's own provider, every message through classic remoting's pipeline. */
    SHM("shm", "pekko-shm-remote classic mode", true),
    SHM_DIRECT_LOW_LATENCY("shm-direct-low-latency", "pekko-shm-remote direct, idle-cpu-level 9", true),
    /**
     * {@link #SHM_DIRECT_LOW_LATENCY} with the ping-pong's actors on both sides (/user/driver, /user/peer) on the
     * plugin's inline dispatcher: they run on the node's inbound thread, right after the poll, and send from it.
     */
    SHM_DIRECT_INLINE("shm-direct-inline", "pekko-shm-remote direct, inline actors, idle-cpu-level 9", true),
    /**
     * The plugin across hosts (issue 15): its two nodes on two simulated hosts of this machine, each with its own
     * shared-memory directory (so its own media driver) and address (127.0.0.1, 127.0.0.2), cross-host on with one
     * secret, on the direct path as {@link #SHM_DIRECT}: the plugin reaches the peer, absent from its own directory,
     * over Aeron UDP through both hosts' drivers.
     */
    SHM_CROSS_HOST("shm-cross-host", "pekko-shm-remote across hosts (UDP over loopback)", true),
    /**
     * {@link #SHM_CROSS_HOST} with both hosts' media drivers parking at most 100 us when idle instead of the default
     * 10 ms ({@code driver.max-park}): over UDP the drivers send and receive, so their wake-up is in every round trip.
     */
    SHM_CROSS_HOST_SHORT_PARK("shm-cross-host-max-park-100us",
        "pekko-shm-remote across hosts (UDP over loopback), driver.max-park 100 us", true),
    /**
     * {@link #SHM_CROSS_HOST} with {@code cross-host.mtu = 8192}: datagrams of 8 KiB instead of 1408 bytes, as on a
     * network with jumbo frames (or loopback, whose MTU is 64 KiB). Over UDP the drivers pay per datagram, so this is
     * what bandwidth across hosts can be where the network allows it.
     */
    SHM_CROSS_HOST_JUMBO("shm-cross-host-mtu-8192",
        "pekko-shm-remote across hosts (UDP over loopback), cross-host.mtu 8192", true),
    /**
     * The plugin's zero-copy API (SharedBlob): bandwidth only, the sender copies each message into a blob once. Its
     * nodes run on the direct path, as {@link #SHM_DIRECT}'s do.
     */
    SHM_ZERO_COPY("shm-zero-copy", "pekko-shm-remote zero-copy API", true),
    ARTERY_TCP("artery-tcp", "Artery TCP", true),
    ARTERY_AERON_UDP("artery-aeron-udp", "Artery Aeron-UDP", true),
    CLASSIC_NETTY_TCP("classic-netty-tcp", "classic Netty TCP", true),
    RAW_AERON_IPC("raw-aeron-ipc", "raw Aeron IPC (floor)", false),
    /** No transport: a warm copy between two direct buffers in one JVM, the ceiling of the bandwidth rows. */
    MEMCPY("memcpy", "memcpy (one JVM)", false);

    /** Room left for Pekko's envelope (recipient path, manifest, classic's protobuf wrapping) around a payload. */
    private static final long ENVELOPE_ALLOWANCE = 4 * Sizes.KIB;
    /** Aeron's largest message whatever the term length. */
    private static final long AERON_MAX_MESSAGE = 16 * Sizes.MIB;

    private final String id;
    private final String label;
    private final boolean pekko;

    Transport(final String id, final String label, final boolean pekko)
    {
        this.id = id;
        this.label = label;
        this.pekko = pekko;
    }

    /** The id used in results and on the command line ({@code -Dbench.transports=shm,artery-tcp}). */
    public String id()
    {
        return id;
    }

    /** The column heading. */
    public String label()
    {
        return label;
    }

    /**
     * True for the plugin's variants (classic path, direct path, direct with the latency knob up, inline actors,
     * across hosts, zero-copy API).
     */
    public boolean isShm()
    {
        return this == SHM || this == SHM_DIRECT || this == SHM_DIRECT_LOW_LATENCY || this == SHM_DIRECT_INLINE ||
            crossHost() || this == SHM_ZERO_COPY;
    }

    /**
     * True for the column whose two nodes run on two simulated hosts (a shared-memory directory and an address each),
     * reaching each other over Aeron UDP.
     */
    public boolean crossHost()
    {
        return this == SHM_CROSS_HOST || this == SHM_CROSS_HOST_SHORT_PARK || this == SHM_CROSS_HOST_JUMBO;
    }

    /** True for the Pekko transports (one actor system per JVM), false for the raw Aeron floor and memcpy. */
    public boolean pekko()
    {
        return pekko;
    }

    /**
     * Why this column has only the bandwidth rows (throughput, ping-pong and idle are reported as not supported), or
     * empty for a transport that runs every workload.
     */
    public Optional<String> bandwidthOnly()
    {
        switch (this)
        {
            case SHM_ZERO_COPY:
                return Optional.of("the zero-copy API is for large buffers; small messages of the same nodes are " +
                    "the pekko-shm-remote column");
            case MEMCPY:
                return Optional.of("memcpy is no transport: it is the ceiling of the bandwidth rows");
            default:
                return Optional.empty();
        }
    }

    /**
     * Why this column has no isolation rows (small-message ping-pong while large messages stream beside it), or empty
     * for a transport that runs them: the plugin's byte[] columns and Artery TCP. Sizes a transport cannot carry are
     * reported by {@link #cannotCarry(long)} as usual.
     */
    public Optional<String> noIsolation()
    {
        switch (this)
        {
            case SHM:
            case SHM_DIRECT:
            case SHM_DIRECT_LOW_LATENCY:
            case SHM_DIRECT_INLINE:
            case SHM_CROSS_HOST:
            case ARTERY_TCP:
                return Optional.empty();
            case SHM_CROSS_HOST_SHORT_PARK:
                return Optional.of("not run: the isolation rows across hosts are measured on the default settings' " +
                    "column (pekko-shm-remote across hosts); this one is about the drivers' park in a round trip");
            case SHM_CROSS_HOST_JUMBO:
                return Optional.of("not run: the isolation rows across hosts are measured on the default settings' " +
                    "column (pekko-shm-remote across hosts); this one is about the datagram size's cost");
            case ARTERY_AERON_UDP:
                return Optional.of("Artery Aeron-UDP cannot carry the isolation workload's large messages " +
                    "(Aeron caps one message at 16 MiB)");
            case CLASSIC_NETTY_TCP:
                return Optional.of("not run: classic Netty TCP sends everything of an association down one TCP " +
                    "connection, so a small message waits behind each large frame by design (and its 256 MiB and " +
                    "1 GiB bandwidth fail in full runs)");
            case RAW_AERON_IPC:
                return Optional.of("raw Aeron IPC is the floor of the small-message rows; it carries at most 16 MiB " +
                    "per message and has no second association");
            default:
                return bandwidthOnly();
        }
    }

    /**
     * The plugin's largest payload at its reference settings: the largest blob when the blob store is on, else
     * Aeron's largest message for the term length less the frame header.
     */
    private static long shmLargestPayload()
    {
        final ShmSettings settings = ShmSettings.fromRootConfig(ConfigFactory.defaultReference());
        return settings.blob().maxBytes() > 0 ? BlobPool.largestPayload(settings.blob().maxBytes()) :
            ShmSettings.maxMessageLength(settings.transport().termLength()) - FrameHeaderFlyweight.LENGTH;
    }

    public static Optional<Transport> byId(final String id)
    {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    /**
     * Why this transport cannot carry a message of {@code size} bytes, if it cannot; such a size is not attempted.
     * Artery TCP and classic Netty TCP are configured for every size and attempted (a failure is reported as such).
     */
    public Optional<String> cannotCarry(final long size)
    {
        switch (this)
        {
            case SHM:
            case SHM_DIRECT:
            case SHM_DIRECT_LOW_LATENCY:
            case SHM_DIRECT_INLINE:
            case SHM_CROSS_HOST: // across hosts, large messages go in pieces up to the same bound (blob.max-bytes)
            case SHM_CROSS_HOST_SHORT_PARK:
            case SHM_CROSS_HOST_JUMBO:
            case SHM_ZERO_COPY:
            {
                final long largest = shmLargestPayload();
                return size + ENVELOPE_ALLOWANCE > largest ?
                    Optional.of("the plugin's largest message at its default settings is " + largest + " B") :
                    Optional.empty();
            }
            case ARTERY_AERON_UDP:
                return size + ENVELOPE_ALLOWANCE > AERON_MAX_MESSAGE ?
                    Optional.of("Artery sends each message as one Aeron message, which Aeron caps at " +
                        "16 MiB (term length / 8); payload plus Artery's header does not fit") :
                    Optional.empty();
            case RAW_AERON_IPC:
                return size > AERON_MAX_MESSAGE ?
                    Optional.of("Aeron caps one message at 16 MiB (the floor sends whole messages, " +
                        "not chunks)") :
                    Optional.empty();
            case MEMCPY:
                return size > Integer.MAX_VALUE ? Optional.of("one direct buffer holds at most 2 GiB") :
                    Optional.empty();
            default:
                return Optional.empty();
        }
    }
}
