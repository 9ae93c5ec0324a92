package io.pekkoshm.benchmarks.report;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * {@code results.md}: the headline (ratios to Artery TCP), every figure, and a numbered note for every cell that
 * holds no figure (not supported, skipped, failed: with the reason), then how the run was made.
 */
public final class MarkdownReport
{
    private final ResultSet results;
    private final MachineInfo machine;
    private final String mode;
    private final long durationSeconds;
    private final List<String> runNotes;
    private final List<String> settings;
    private final Map<String, Note> notes = new LinkedHashMap<>();

    /** A cell without a figure: why, and for which workloads of a transport. */
    private record Note(int number, String transport, String status, String reason, List<String> workloads)
    {
    }

    /**
     * @param runNotes remarks about the run itself (clean-up that was needed, a chart that could not be drawn).
     * @param settings how the run was made, one bullet each.
     */
    public MarkdownReport(final ResultSet results, final MachineInfo machine, final String mode,
        final long durationSeconds, final List<String> runNotes, final List<String> settings)
    {
        this.results = results;
        this.machine = machine;
        this.mode = mode;
        this.durationSeconds = durationSeconds;
        this.runNotes = List.copyOf(runNotes);
        this.settings = List.copyOf(settings);
    }

    public String render()
    {
        final StringBuilder md = new StringBuilder(8192);
        md.append("# pekko-shm-remote benchmarks, ")
            .append(machine.started().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")))
            .append(" (").append(mode).append(" mode)\n\n")
            .append("Machine: ").append(machine.summary()).append(".  \n")
            .append("The run took ").append(durationSeconds / 60).append(" min ")
            .append(String.format("%02d", durationSeconds % 60)).append(" s. ")
            .append("Two JVMs on this host per transport, one transport at a time, byte[] payloads (Pekko's " +
                "ByteArraySerializer). Absolute figures drift on a shared machine: compare within one run.\n\n");

        final List<Metric> metrics = Metric.all(results.firstMessageGapSeconds());
        if (results.hasBaseline())
        {
            md.append("## Headline: ratio to Artery TCP\n\n")
                .append("Each transport's figure divided by Artery TCP's, from the same run. Above 1× is more for " +
                    "rows marked *higher*, more time or CPU for rows marked *lower*.\n\n");
            header(md, "workload | better", results.compared());
            for (final Metric metric : metrics)
            {
                if (metric.headline())
                {
                    md.append("| ").append(metric.label()).append(" | ")
                        .append(metric.higherIsBetter() ? "higher" : "lower");
                    for (final Transport transport : results.compared())
                    {
                        final OptionalDouble ratio = results.ratio(transport, metric);
                        md.append(" | ").append(ratio.isPresent() ? Metric.formatRatio(ratio.getAsDouble()) :
                            missing(transport, metric));
                    }
                    md.append(" |\n");
                }
            }
            md.append('\n');
        }

        md.append("## Figures\n\n");
        header(md, "workload", results.transports());
        for (final Metric metric : metrics)
        {
            md.append("| ").append(metric.label());
            for (final Transport transport : results.transports())
            {
                final OptionalDouble value = results.value(transport, metric);
                md.append(" | ").append(value.isPresent() ? Metric.format(value.getAsDouble()) +
                    detail(transport, metric) :
                    missing(transport, metric));
            }
            md.append(" |\n");
        }
        md.append('\n');
        new BandwidthSpreadReport(results).render(md);
        isolation(md);
        new MeshReport(results, this::missing).render(md);
        zeroCopyAgainstMemcpy(md);

        if (!notes.isEmpty())
        {
            md.append("## Notes\n\n");
            for (final Note note : notes.values())
            {
                md.append(note.number()).append(". ").append(note.transport()).append(", ")
                    .append(String.join(", ", note.workloads())).append(" — ").append(note.status()).append(": ")
                    .append(note.reason()).append('\n');
            }
            md.append('\n');
        }
        if (!runNotes.isEmpty())
        {
            md.append("## About this run\n\n");
            runNotes.forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        md.append("## How it was measured\n\n");
        settings.forEach(s -> md.append("- ").append(s).append('\n'));
        return md.toString();
    }

    /**
     * The isolation workload (issue 14): per size of the large messages, the ping-pong's percentiles alone, while
     * they stream on the same association and on another association of the same node, the p99 ratios to the same
     * session's p99 alone, and the streams' rates. Only when the run has a column that runs them.
     */
    private void isolation(final StringBuilder md)
    {
        final TreeSet<Long> sizes = new TreeSet<>();
        for (final Measurement m : results.all())
        {
            if (m.workload().startsWith("isolation-"))
            {
                m.text("stream_message_bytes").ifPresent(bytes -> sizes.add(Long.parseLong(bytes)));
            }
        }
        if (sizes.isEmpty() || results.transports().stream().allMatch(t -> t.noIsolation().isPresent()))
        {
            return;
        }
        md.append("## Isolation: small messages while large ones stream\n\n")
            .append("Round trips of the 64 B ping-pong in a session of their own per size of the large messages, " +
                "after one unreported ping-pong to warm the fresh JVMs up: alone; while the driver node streams " +
                "the large messages to another actor of the peer node (the same association); and while a third " +
                "node streams them to the peer node (another association of the same node). The streams keep the " +
                "bandwidth workload's window (one message in flight from 16 MiB up, each acknowledged) and run " +
                "from before the ping-pong's warm-up until after its measurement. The ratio rows divide the p99 " +
                "with a stream by the same session's p99 alone: issue 14's target is at most 2×. The stream rows " +
                "show that the stream ran: MiB/s acknowledged from its first acknowledgement until it was " +
                "stopped.\n\n");
        for (final long size : sizes)
        {
            md.append("### ").append(Sizes.pretty(size)).append(" messages\n\n");
            header(md, "workload", results.transports());
            final List<Metric> rows = Metric.isolation(size);
            for (final Metric metric : rows)
            {
                row(md, metric);
                if (metric.key().equals("max_us") &&
                    !metric.workload().equals(WorkloadPlan.isolationId(WorkloadPlan.ALONE, size)))
                {
                    p99Ratio(md, size, metric.workload());
                }
            }
            md.append('\n');
        }
    }

    /** The p99 of the condition {@code workload} over the same transport's p99 alone, as a ratio row. */
    private void p99Ratio(final StringBuilder md, final long size, final String workload)
    {
        final Metric alone = new Metric("", WorkloadPlan.isolationId(WorkloadPlan.ALONE, size), "p99_us", false,
            false);
        final Metric with = new Metric("", workload, "p99_us", false, false);
        final String condition = workload.equals(WorkloadPlan.isolationId(WorkloadPlan.SAME_ASSOCIATION, size)) ?
            WorkloadPlan.SAME_ASSOCIATION : WorkloadPlan.OTHER_ASSOCIATION;
        md.append("| **ping-pong RTT p99 ").append(Metric.isolationLabel(condition, Sizes.pretty(size)))
            .append(", ratio to alone (target ≤ 2×)**");
        for (final Transport transport : results.transports())
        {
            final OptionalDouble value = results.value(transport, with);
            final OptionalDouble base = results.value(transport, alone);
            md.append(" | ").append(value.isPresent() && base.isPresent() && base.getAsDouble() > 0 ?
                "**" + Metric.formatRatio(value.getAsDouble() / base.getAsDouble()) + "**" :
                missing(transport, with));
        }
        md.append(" |\n");
    }

    private void row(final StringBuilder md, final Metric metric)
    {
        md.append("| ").append(metric.label());
        for (final Transport transport : results.transports())
        {
            final OptionalDouble value = results.value(transport, metric);
            md.append(" | ").append(value.isPresent() ? Metric.format(value.getAsDouble()) :
                missing(transport, metric));
        }
        md.append(" |\n");
    }

    /**
     * The zero-copy API's bandwidth next to memcpy's (the ceiling) and the byte[] path's, with the ratios to memcpy:
     * only when the run has the zero-copy or the memcpy column.
     */
    private void zeroCopyAgainstMemcpy(final StringBuilder md)
    {
        final List<Transport> run = results.transports();
        if (!run.contains(Transport.SHM_ZERO_COPY) && !run.contains(Transport.MEMCPY))
        {
            return;
        }
        md.append("## Zero-copy API against memcpy\n\n")
            .append("MiB/s of one-way bandwidth between two JVMs through the plugin's zero-copy API " +
                "(the sender copies " +
                "each message once into a SharedBlob and sends it; the receiver reads it in place and releases it), " +
                "next to a warm memcpy of the same size between two direct buffers in one JVM, and the plugin's " +
                "byte[] path. The ratios are to memcpy, from the same run. The last two columns are CPU time, which " +
                "depends far less on other load than the rates do: memcpy's per copy, and the zero-copy sender's " +
                "per message (its one copy into the blob, and sending it).\n\n")
            .append("| message size | memcpy | zero-copy API | zero-copy / memcpy | byte[] | byte[] / memcpy | " +
                "CPU per copy, memcpy, µs | CPU per message, zero-copy sender, µs |\n")
            .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final long size : Sizes.BANDWIDTH_SIZES)
        {
            final Metric metric = new Metric(Sizes.pretty(size), WorkloadPlan.bandwidthId(size), "mib_per_s", true,
                false);
            final OptionalDouble memcpy = results.value(Transport.MEMCPY, metric);
            final OptionalDouble zeroCopy = results.value(Transport.SHM_ZERO_COPY, metric);
            final OptionalDouble bytes = results.value(Transport.SHM, metric);
            md.append("| ").append(metric.label())
                .append(" | ").append(cell(Transport.MEMCPY, metric, memcpy))
                .append(" | ").append(cell(Transport.SHM_ZERO_COPY, metric, zeroCopy))
                .append(" | ").append(ratio(zeroCopy, memcpy))
                .append(" | ").append(cell(Transport.SHM, metric, bytes))
                .append(" | ").append(ratio(bytes, memcpy))
                .append(" | ").append(figure(Transport.MEMCPY, metric.workload(), "cpu_us_per_msg_sender"))
                .append(" | ").append(figure(Transport.SHM_ZERO_COPY, metric.workload(), "cpu_us_per_msg_sender"))
                .append(" |\n");
        }
        md.append('\n');
    }

    private String cell(final Transport transport, final Metric metric, final OptionalDouble value)
    {
        if (value.isPresent())
        {
            return Metric.format(value.getAsDouble());
        }
        return results.transports().contains(transport) ? missing(transport, metric) : "not run";
    }

    private String figure(final Transport transport, final String workload, final String key)
    {
        final OptionalDouble value = results.find(transport, workload).map(m -> m.number(key))
            .orElse(OptionalDouble.empty());
        return value.isPresent() ? Metric.format(value.getAsDouble()) : "–";
    }

    private static String ratio(final OptionalDouble value, final OptionalDouble base)
    {
        return value.isPresent() && base.isPresent() && base.getAsDouble() > 0 ?
            String.format(Locale.ROOT, "%.0f %%", 100 * value.getAsDouble() / base.getAsDouble()) : "–";
    }

    private static void header(final StringBuilder md, final String first, final List<Transport> columns)
    {
        md.append("| ").append(first);
        columns.forEach(t -> md.append(" | ").append(t.label()));
        md.append(" |\n|");
        final int firstColumns = first.split("\\|").length;
        for (int i = 0; i < firstColumns + columns.size(); i++)
        {
            md.append(i < firstColumns ? "---|" : "---:|");
        }
        md.append('\n');
    }

    /** The sender/receiver/driver split of a CPU figure, for the throughput CPU row. */
    private String detail(final Transport transport, final Metric metric)
    {
        if (!metric.key().startsWith("cpu_us_per_msg") || !metric.workload().startsWith("throughput"))
        {
            return "";
        }
        final Optional<Measurement> m = results.find(transport, metric.workload());
        if (m.isEmpty())
        {
            return "";
        }
        final OptionalDouble sender = m.get().number("cpu_us_per_msg_sender");
        final OptionalDouble receiver = m.get().number("cpu_us_per_msg_receiver");
        final OptionalDouble driver = m.get().number("cpu_us_per_msg_media_driver");
        if (sender.isEmpty() || receiver.isEmpty())
        {
            return "";
        }
        return " (" + Metric.format(sender.getAsDouble()) + " + " + Metric.format(receiver.getAsDouble()) +
            (driver.isPresent() ? " + " + Metric.format(driver.getAsDouble()) : "") + ")";
    }

    /** The text of a cell without a figure, with the number of its note. */
    private String missing(final Transport transport, final Metric metric)
    {
        final Optional<Measurement> m = results.find(transport, metric.workload());
        if (m.isEmpty())
        {
            return "–";
        }
        final Measurement measurement = m.get();
        if (measurement.ok())
        {
            return "–"; // the workload ran but has no such field (e.g. no media driver process)
        }
        final String key = transport.id() + "|" + measurement.status() + "|" + measurement.reason();
        final Note note = notes.computeIfAbsent(key, k -> new Note(notes.size() + 1, transport.label(),
            measurement.status(), measurement.reason(), new ArrayList<>()));
        if (!note.workloads().contains(measurement.workload()))
        {
            note.workloads().add(measurement.workload());
        }
        return measurement.status() + " [" + note.number() + "]";
    }
}
