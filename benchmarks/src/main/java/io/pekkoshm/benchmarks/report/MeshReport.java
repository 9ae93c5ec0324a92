package io.pekkoshm.benchmarks.report;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.ThreadKinds;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The mesh section of {@code results.md} (issue 19): per node count, the plugin's {@code /dev/shm}, resident memory
 * and idle CPU of the whole mesh, with the ratio of the mesh's idle CPU to Artery TCP's (the target is at most
 * 1×), then one pair's 64 B throughput, CPU per message and RTT with the others idle and busy. Columns are the
 * transports of the run that ran mesh sessions. Cells without a figure are written by the report's own note-keeping
 * ({@code missing}), so their reasons join the report's numbered notes.
 */
final class MeshReport
{
    private final ResultSet results;
    private final BiFunction<Transport, Metric, String> missing;

    /** @param missing the text of a cell without a figure (with its note number), as the report writes it. */
    MeshReport(final ResultSet results, final BiFunction<Transport, Metric, String> missing)
    {
        this.results = results;
        this.missing = missing;
    }

    /** The rows of the table of a mesh of {@code nodes}, in order. */
    static List<Metric> rows(final int nodes)
    {
        final String idle = WorkloadPlan.meshId(nodes, "idle");
        final List<Metric> rows = new ArrayList<>();
        rows.add(new Metric("/dev/shm allocated by the plugin's directory (du), MiB", idle, "shm_mib", false, false));
        rows.add(new Metric("resident memory per node (VmRSS), median, MiB", idle, "rss_mib_median", false, false));
        rows.add(new Metric("resident memory per node (VmRSS), max, MiB", idle, "rss_mib_max", false, false));
        rows.add(new Metric("idle CPU of the whole mesh (" + nodes + " nodes + media driver), % of a core", idle,
            "cpu_pct_core_mesh", false, true));
        rows.add(new Metric("idle CPU of the media driver process, % of a core", idle, "cpu_pct_core_media_driver",
            false, false));
        rows.add(new Metric("idle CPU per node including its share of the media driver, % of a core", idle,
            "cpu_pct_core_per_node_with_driver_share", false, false));
        rows.add(new Metric("idle CPU of the whole mesh at rest (" + nodes + " nodes + media driver, every node " +
            WorkloadPlan.MESH_AT_REST_AGE.toSeconds() + " s old or more), " +
            "% of a core", idle, "cpu_pct_core_mesh_settled", false, true));
        rows.add(new Metric("idle CPU per node including its share of the media driver, at rest, % of a core", idle,
            "cpu_pct_core_per_node_with_driver_share_settled", false, false));
        for (final ThreadKinds.Kind kind : ThreadKinds.Kind.values())
        {
            rows.add(new Metric("at rest, the whole mesh: " + kind.label() + ", % of a core", idle,
                kind.settledKey(), false, false));
        }
        for (final String condition : List.of("others-idle", "others-busy"))
        {
            final String others = "others-idle".equals(condition) ? "the others idle" : "the others busy";
            final String tp = WorkloadPlan.meshId(nodes, WorkloadPlan.throughputId() + "-" + condition);
            final String pp = WorkloadPlan.meshId(nodes, WorkloadPlan.pingPongId() + "-" + condition);
            rows.add(new Metric("64 B one-way throughput of one pair, " + others + ", msgs/s", tp, "msgs_per_s",
                true, false));
            rows.add(new Metric("CPU per 64 B message, µs, the pair (+ media driver), " + others, tp,
                "cpu_us_per_msg", false, false));
            rows.add(new Metric("ping-pong RTT p50 of one pair, µs, " + others, pp, "p50_us", false, false));
            rows.add(new Metric("ping-pong RTT p99 of one pair, µs, " + others, pp, "p99_us", false, false));
        }
        rows.add(new Metric("background streams during the busy pair, msgs/s acknowledged in total",
            WorkloadPlan.meshId(nodes, WorkloadPlan.pingPongId() + "-others-busy"), "background_msgs_per_s", true,
            false));
        return rows;
    }

    void render(final StringBuilder md)
    {
        final TreeSet<Integer> sizes = new TreeSet<>();
        final List<Transport> columns = new ArrayList<>();
        for (final Measurement m : results.all())
        {
            if (m.workload().startsWith("mesh-") && !ResultLine.NOT_SUPPORTED.equals(m.status()))
            {
                m.text("nodes").ifPresent(n -> sizes.add((int)Double.parseDouble(n)));
            }
        }
        for (final Transport transport : results.transports())
        {
            if (sizes.stream().anyMatch(n -> results.find(transport, WorkloadPlan.meshId(n, "idle"))
                .filter(m -> !ResultLine.NOT_SUPPORTED.equals(m.status())).isPresent()))
            {
                columns.add(transport);
            }
        }
        if (sizes.isEmpty() || columns.isEmpty())
        {
            return;
        }
        md.append("## Mesh: N nodes, every pair associated\n\n")
            .append("Issue 19: N node JVMs of one transport, every pair associated and warmed both ways, then idle: " +
                "the plugin's /dev/shm (blocks du counts in its directory; Artery TCP has none, its resident memory " +
                "is the comparison), resident memory per node, and idle CPU of the whole mesh (all nodes and the " +
                "media driver process). Then one pair (node 0 to node 1): 64 B throughput and ping-pong while the " +
                "others are idle, and while each other node streams 64 B messages to the next other one at a fixed " +
                "rate. Idle CPU is read twice: right after the warm-up, and again at rest, at least 20 s later and " +
                "once every node JVM is " + WorkloadPlan.MESH_AT_REST_AGE.toSeconds() + " s old, the same age for " +
                "every transport (the JIT done " +
                "compiling what the warm-up ran). Targets: idle CPU of the whole mesh at or below Artery TCP's (the " +
                "ratio rows); the pair's " +
                "figures no worse than the same benchmark's earlier runs.\n\n");
        for (final int nodes : sizes)
        {
            md.append("### ").append(nodes).append(" nodes\n\n");
            header(md, columns);
            for (final Metric metric : rows(nodes))
            {
                md.append("| ").append(metric.label());
                for (final Transport transport : columns)
                {
                    final OptionalDouble value = results.value(transport, metric);
                    md.append(" | ").append(value.isPresent() ? Metric.format(value.getAsDouble()) :
                        missing.apply(transport, metric));
                }
                md.append(" |\n");
                if (metric.headline())
                {
                    ratioRow(md, metric, columns);
                }
            }
            md.append('\n');
        }
    }

    private void ratioRow(final StringBuilder md, final Metric metric, final List<Transport> columns)
    {
        md.append("| **").append(metric.label().replace(", % of a core", ""))
            .append(", ratio to Artery TCP (target ≤ 1×)**");
        for (final Transport transport : columns)
        {
            final OptionalDouble ratio = results.ratio(transport, metric);
            md.append(" | ").append(ratio.isPresent() ? "**" + Metric.formatRatio(ratio.getAsDouble()) + "**" :
                "–");
        }
        md.append(" |\n");
    }

    private static void header(final StringBuilder md, final List<Transport> columns)
    {
        md.append("| workload");
        columns.forEach(t -> md.append(" | ").append(t.label()));
        md.append(" |\n|---|");
        md.append(String.format(Locale.ROOT, "%s", "---:|".repeat(columns.size())));
        md.append('\n');
    }
}
