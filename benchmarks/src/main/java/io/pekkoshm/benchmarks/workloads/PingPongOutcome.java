package io.pekkoshm.benchmarks.workloads;

import org.HdrHistogram.Histogram;

/**
 * What a measured ping-pong produced: round-trip times in nanoseconds, how many, over how long, and the CPU time of
 * the processes before and after; turned into a result line by {@link #toResult(CpuMeter)}.
 */
public record PingPongOutcome(Histogram roundTripsNs, long elapsedNs, long[] cpuBefore, long[] cpuAfter)
{
    /** A histogram suitable for round trips from 100 ns to 60 s at 3 significant digits. */
    public static Histogram newHistogram()
    {
        return new Histogram(60_000_000_000L, 3);
    }

    public ResultLine toResult(final CpuMeter cpu)
    {
        return toResult(cpu, WorkloadPlan.pingPongId());
    }

    /** The result under another workload id (the isolation workload's ping-pongs). */
    public ResultLine toResult(final CpuMeter cpu, final String workload)
    {
        final Histogram h = roundTripsNs;
        final long count = h.getTotalCount();
        final ResultLine result = new ResultLine(workload)
            .put("message_bytes", Wire.SMALL_MESSAGE_SIZE)
            .put("round_trips", count)
            .put("seconds", elapsedNs / 1e9)
            .put("p50_us", h.getValueAtPercentile(50) / 1e3)
            .put("p90_us", h.getValueAtPercentile(90) / 1e3)
            .put("p99_us", h.getValueAtPercentile(99) / 1e3)
            .put("p999_us", h.getValueAtPercentile(99.9) / 1e3)
            .put("max_us", h.getMaxValue() / 1e3)
            .put("mean_us", h.getMean() / 1e3);
        cpu.putPerUnit(result, "round_trip", cpuBefore, cpuAfter, count);
        return result;
    }
}
