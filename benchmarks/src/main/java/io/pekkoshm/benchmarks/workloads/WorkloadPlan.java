package io.pekkoshm.benchmarks.workloads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the driver node of one session runs, and how long each part may take. Every loop is bounded both in count
 * and in time: whichever bound comes first ends it.
 *
 * @param throughput       run the one-way 64-byte throughput workload.
 * @param tpWarmupMs       throughput warm-up, time bound.
 * @param tpMeasureMs      throughput measurement, time bound.
 * @param tpMaxMessages    throughput measurement, count bound (rounded down to whole acknowledgement batches).
 * @param pingPong         run the ping-pong workload.
 * @param ppWarmupMs       ping-pong warm-up, time bound.
 * @param ppMeasureMs      ping-pong measurement, time bound.
 * @param ppMaxRoundTrips  ping-pong measurement, count bound.
 * @param bandwidthSizes   message sizes of the one-way bandwidth workload, in bytes, one after the other.
 * @param bwWarmupMs       bandwidth warm-up per size, time bound (at least one message is sent).
 * @param bwMeasureMs      bandwidth measurement per size, time bound (at least {@code bwMinMessages} are sent),
 *                         shared among its samples ({@link BandwidthSamples}).
 * @param bwMaxBytes       bandwidth measurement per size, bound on the bytes sent, shared among its samples.
 * @param bwMinMessages    bandwidth measurement per size, messages always sent whatever the time (at least one per
 *                         sample).
 * @param ackTimeoutMs     how long any one acknowledgement (or pong) may take before the workload fails; for
 *                         bandwidth, see {@link #bandwidthAckTimeoutMs(long)}.
 * @param isolationSize    the large messages of the isolation workload, in bytes, or 0 for none: a ping-pong to
 *                         warm up, then ping-pong alone, then while this node streams them to the peer, then
 *                         while another node does (the ping-pong bounds; the stream's acknowledgements as the
 *                         bandwidth workload's for that size).
 * @param firstGapMs       the first-message-after-idle workload: how long the nodes stay idle before each timed
 *                         round trip (issue 16 asks for 10 s).
 * @param firstRepeats     how many idle gaps and timed round trips it makes, or 0 for none; it runs with the
 *                         ping-pong (it uses the same actors), after the bandwidth sizes.
 */
public record WorkloadPlan(
    boolean throughput, long tpWarmupMs, long tpMeasureMs, long tpMaxMessages,
    boolean pingPong, long ppWarmupMs, long ppMeasureMs, long ppMaxRoundTrips,
    List<Long> bandwidthSizes, long bwWarmupMs, long bwMeasureMs, long bwMaxBytes, long bwMinMessages,
    long ackTimeoutMs, long isolationSize, long firstGapMs, long firstRepeats)
{
    /** The isolation workload's conditions, in the order run: the id's middle part. */
    public static final String ALONE = "alone";
    public static final String SAME_ASSOCIATION = "same";
    public static final String OTHER_ASSOCIATION = "other";
    public static final List<String> ISOLATION_CONDITIONS = List.of(ALONE, SAME_ASSOCIATION, OTHER_ASSOCIATION);

    public WorkloadPlan
    {
        bandwidthSizes = List.copyOf(bandwidthSizes);
    }

    /**
     * The same bounds with other workloads switched on (and no isolation workload); the first message after idle
     * runs with the ping-pong.
     */
    public WorkloadPlan with(final boolean throughput, final boolean pingPong, final List<Long> bandwidthSizes)
    {
        return new WorkloadPlan(throughput, tpWarmupMs, tpMeasureMs, tpMaxMessages, pingPong, ppWarmupMs,
            ppMeasureMs, ppMaxRoundTrips, bandwidthSizes, bwWarmupMs, bwMeasureMs, bwMaxBytes, bwMinMessages,
            ackTimeoutMs, 0, firstGapMs, pingPong ? firstRepeats : 0);
    }

    /** The same bounds running only the isolation workload, with large messages of {@code size} bytes. */
    public WorkloadPlan isolationOnly(final long size)
    {
        return new WorkloadPlan(false, tpWarmupMs, tpMeasureMs, tpMaxMessages, false, ppWarmupMs, ppMeasureMs,
            ppMaxRoundTrips, List.of(), bwWarmupMs, bwMeasureMs, bwMaxBytes, bwMinMessages, ackTimeoutMs, size,
            firstGapMs, 0);
    }

    /** Milliseconds per GiB that a bandwidth message may take to be acknowledged, at least. */
    public static final long BANDWIDTH_ACK_MS_PER_GIB = 90_000;

    /**
     * How long one bandwidth message of {@code size} bytes may take to be acknowledged: {@code ackTimeoutMs}, or
     * {@link #BANDWIDTH_ACK_MS_PER_GIB} pro rata if longer (a first 1 GiB message through Pekko's copies and fresh
     * pages takes tens of seconds on 2 cores).
     */
    public long bandwidthAckTimeoutMs(final long size)
    {
        return Math.max(ackTimeoutMs, size * BANDWIDTH_ACK_MS_PER_GIB / (1L << 30));
    }

    /** How long a driver needs for this plan at worst when nothing fails, before margins. */
    public long budgetMs()
    {
        long ms = 0;
        if (throughput)
        {
            ms += tpWarmupMs + tpMeasureMs + ackTimeoutMs;
        }
        if (pingPong)
        {
            ms += ppWarmupMs + ppMeasureMs + ackTimeoutMs;
        }
        for (final long size : bandwidthSizes)
        {
            // the warm-up and each sample end by draining their acknowledgements
            ms += bwWarmupMs + bwMeasureMs + (1 + BandwidthSamples.COUNT) * bandwidthAckTimeoutMs(size);
        }
        if (isolationSize > 0)
        {
            // four ping-pongs (one to warm up), each allowed the stream's bound per pong; two streams to start and
            // to drain
            final long streamMs = bandwidthAckTimeoutMs(isolationSize);
            ms += 4 * (ppWarmupMs + ppMeasureMs + streamMs) + 4 * streamMs;
        }
        ms += firstRepeats * (firstGapMs + ackTimeoutMs);
        return ms;
    }

    /** The workload ids this plan reports on, in order. */
    public List<String> workloadIds()
    {
        final List<String> ids = new ArrayList<>();
        if (throughput)
        {
            ids.add(throughputId());
        }
        if (pingPong)
        {
            ids.add(pingPongId());
        }
        for (final long size : bandwidthSizes)
        {
            ids.add(bandwidthId(size));
        }
        if (isolationSize > 0)
        {
            ISOLATION_CONDITIONS.forEach(c -> ids.add(isolationId(c, isolationSize)));
        }
        if (firstRepeats > 0)
        {
            ids.add(firstAfterIdleId());
        }
        return ids;
    }

    public static String throughputId()
    {
        return "throughput-" + Wire.SMALL_MESSAGE_SIZE + "B";
    }

    public static String pingPongId()
    {
        return "pingpong-" + Wire.SMALL_MESSAGE_SIZE + "B";
    }

    /** The first 64 B round trip after the nodes have been idle (issue 16), timed a few times. */
    public static String firstAfterIdleId()
    {
        return "first-after-idle-" + Wire.SMALL_MESSAGE_SIZE + "B";
    }

    /**
     * How old the youngest node JVM of a mesh is, at the least, when its idle CPU is read the second time, at rest:
     * the same age for every transport, so that the window finds each mesh at rest whatever its start-up took (an
     * 8-node Artery TCP mesh associates in about 100 s on 2 cores, the plugin's in about 15), with the JIT done with
     * what the start-up and the warm-up ran (code that runs once a second is compiled only after minutes).
     */
    public static final Duration MESH_AT_REST_AGE = Duration.ofSeconds(120);

    /**
     * The id of one part of a mesh session of {@code nodes} nodes (issue 19): e.g. {@code mesh-4-idle}, or
     * {@code mesh-4-pingpong-64B-others-busy}.
     */
    public static String meshId(final int nodes, final String part)
    {
        return "mesh-" + nodes + "-" + part;
    }

    public static String bandwidthId(final long size)
    {
        return "bandwidth-" + Sizes.label(size);
    }

    /**
     * The id of one condition of the isolation workload: e.g. {@code isolation-same-256MiB}, the ping-pong while
     * 256 MiB messages stream on the same association.
     *
     * @param condition one of {@link #ISOLATION_CONDITIONS}.
     * @param size      the large messages' size in bytes.
     */
    public static String isolationId(final String condition, final long size)
    {
        return "isolation-" + condition + "-" + Sizes.label(size);
    }

    public List<String> toArgs()
    {
        final List<String> args = new ArrayList<>();
        args.add("throughput=" + throughput);
        args.add("tpWarmupMs=" + tpWarmupMs);
        args.add("tpMeasureMs=" + tpMeasureMs);
        args.add("tpMaxMessages=" + tpMaxMessages);
        args.add("pingPong=" + pingPong);
        args.add("ppWarmupMs=" + ppWarmupMs);
        args.add("ppMeasureMs=" + ppMeasureMs);
        args.add("ppMaxRoundTrips=" + ppMaxRoundTrips);
        final StringBuilder sizes = new StringBuilder();
        for (final long size : bandwidthSizes)
        {
            sizes.append(sizes.length() > 0 ? "," : "").append(size);
        }
        args.add("bandwidthSizes=" + sizes);
        args.add("bwWarmupMs=" + bwWarmupMs);
        args.add("bwMeasureMs=" + bwMeasureMs);
        args.add("bwMaxBytes=" + bwMaxBytes);
        args.add("bwMinMessages=" + bwMinMessages);
        args.add("ackTimeoutMs=" + ackTimeoutMs);
        args.add("isolationSize=" + isolationSize);
        args.add("firstGapMs=" + firstGapMs);
        args.add("firstRepeats=" + firstRepeats);
        return args;
    }

    public static WorkloadPlan fromArgs(final NodeArgs args)
    {
        final List<Long> sizes = new ArrayList<>();
        for (final String size : args.get("bandwidthSizes").split(","))
        {
            if (!size.isBlank())
            {
                sizes.add(Long.parseLong(size.trim()));
            }
        }
        return new WorkloadPlan(
            Boolean.parseBoolean(args.get("throughput")), args.getLong("tpWarmupMs"), args.getLong("tpMeasureMs"),
            args.getLong("tpMaxMessages"),
            Boolean.parseBoolean(args.get("pingPong")), args.getLong("ppWarmupMs"), args.getLong("ppMeasureMs"),
            args.getLong("ppMaxRoundTrips"),
            sizes, args.getLong("bwWarmupMs"), args.getLong("bwMeasureMs"), args.getLong("bwMaxBytes"),
            args.getLong("bwMinMessages"), args.getLong("ackTimeoutMs"), args.getLong("isolationSize", 0),
            args.getLong("firstGapMs", 0), args.getLong("firstRepeats", 0));
    }
}
