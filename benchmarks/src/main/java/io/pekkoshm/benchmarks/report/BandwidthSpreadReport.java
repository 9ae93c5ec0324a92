package io.pekkoshm.benchmarks.report;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.BandwidthSample;
import io.pekkoshm.benchmarks.workloads.SampleStats;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The section "Bandwidth: spread across samples" of {@code results.md}: per size and transport, the median, minimum
 * and maximum MiB/s of the bandwidth workload's samples, max / min and the sample count; then a line per size and
 * transport that puts the slowest sample's page faults, garbage collections, CPU and load next to the median
 * sample's. Only results that carry samples have a row (older {@code results.jsonl} lines have none); without any,
 * no section.
 */
final class BandwidthSpreadReport
{
    private final ResultSet results;

    BandwidthSpreadReport(final ResultSet results)
    {
        this.results = results;
    }

    /** A result with samples: where it is in the table. */
    private record Row(long size, Transport transport, Measurement measurement)
    {
    }

    void render(final StringBuilder md)
    {
        final List<Row> rows = new ArrayList<>();
        for (final long size : Sizes.BANDWIDTH_SIZES)
        {
            for (final Transport transport : results.transports())
            {
                final Optional<Measurement> m = results.find(transport, WorkloadPlan.bandwidthId(size));
                if (m.isPresent() && m.get().number("sample_count").isPresent())
                {
                    rows.add(new Row(size, transport, m.get()));
                }
            }
        }
        if (rows.isEmpty())
        {
            return;
        }
        md.append("## Bandwidth: spread across samples\n\n")
            .append("Each bandwidth figure above is the median of samples taken one after the other in the same " +
                "run, after the warm-up: each a contiguous part of the measured messages with the same " +
                "acknowledged window, timed from its first send to its last acknowledgement. Min and max are the " +
                "slowest and the fastest sample.\n\n")
            .append("| message size | transport | median, MiB/s | min, MiB/s | max, MiB/s | max / min | samples |\n")
            .append("|---|---|---:|---:|---:|---:|---:|\n");
        for (final Row row : rows)
        {
            final Measurement m = row.measurement();
            final OptionalDouble min = m.number("sample_mib_per_s_min");
            final OptionalDouble max = m.number("sample_mib_per_s_max");
            md.append("| ").append(Sizes.pretty(row.size())).append(" | ").append(row.transport().label())
                .append(" | ").append(figure(m.number("sample_mib_per_s_median")))
                .append(" | ").append(figure(min))
                .append(" | ").append(figure(max))
                .append(" | ").append(min.isPresent() && max.isPresent() && min.getAsDouble() > 0 ?
                    Metric.formatRatio(max.getAsDouble() / min.getAsDouble()) : "–")
                .append(" | ").append(String.format(Locale.ROOT, "%.0f", m.number("sample_count").getAsDouble()))
                .append(" |\n");
        }
        md.append("\nThe slowest sample next to the median one: the sending JVM's page faults, garbage collections " +
            "and CPU time during each, and the machine's 1-minute load average at its end.\n\n");
        for (final Row row : rows)
        {
            final List<BandwidthSample> samples = results.samples(row.transport(),
                WorkloadPlan.bandwidthId(row.size()));
            if (!samples.isEmpty())
            {
                md.append("- ").append(Sizes.pretty(row.size())).append(", ").append(row.transport().label())
                    .append(": ").append(slowestAgainstMedian(samples)).append('\n');
            }
        }
        md.append('\n');
    }

    /** One line: the slowest sample's figures, each next to the median sample's. */
    static String slowestAgainstMedian(final List<BandwidthSample> samples)
    {
        final double[] rates = samples.stream().mapToDouble(BandwidthSample::mibPerS).toArray();
        final int slowest = SampleStats.minIndex(rates);
        final int median = SampleStats.medianIndex(rates);
        final BandwidthSample slow = samples.get(slowest);
        final String slowText = String.format(Locale.ROOT, "sample %d of %d, %s MiB/s (%,d messages in %.3f s)",
            slowest + 1, samples.size(), Metric.format(slow.mibPerS()), slow.messages(), slow.seconds());
        if (slowest == median)
        {
            return "the slowest sample is the median one, " + slowText + ": " + counters(slow, null);
        }
        final BandwidthSample mid = samples.get(median);
        return "slowest " + slowText + " against the median sample " + (median + 1) + ", " +
            Metric.format(mid.mibPerS()) + " MiB/s: " + counters(slow, mid);
    }

    /** The counters of {@code slow}, each followed by {@code mid}'s if there is one. */
    private static String counters(final BandwidthSample slow, final BandwidthSample mid)
    {
        return String.join(", ",
            "minor page faults " + pair(slow, mid, s -> count(s.used().minorFaults())),
            "major " + pair(slow, mid, s -> count(s.used().majorFaults())),
            "GCs " + pair(slow, mid, s -> count(s.used().gcCount()) + " (" + count(s.used().gcMs()) + " ms)"),
            "CPU " + pair(slow, mid, s -> s.used().cpuNs() < 0 ? "–" : Metric.format(s.used().cpuNs() / 1e6)) +
                " ms",
            "load " + pair(slow, mid, s -> load(s.loadAverage())));
    }

    private static String pair(final BandwidthSample slow, final BandwidthSample mid,
        final Function<BandwidthSample, String> text)
    {
        return text.apply(slow) + (null == mid ? "" : " against " + text.apply(mid));
    }

    private static String count(final long value)
    {
        return value < 0 ? "–" : String.format(Locale.ROOT, "%,d", value);
    }

    private static String load(final double value)
    {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "–";
    }

    private static String figure(final OptionalDouble value)
    {
        return value.isPresent() ? Metric.format(value.getAsDouble()) : "–";
    }
}
