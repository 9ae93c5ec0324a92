package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One pair of JVMs started for a transport, and what it runs. The main session runs throughput, ping-pong, the
 * small bandwidth sizes and the idle measurement; every larger size gets a session of its own, because a transport is
 * configured for the largest message it must carry (Artery allocates every large-message buffer at
 * {@code maximum-large-frame-size}, so one configuration for 1 MiB and 1 GiB would be unfair to it at 1 MiB).
 * Each size of the isolation workload gets a session of its own too, configured for that size, with a third JVM
 * that streams from another association ({@link #streamer()}).
 *
 * @param name           main, the size (e.g. 256MiB), or isolation- and the size.
 * @param plan           the driver's workloads.
 * @param largestPayload the largest message of the session, for frame sizes, term length and heap.
 * @param measureIdle    whether the runner measures idle CPU at the end.
 */
record Session(String name, WorkloadPlan plan, long largestPayload, boolean measureIdle)
{
    /** Sizes up to this go into the main session (every transport's defaults carry them). */
    private static final long MAIN_SESSION_MAX = Sizes.MIB;

    /**
     * The sessions of a transport in a mode; sizes the transport cannot carry, or the mode does not run, are added
     * to {@code notRun} as results instead.
     */
    static List<Session> plan(final Transport transport, final BenchMode mode, final List<ResultLine> notRun)
    {
        final List<Long> mainSizes = new ArrayList<>();
        final List<Session> sessions = new ArrayList<>();
        for (final long size : mode.allSizes())
        {
            final String id = WorkloadPlan.bandwidthId(size);
            final Optional<String> cannot = transport.cannotCarry(size);
            if (cannot.isPresent())
            {
                notRun.add(new ResultLine(id).put("message_bytes", size).status(ResultLine.NOT_SUPPORTED,
                    cannot.get()));
            }
            else if (!mode.bandwidthSizes().contains(size))
            {
                notRun.add(new ResultLine(id).put("message_bytes", size)
                    .status(ResultLine.SKIPPED, "not run in " + mode.name() + " mode (the full mode runs every size)"));
            }
            else if (size <= MAIN_SESSION_MAX)
            {
                mainSizes.add(size);
            }
            else
            {
                sessions.add(new Session(Sizes.label(size), mode.bounds().with(false, false, List.of(size)), size,
                    false));
            }
        }
        isolation(transport, mode, notRun, sessions);
        final long mainLargest = mainSizes.stream().mapToLong(Long::longValue).max().orElse(MAIN_SESSION_MAX);
        final Optional<String> bandwidthOnly = transport.bandwidthOnly();
        if (bandwidthOnly.isPresent())
        {
            for (final String id : List.of(WorkloadPlan.throughputId(), WorkloadPlan.pingPongId(),
                WorkloadPlan.firstAfterIdleId(), "idle"))
            {
                notRun.add(new ResultLine(id).status(ResultLine.NOT_SUPPORTED, bandwidthOnly.get()));
            }
            if (!mainSizes.isEmpty())
            {
                sessions.add(0, new Session("main", mode.bounds().with(false, false, mainSizes), mainLargest, false));
            }
            return sessions;
        }
        sessions.add(0, new Session("main", mode.bounds().with(true, true, mainSizes), mainLargest, true));
        return sessions;
    }

    /** The isolation sessions of a transport, one per size the mode runs; the rest go to {@code notRun}. */
    private static void isolation(final Transport transport, final BenchMode mode, final List<ResultLine> notRun,
        final List<Session> sessions)
    {
        for (final long size : mode.allIsolationSizes())
        {
            final Optional<String> cannot = transport.noIsolation().or(() -> transport.cannotCarry(size));
            final String skipped = mode.isolationSizes().contains(size) ? null :
                "not run in " + mode.name() + " mode (the full mode streams " +
                Sizes.pretty(Sizes.ISOLATION_SIZES.get(0)) + " and " + Sizes.pretty(Sizes.ISOLATION_SIZES.get(1)) +
                " messages)";
            if (cannot.isEmpty() && null == skipped)
            {
                sessions.add(new Session("isolation-" + Sizes.label(size), mode.bounds().isolationOnly(size), size,
                    false));
                continue;
            }
            for (final String condition : WorkloadPlan.ISOLATION_CONDITIONS)
            {
                notRun.add(new ResultLine(WorkloadPlan.isolationId(condition, size))
                    .put("stream_message_bytes", size)
                    .status(cannot.isPresent() ? ResultLine.NOT_SUPPORTED : ResultLine.SKIPPED,
                        cannot.orElse(skipped)));
            }
        }
    }

    /** The kind of session that {@code bench.sessions} chooses by: main, bandwidth or isolation. */
    String kind()
    {
        if (streamer())
        {
            return "isolation";
        }
        return "main".equals(name) ? "main" : "bandwidth";
    }

    /** True if the session needs a third JVM that streams large messages to the peer (the isolation workload). */
    boolean streamer()
    {
        return plan.isolationSize() > 0;
    }

    /** Heap for each node: room for a few copies of the largest message (Pekko copies a payload several times). */
    String maxHeap()
    {
        final long mib = Math.max(1024, 6 * (largestPayload / Sizes.MIB) + 1024);
        return "-Xmx" + mib + "m";
    }
}
