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
    /** Every row of the figures table, in order. */
    public static List<Metric> all()
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
        rows.add(new Metric("idle CPU of the media driver process, % of a core", "idle", "cpu_pct_core_media_driver",
            false, false));
        return rows;
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
