package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.report.Measurement;
import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.ResultLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs every session of one transport, adds the results it cannot produce (sizes it cannot carry or the mode does
 * not run, or everything when its class path is missing), and afterwards makes sure the transport left nothing in
 * shared memory: for the plugin, that its standalone media driver has exited and removed its directory.
 */
final class TransportRunner
{
    /** The plugin's driver exits 2 s (driver.idle-timeout) after its last client; allow for a slow exit. */
    private static final long SHM_DRIVER_EXIT_TIMEOUT_MS = 15_000;

    private final BenchMode mode;
    private final ChildCommands commands;
    private final SessionRunner sessions;
    private final RunDirectories directories;
    private final Path logs;
    private final List<String> runNotes;
    private final BenchSettings settings;
    private final MeshRunner meshes;

    TransportRunner(final BenchSettings settings, final ChildCommands commands, final SessionRunner sessions,
        final MeshRunner meshes, final RunDirectories directories, final Path logs, final List<String> runNotes)
    {
        this.settings = settings;
        this.mode = settings.mode();
        this.meshes = meshes;
        this.commands = commands;
        this.sessions = sessions;
        this.directories = directories;
        this.logs = logs;
        this.runNotes = runNotes;
    }

    /** @param sink told of every measurement, with the transport's fields, as it comes. */
    void run(final Transport transport, final Consumer<Measurement> sink) throws InterruptedException
    {
        final Map<String, Object> context = new LinkedHashMap<>();
        context.put("transport", transport.id());
        context.put("transport_label", transport.label());
        final Consumer<Measurement> withTransport = m ->
        {
            final Measurement full = m.withContext(context);
            System.out.println("  " + summary(full));
            sink.accept(full);
        };
        System.out.println(transport.label() + ":");

        final List<ResultLine> notRun = new ArrayList<>();
        final List<Session> planned = new ArrayList<>(Session.plan(transport, mode, notRun));
        for (final Session session : List.copyOf(planned))
        {
            if (!settings.runs(session.kind()))
            {
                planned.remove(session);
                ids(session).forEach(id -> notRun.add(new ResultLine(id).status(ResultLine.SKIPPED,
                    "not selected (bench.sessions=" + String.join(",", settings.sessions()) + ")")));
            }
        }
        final List<Integer> meshSizes = new ArrayList<>();
        if (settings.runs("mesh"))
        {
            for (final int nodes : settings.meshSizes())
            {
                final Optional<String> why = MeshRunner.notRun(transport);
                if (why.isPresent())
                {
                    MeshRunner.workloadIds(nodes).forEach(id -> notRun.add(new ResultLine(id).put("nodes", nodes)
                        .status(ResultLine.NOT_SUPPORTED, why.get())));
                }
                else
                {
                    meshSizes.add(nodes);
                }
            }
        }
        final ChildCommands.Classpath classpath = commands.classpath(transport);
        if (classpath.missing().isPresent())
        {
            for (final Session session : planned)
            {
                ids(session).forEach(id -> notRun.add(new ResultLine(id).status(ResultLine.SKIPPED,
                    classpath.missing().get())));
            }
            for (final int nodes : meshSizes)
            {
                MeshRunner.workloadIds(nodes).forEach(id -> notRun.add(new ResultLine(id).put("nodes", nodes)
                    .status(ResultLine.SKIPPED, classpath.missing().get())));
            }
        }
        else
        {
            try
            {
                for (final Session session : planned)
                {
                    sessions.run(transport, classpath.value(), session, withTransport);
                }
                for (final int nodes : meshSizes)
                {
                    meshes.run(transport, classpath.value(), nodes, withTransport);
                }
            }
            finally
            {
                if (transport.isShm())
                {
                    directories.awaitShmDriverExit(SHM_DRIVER_EXIT_TIMEOUT_MS, logs).ifPresent(runNotes::add);
                }
            }
        }
        notRun.forEach(r -> withTransport.accept(Measurement.fromJson(r.toJson())));
    }

    /** The workload ids a session reports on (and idle, if it measures it). */
    private static List<String> ids(final Session session)
    {
        final List<String> ids = new ArrayList<>(session.plan().workloadIds());
        if (session.measureIdle())
        {
            ids.add("idle");
        }
        return ids;
    }

    /** One line of progress for the console. */
    static String summary(final Measurement m)
    {
        final StringBuilder line = new StringBuilder(m.workload()).append(": ").append(m.status());
        if (!m.ok())
        {
            return line.append(" (").append(m.reason()).append(')').toString();
        }
        m.number("msgs_per_s").ifPresent(v -> line.append(String.format(Locale.ROOT, v < 10 ? ", %.2f msgs/s" :
            ", %,.0f msgs/s", v)));
        m.number("mib_per_s").ifPresent(v -> line.append(String.format(Locale.ROOT, ", %,.1f MiB/s", v)));
        m.number("p50_us").ifPresent(v -> line.append(String.format(Locale.ROOT, ", RTT p50 %.1f µs", v)));
        m.number("p99_us").ifPresent(v -> line.append(String.format(Locale.ROOT, " p99 %.1f µs", v)));
        m.number("stream_mib_per_s").ifPresent(v -> line.append(String.format(Locale.ROOT,
            ", large stream %,.1f MiB/s", v)));
        m.number("cpu_us_per_msg").ifPresent(v -> line.append(String.format(Locale.ROOT, ", CPU %.2f µs/msg", v)));
        m.number("cpu_pct_core_per_node").ifPresent(v -> line.append(String.format(Locale.ROOT,
            ", %.2f%% of a core per node", v)));
        m.number("cpu_pct_core_per_node_with_driver_share").ifPresent(v -> line.append(String.format(Locale.ROOT,
            " (%.2f%% with its share of the driver)", v)));
        m.number("median_us").ifPresent(v -> line.append(String.format(Locale.ROOT, ", median %.1f µs", v)));
        m.number("cpu_pct_core_mesh").ifPresent(v -> line.append(String.format(Locale.ROOT,
            ", whole mesh %.2f%% of a core", v)));
        m.number("rss_mib_median").ifPresent(v -> line.append(String.format(Locale.ROOT, ", RSS median %.0f MiB", v)));
        m.number("shm_mib").ifPresent(v -> line.append(String.format(Locale.ROOT, ", /dev/shm %.1f MiB", v)));
        return line.toString();
    }
}
