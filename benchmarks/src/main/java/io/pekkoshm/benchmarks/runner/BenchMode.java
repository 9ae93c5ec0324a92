package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;

import java.util.List;
import java.util.TreeSet;

/**
 * How long and how much: the bounds of every workload, the bandwidth sizes, the isolation workload's sizes and the
 * idle window of a run. {@code full} takes about 15 minutes on 2 cores, plus the isolation sessions (256 MiB and
 * 1 GiB); {@code quick} about 3 (shorter bounds, bandwidth of 1 MiB and 16 MiB only, isolation with 256 MiB messages
 * only, 1 GiB reported as skipped); {@code tiny} seconds per transport, only to prove that a table still comes out
 * (CI): its figures mean little, and its isolation workload streams 16 MiB messages (above the plugin's 256 KiB blob
 * threshold, so they take the large-body path) instead of 256 MiB and 1 GiB, which it reports as skipped.
 *
 * @param name           quick, full or tiny.
 * @param bounds         the workloads' bounds (which workloads run is decided per session).
 * @param bandwidthSizes the bandwidth workload's message sizes in this mode.
 * @param allSizes       every size of the full comparison (those not run in this mode are reported as skipped).
 * @param isolationSizes the large messages the isolation workload streams in this mode, a session each.
 * @param idleSettleMs   after the workloads, how long to wait before measuring idle CPU.
 * @param idleMeasureMs  how long idle CPU is measured: 10 s in full and quick mode, so that 10 ms ticks resolve 0.1 %
 *                       of a core (a node's 0.5 % must be told from Artery's 0.7 %).
 * <p>
 * The first message after idle (issue 16) waits 10 s before each of 5 round trips in full mode, 3 s before each of 3
 * in quick mode (the row's label says which), 0.5 s before each of 2 in tiny mode.
 */
public record BenchMode(String name, WorkloadPlan bounds, List<Long> bandwidthSizes, List<Long> allSizes,
    List<Long> isolationSizes, long idleSettleMs, long idleMeasureMs)
{
    public static final List<Long> SIZES = Sizes.BANDWIDTH_SIZES;

    public BenchMode
    {
        bandwidthSizes = List.copyOf(bandwidthSizes);
        allSizes = List.copyOf(allSizes);
        isolationSizes = List.copyOf(isolationSizes);
    }

    public static BenchMode full()
    {
        return new BenchMode("full",
            new WorkloadPlan(true, 5_000, 15_000, 100_000_000, true, 3_000, 15_000, 5_000_000,
                List.of(), 3_000, 8_000, 8 * Sizes.GIB, 1, 30_000, 0, 10_000, 5),
            SIZES, SIZES, Sizes.ISOLATION_SIZES, 2_000, 10_000);
    }

    public static BenchMode quick()
    {
        return new BenchMode("quick",
            new WorkloadPlan(true, 2_000, 3_000, 20_000_000, true, 1_000, 2_500, 1_000_000,
                List.of(), 1_000, 2_000, Sizes.GIB, 1, 20_000, 0, 3_000, 3),
            SIZES.subList(0, 2), SIZES, List.of(256 * Sizes.MIB), 1_000, 10_000);
    }

    public static BenchMode tiny()
    {
        return new BenchMode("tiny",
            new WorkloadPlan(true, 300, 700, 1_000_000, true, 200, 500, 100_000,
                List.of(), 200, 300, 64 * Sizes.MIB, 1, 15_000, 0, 500, 2),
            SIZES.subList(0, 1), SIZES, List.of(16 * Sizes.MIB), 200, 500);
    }

    /** The isolation sizes this mode runs and those of the full comparison, ascending (those not run are skipped). */
    public List<Long> allIsolationSizes()
    {
        final TreeSet<Long> all = new TreeSet<>(Sizes.ISOLATION_SIZES);
        all.addAll(isolationSizes);
        return List.copyOf(all);
    }

    public static BenchMode byName(final String name)
    {
        switch (name)
        {
            case "full": return full();
            case "quick": return quick();
            case "tiny": return tiny();
            default: throw new IllegalArgumentException("bench.mode must be quick, full or tiny, not " + name);
        }
    }
}
