package io.pekkoshm.benchmarks.transports;

import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.Wire;

import java.nio.file.Path;

/**
 * The configuration of a Pekko benchmark node, per transport: everything not set here is Pekko's (or the plugin's)
 * default. What is set, and why (see shared/MEASUREMENTS.md on measuring Artery fairly):
 * <ul>
 *   <li>all: {@code provider = remote}, port 0, warnings only, byte[] payloads (Pekko's ByteArraySerializer).</li>
 *   <li>Artery: {@code large-message-destinations = ["/user/bulk"]} and {@code maximum-large-frame-size} for the
 *       session's largest message (a user sending large messages must set both); {@code outbound-message-queue-size}
 *       above the throughput window (the default 3072 drops under it); compression advertised every second instead
 *       of every minute, so that a run of seconds sees the steady state a long-lived system has.</li>
 *   <li>Artery Aeron-UDP: the same {@code idle-cpu-level} as the plugin (Pekko's default 5 burns about a core per
 *       JVM polling, which on 2 cores starves everything else); its embedded drivers in directories of this run.</li>
 *   <li>classic Netty TCP: {@code maximum-frame-size} for the session's largest message.</li>
 *   <li>the plugin (byte[] messages, and its zero-copy API): a directory of this run, {@code driver.mode = auto}
 *       with a 2 s idle timeout; everything else (term length, blob store) at its defaults. Its direct-path columns
 *       (shm-direct, shm-direct-low-latency, shm-cross-host, and the zero-copy API's) are turned on by the one line a
 *       user writes, {@code include "pekko-shm-remote"}; the low-latency one also sets {@code idle-cpu-level = 9}.
 *       Only the classic-mode column (shm) runs Pekko's own provider. The cross-host column's nodes each get the
 *       directory and address of their simulated host ({@link NodeHost}), {@code cross-host.enabled = on} and the
 *       session's secret file; everything else as shm-direct's (its second column also sets
 *       {@code driver.max-park = 100 us}, its third {@code cross-host.mtu = 8192}).</li>
 * </ul>
 */
public final class NodeConfigs
{
    /** Artery's and Netty's frame sizes are the payload plus this, for the envelope. */
    private static final long FRAME_MARGIN = 64 * Sizes.KIB;
    /**
     * The plugin's latency knob "up" on this 2-core machine: pollers park at most 10 us. Level 10 (busy-spin) would
     * give each of the two nodes' pollers a whole core and starve the actors' own threads.
     */
    private static final int LOW_LATENCY_IDLE_CPU_LEVEL = 9;
    /** The media drivers' longest park of the second cross-host column (the default is 10 ms). */
    private static final String SHORT_DRIVER_PARK = "100 us";
    /** The datagram size of the jumbo-frames cross-host column (the default is 1408). */
    private static final int JUMBO_MTU = 8192;

    private NodeConfigs()
    {
    }

    /**
     * True for the plugin's columns that run on the direct path (the one-line configuration): shm-direct, its
     * low-latency variant, and the zero-copy API's, whose blobs then travel the way an application's would.
     */
    public static boolean directPath(final Transport transport)
    {
        return transport == Transport.SHM_DIRECT || transport == Transport.SHM_DIRECT_LOW_LATENCY ||
            transport == Transport.SHM_DIRECT_INLINE || transport.crossHost() || transport == Transport.SHM_ZERO_COPY;
    }

