package io.pekkoshm.benchmarks.report;

import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * One row of the report: which workload's which field, its unit, and which direction is better. The ratio to
 * Artery TCP is the transport's value divided by Artery TCP's, whichever direction is better.
 *
 * @param label          the row heading.
 * @param workload       the workload id whose result holds the value.
 * @param key            the field of that result.
 * @param higherIsBetter true for rates, false for times and CPU.
 * @param headline       whether the row is in the headline table of ratios.
 */
public record Metric(String label, String workload, String key, boolean higherIsBetter, boolean headline)
{
    /**
     * Every row of the figures table, in order.
     *
     * @param firstMessageGapSeconds the idle gap before each first message in this run, for the rows' label (10 s in
     *                               full mode, 3 s in quick mode).
     */
    public static List<Metric> all(final double firstMessageGapSeconds)
    {
        final String tp = WorkloadPlan.throughputId();
        final String pp = WorkloadPlan.pingPongId();
        final List<Metric> rows = new ArrayList<>();
        rows.add(new Metric("64 B one-way throughput, msgs/s", tp, "msgs_per_s", true, true));
        rows.add(new Metric("CPU per 64 B message, µs, both nodes (+ media driver)", tp, "cpu_us_per_msg", false,
            true));
        rows.add(new Metric("ping-pong RTT p50, µs", pp, "p50_us", false, true));
        rows.add(new Metric("ping-pong RTT p90, µs", pp, "p90_us", false, false));
        rows.add(new Metric("ping-pong RTT p99, µs", pp, "p99_us", false, true));
        rows.add(new Metric("ping-pong RTT p99.9, µs", pp, "p999_us", false, true));
        rows.add(new Metric("ping-pong RTT max, µs", pp, "max_us", false, false));
        rows.add(new Metric("CPU per round trip, µs", pp, "cpu_us_per_round_trip", false, false));
        for (final long size : Sizes.BANDWIDTH_SIZES)
        {
            rows.add(new Metric(Sizes.pretty(size) + " one-way bandwidth, MiB/s", WorkloadPlan.bandwidthId(size),
                "mib_per_s", true, true));
        }
        rows.add(new Metric("idle CPU per node, % of a core", "idle", "cpu_pct_core_per_node", false, true));
        rows.add(new Metric("idle CPU of the sending node, % of a core", "idle", "cpu_pct_core_sender", false,
            false));
        rows.add(new Metric("idle CPU of the receiving node, % of a core", "idle", "cpu_pct_core_receiver", false,
            false));
        rows.add(new Metric("idle CPU of the media driver process, % of a core", "idle", "cpu_pct_core_media_driver",
            false, false));
        rows.add(new Metric("idle CPU per node including its share of the media driver (driver / 2), % of a core",
            "idle", "cpu_pct_core_per_node_with_driver_share", false, true));
        final String first = WorkloadPlan.firstAfterIdleId();
        final String gap = firstMessageGapSeconds == Math.rint(firstMessageGapSeconds) ?
            String.format(Locale.ROOT, "%.0f", firstMessageGapSeconds) :
            String.format(Locale.ROOT, "%.1f", firstMessageGapSeconds);
        rows.add(new Metric("first 64 B round trip after " + gap + " s idle, median, µs", first, "median_us", false,
            true));
        rows.add(new Metric("first 64 B round trip after " + gap + " s idle, max, µs", first, "max_us", false,
            false));
        return rows;
    }

    /** Every row of the figures table, with the full mode's idle gap before the first message (10 s). */
    public static List<Metric> all()
    {
        return all(10);
    }

    /** The percentiles of a ping-pong result, as in the ping-pong rows: field and label. */
    static final List<String[]> PERCENTILES = List.of(new String[]{"p50_us", "p50"}, new String[]{"p90_us", "p90"},
        new String[]{"p99_us", "p99"}, new String[]{"p999_us", "p99.9"}, new String[]{"max_us", "max"});

    /**
     * The rows of the isolation table for large messages of {@code size} bytes: the ping-pong's percentiles alone,
     * while they stream on the same association, while they stream on another association of the same node, and the
     * streams' rates.
     */
    public static List<Metric> isolation(final long size)
    {
        final String large = Sizes.pretty(size);
        final List<Metric> rows = new ArrayList<>();
        for (final String condition : WorkloadPlan.ISOLATION_CONDITIONS)
        {
            for (final String[] percentile : PERCENTILES)
            {
                rows.add(new Metric("ping-pong RTT " + percentile[1] + ", µs, " + isolationLabel(condition, large),
                    WorkloadPlan.isolationId(condition, size), percentile[0], false, false));
            }
        }
        rows.add(new Metric(large + " stream on the same association (during the ping-pong), MiB/s",
            WorkloadPlan.isolationId(WorkloadPlan.SAME_ASSOCIATION, size), "stream_mib_per_s", true, false));
        rows.add(new Metric(large + " stream on another association (during the ping-pong), MiB/s",
            WorkloadPlan.isolationId(WorkloadPlan.OTHER_ASSOCIATION, size), "stream_mib_per_s", true, false));
        return rows;
    }

    /** How a row names a condition of the isolation workload, e.g. "while 256 MiB messages stream on ...". */
    public static String isolationLabel(final String condition, final String large)
    {
        switch (condition)
        {
            case WorkloadPlan.ALONE:
                return "alone";
            case WorkloadPlan.SAME_ASSOCIATION:
                return "while " + large + " messages stream on the same association";
            default:
                return "while " + large + " messages stream on another association of the same node";
        }
    }

    /** The value formatted for a table cell: thousands separators, decimals only where they matter. */
    public static String format(final double value)
    {
        if (value >= 100)
        {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (value >= 10)
        {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** A ratio with two significant digits and a times sign. */
    public static String formatRatio(final double ratio)
    {
        if (ratio >= 10)
        {
            return String.format(Locale.ROOT, "%,.0f×", ratio);
        }
        if (ratio >= 0.1)
        {
            return String.format(Locale.ROOT, "%.2f×", ratio);
        }
        return new BigDecimal(ratio).round(new MathContext(2)).toPlainString() + "×";
    }

    /** This metric's value in a measurement, if it is there and ok. */
    public OptionalDouble valueIn(final Measurement measurement)
    {
        return measurement.number(key);
    }
}