    /**
     * @param transport      a Pekko transport.
     * @param largestPayload the largest payload of the session, in bytes.
     * @param host           where the plugin's node runs: its directory (and its simulated host, for the cross-host
     *                       column, which needs one).
     * @param aeronDirectory the Artery Aeron-UDP embedded driver's directory for this node.
     * @param idleCpuLevel   the idle-cpu-level of the plugin and of Artery Aeron-UDP.
     */
    public static String hocon(final Transport transport, final long largestPayload, final NodeHost host,
        final Path aeronDirectory, final int idleCpuLevel)
    {
        final StringBuilder conf = new StringBuilder(1024)
            .append("# Written by the benchmark runner for one session of ").append(transport.label()).append('\n')
            .append("pekko {\n")
            .append("  loglevel = WARNING\n")
            .append("  stdout-loglevel = WARNING\n")
            .append("  log-dead-letters = off\n")
            .append("  log-dead-letters-during-shutdown = off\n")
            .append("  actor.provider = remote\n")
            .append("  remote.warn-about-direct-use = off\n")
            .append("}\n");
        final long frame = Math.max(2 * Sizes.MIB, largestPayload + FRAME_MARGIN);
        switch (transport)
        {
            case SHM:
            case SHM_ZERO_COPY:
            case SHM_DIRECT:
            case SHM_DIRECT_LOW_LATENCY:
            case SHM_DIRECT_INLINE:
            case SHM_CROSS_HOST:
            case SHM_CROSS_HOST_SHORT_PARK:
            case SHM_CROSS_HOST_JUMBO:
                shm(conf, transport, host, idleCpuLevel);
                break;
            case ARTERY_TCP:
            case ARTERY_AERON_UDP:
                conf.append("pekko.remote.artery {\n")
                    .append("  enabled = on\n")
                    .append("  transport = ")
                    .append(transport == Transport.ARTERY_TCP ? "tcp" : "aeron-udp").append('\n')
                    .append("  canonical.hostname = \"127.0.0.1\"\n")
                    .append("  canonical.port = 0\n")
                    .append("  large-message-destinations = [\"/user/bulk\"]\n")
                    .append("  advanced {\n")
                    .append("    maximum-large-frame-size = ").append(frame).append('\n')
                    .append("    outbound-message-queue-size = ").append(2 * Wire.WINDOW).append('\n')
                    .append("    compression.actor-refs.advertisement-interval = 1 s\n")
                    .append("    compression.manifests.advertisement-interval = 1 s\n");
                if (transport == Transport.ARTERY_AERON_UDP)
                {
                    conf.append("    aeron {\n")
                        .append("      aeron-dir = \"").append(aeronDirectory).append("\"\n")
                        .append("      delete-aeron-dir = yes\n")
                        .append("      idle-cpu-level = ").append(idleCpuLevel).append('\n')
                        .append("    }\n");
                }
                conf.append("  }\n").append("}\n");
                break;
            case CLASSIC_NETTY_TCP:
                conf.append("pekko.remote.artery.enabled = off\n")
                    .append("pekko.remote.classic.enabled-transports = [\"pekko.remote.classic.netty.tcp\"]\n")
                    .append("pekko.remote.classic.netty.tcp {\n")
                    .append("  hostname = \"127.0.0.1\"\n")
                    .append("  port = 0\n")
                    .append("  maximum-frame-size = ").append(frame).append('\n')
                    .append("}\n");
                break;
            default:
                throw new IllegalArgumentException(transport + " is not a Pekko transport");
        }
        return conf.toString();
    }

    /** The plugin's part of a node's configuration. */
    private static void shm(final StringBuilder conf, final Transport transport, final NodeHost host,
        final int idleCpuLevel)
    {
        if (transport.crossHost() != host.simulatedHostname().isPresent())
        {
            throw new IllegalArgumentException(transport.crossHost() ? transport.id() + " needs a simulated host " +
                "(a hostname and the shared secret), not " + host : "only the cross-host column runs on a " +
                "simulated host, not " + transport.id());
        }
        if (directPath(transport))
        {
            conf.append("include \"pekko-shm-remote\"\n"); // the one line a user writes
        }
        else
        {
            // the compatibility mode: Pekko's own provider, every message through classic's pipeline
            conf.append("pekko.remote.artery.enabled = off\n")
                .append("pekko.remote.classic.enabled-transports = [\"pekko.remote.shm\"]\n");
        }
        conf.append("pekko.remote.shm {\n")
            .append("  port = 0\n")
            .append("  directory = \"").append(host.directory()).append("\"\n")
            .append("  driver.mode = auto\n")
            .append("  driver.idle-timeout = 2 s\n")
            .append("  idle-cpu-level = ").append(transport == Transport.SHM_DIRECT_LOW_LATENCY ||
                transport == Transport.SHM_DIRECT_INLINE ? LOW_LATENCY_IDLE_CPU_LEVEL : idleCpuLevel)
            .append('\n');
        if (transport.crossHost())
        {
            // a simulated host: its address (the UDP endpoint's too) and the secret every host's nodes share
            conf.append("  hostname = \"").append(host.hostname()).append("\"\n")
                .append("  cross-host.enabled = on\n")
                .append("  cross-host.secret-file = \"").append(host.secretFile()).append("\"\n");
        }
        if (transport == Transport.SHM_CROSS_HOST_SHORT_PARK)
        {
            conf.append("  driver.max-park = ").append(SHORT_DRIVER_PARK).append('\n');
        }
        if (transport == Transport.SHM_CROSS_HOST_JUMBO)
        {
            conf.append("  cross-host.mtu = ").append(JUMBO_MTU).append('\n');
        }
        conf.append("}\n");
        if (transport == Transport.SHM_DIRECT_INLINE)
        {
            // the ping-pong's actors run on the node's thread; the bulk actors stay on the default dispatcher
            conf.append("pekko.actor.deployment {\n")
                .append("  \"/driver\".dispatcher = \"pekko.remote.shm.inline-dispatcher\"\n")
                .append("  \"/peer\".dispatcher = \"pekko.remote.shm.inline-dispatcher\"\n")
                .append("}\n");
        }
    }
}
