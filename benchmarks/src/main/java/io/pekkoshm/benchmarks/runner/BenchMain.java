package io.pekkoshm.benchmarks.runner;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.benchmarks.report.ChartRenderer;
import io.pekkoshm.benchmarks.report.MachineInfo;
import io.pekkoshm.benchmarks.report.MarkdownReport;
import io.pekkoshm.benchmarks.report.Measurement;
import io.pekkoshm.benchmarks.report.ResultSet;
import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.pekko.PekkoMeshNode;
import io.pekkoshm.benchmarks.workloads.BandwidthSamples;
import io.pekkoshm.benchmarks.workloads.PacedStream;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.Wire;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import io.pekkoshm.remote.ShmSettings;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark runner: one transport at a time, each as pairs of child JVMs on this host, the same workloads for
 * all; writes {@code results.jsonl}, {@code results.md}, {@code chart.png} and {@code machine.txt} (and the
 * children's logs) into {@code <bench.results>/<date>_<time>/}, and prints the Markdown table. See
 * {@link BenchSettings} for the settings and the module's README for the command.
 */
public final class BenchMain
{
    /** The plugin's defaults, as the report's settings line states them. */
    private static final ShmSettings PLUGIN = ShmSettings.fromRootConfig(ConfigFactory.defaultReference());

    private BenchMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path folder = run(BenchSettings.fromSystemProperties());
        System.out.println();
        System.out.println(Files.readString(folder.resolve("results.md")));
        System.out.println("Results: " + folder);
    }

    /** Runs everything the settings say; returns the run's results folder. */
    public static Path run(final BenchSettings settings) throws IOException, InterruptedException
    {
        final ZonedDateTime started = ZonedDateTime.now();
        final long startNs = System.nanoTime();
        final String runId = started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmmss"));
        final Path folder = Files.createDirectories(settings.resultsRoot().resolve(runId));
        final Path logs = Files.createDirectories(folder.resolve("logs"));
        final MachineInfo machine = MachineInfo.collect(started);
        Files.writeString(folder.resolve("machine.txt"), machine.toText(), StandardCharsets.UTF_8);
        System.out.println("Benchmark run " + runId + ", " + settings.mode().name() + " mode, on " + machine.summary());

        final Map<String, Object> runContext = new LinkedHashMap<>();
        runContext.put("run", runId);
        runContext.put("mode", settings.mode().name());
        runContext.put("cores", machine.cores());
        runContext.put("memory_gib", Math.round(machine.memoryGiB() * 10) / 10.0);
        runContext.put("jdk", System.getProperty("java.runtime.version"));

        final List<Measurement> measurements = new ArrayList<>();
        final List<String> runNotes = new ArrayList<>();
        try (RunDirectories directories = RunDirectories.create(runId);
             BufferedWriter jsonl = Files.newBufferedWriter(folder.resolve("results.jsonl"), StandardCharsets.UTF_8))
        {
            final Thread cleanup = new Thread(directories::close, "bench-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            final ChildCommands commands = new ChildCommands(settings.arteryUdpLib());
            final SessionRunner sessions = new SessionRunner(commands, directories, logs, settings.mode(),
                settings.idleCpuLevel());
            final MeshRunner meshes = new MeshRunner(directories, logs, settings.mode(), settings.idleCpuLevel());
            final TransportRunner transports = new TransportRunner(settings, commands, sessions, meshes, directories,
                logs, runNotes);
            for (final Transport transport : settings.transports())
            {
                transports.run(transport, m ->
                {
                    final Measurement line = m.withContext(runContext);
                    measurements.add(line);
                    write(jsonl, line);
                });
            }
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }

        final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
        runNotes.add(String.format(Locale.ROOT, "1-minute load average: %.2f at the start, %.2f at the end, on %d " +
            "cores. The runner and its children account for at most about 2; more means other work shared the " +
            "machine and the figures are noisier.", machine.loadAverage(), MachineInfo.loadAverageNow(),
            machine.cores()));
        final ResultSet results = new ResultSet(measurements, settings.transports());
        try
        {
            new ChartRenderer(results, String.format(Locale.ROOT, "%s mode, %s, %d cores, %.1f GiB, JDK %s",
                settings.mode().name(), started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")),
                machine.cores(), machine.memoryGiB(), System.getProperty("java.runtime.version")))
                .write(folder.resolve("chart.png"));
        }
        catch (final IOException | RuntimeException | LinkageError ex)
        {
            runNotes.add("chart.png could not be drawn: " + ex);
        }
        final String markdown = new MarkdownReport(results, machine, settings.mode().name(), seconds, runNotes,
            howMeasured(settings)).render();
        Files.writeString(folder.resolve("results.md"), markdown, StandardCharsets.UTF_8);
        return folder;
    }

    private static String isolationSizes(final BenchMode mode)
    {
        final List<String> sizes = new ArrayList<>();
        mode.isolationSizes().forEach(size -> sizes.add(Sizes.pretty(size)));
        return String.join(" and ", sizes);
    }

    private static void write(final BufferedWriter jsonl, final Measurement line)
    {
        try
        {
            jsonl.write(line.toJson());
            jsonl.newLine();
            jsonl.flush();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static List<String> howMeasured(final BenchSettings settings)
    {
        final BenchMode mode = settings.mode();
        final var b = mode.bounds();
        final List<String> lines = new ArrayList<>();
        lines.add("Each transport runs as pairs of child JVMs started by the runner (which stays idle): a peer " +
            "(receives, acknowledges, answers) and a driver (sends and measures). Sizes above 1 MiB get a pair of " +
            "their own, configured for that size. CPU time is user + system of whole processes from /proc " +
            "(10 ms ticks), both nodes, plus the plugin's standalone media driver process where there is one.");
        lines.add(String.format(Locale.ROOT, "64 B one-way: flow control with at most %,d unacknowledged messages, " +
            "an ack every %,d; warm-up %.1f s, then up to %.1f s or %,d messages.", Wire.WINDOW, Wire.ACK_EVERY,
            b.tpWarmupMs() / 1000.0, b.tpMeasureMs() / 1000.0, b.tpMaxMessages()));
        lines.add(String.format(Locale.ROOT, "Ping-pong: 64 B, one at a time, driven by an actor (Pekko) or a " +
            "busy-spinning thread on both sides (raw Aeron); warm-up %.1f s, then up to %.1f s or %,d round trips; " +
            "HdrHistogram.", b.ppWarmupMs() / 1000.0, b.ppMeasureMs() / 1000.0, b.ppMaxRoundTrips()));
        lines.add(String.format(Locale.ROOT, "Bandwidth: one ack per message, up to %s (at most %d messages) " +
            "unacknowledged; warm-up %.1f s (at least one message), then up to %.1f s (at least %d message(s)) as " +
            "%d samples one after the other, each up to %.2f s and a share of the bytes (at least one message), " +
            "ending when its messages are acknowledged; the MiB/s shown is the median sample's; a " +
            "message not acknowledged within %d s (%d s per GiB for larger ones) fails the size.",
            Sizes.pretty(Wire.BULK_WINDOW_BYTES), Wire.BULK_WINDOW_MESSAGES, b.bwWarmupMs() / 1000.0,
            b.bwMeasureMs() / 1000.0, b.bwMinMessages(), BandwidthSamples.COUNT,
            b.bwMeasureMs() / 1000.0 / BandwidthSamples.COUNT, b.ackTimeoutMs() / 1000,
            WorkloadPlan.BANDWIDTH_ACK_MS_PER_GIB / 1000));
        lines.add(String.format(Locale.ROOT, "Isolation (issue 14): a session per size of the large messages " +
            "(%s in %s mode), each with three JVMs configured for that size: the ping-pong as above, once unreported " +
            "to warm up, then alone, then " +
            "while the driver node streams the large messages to the peer's /user/bulk (another actor, the same " +
            "association), then while a third node streams them to the peer's /user/bulk (another association of " +
            "the same node). Each stream keeps the bandwidth workload's window and bound per message, starts before " +
            "the ping-pong's warm-up (its first message acknowledged) and stops after its measurement.",
            isolationSizes(mode), mode.name()));
        lines.add(String.format(Locale.ROOT, "Idle: both nodes associated after the workloads, nothing sent; " +
            "%.1f s settling, then %.1f s measured; per node, each process, and per node with its share of the " +
            "media driver (the driver's CPU over the two nodes that use it).", mode.idleSettleMs() / 1000.0,
            mode.idleMeasureMs() / 1000.0));
        lines.add(String.format(Locale.ROOT, "First message after idle (issue 16): after the other workloads of the " +
            "main session, %d times the nodes stay idle for %.1f s, then one 64 B round trip is timed (by the " +
            "driver node's actor, from the ping's send to its pong; raw Aeron: the peer backing off as when idle); " +
            "median and max.", b.firstRepeats(), b.firstGapMs() / 1000.0));
        if (settings.runs("mesh") && !settings.meshSizes().isEmpty())
        {
            lines.add(String.format(Locale.ROOT, "Mesh (issue 19): sessions of %s node JVMs, every pair associated " +
                "(Identify, then %d pings each way answered); after %.1f s settling, idle CPU of all nodes and the " +
                "media driver over %.1f s, then resident memory (VmRSS) per node and the plugin's /dev/shm (du of " +
                "its directory); then 64 B throughput and ping-pong from node 0 to node 1 under the bounds above, " +
                "while the others are idle and while each other node streams 64 B messages to the next other one at " +
                "%,d msgs/s. Node heap -Xmx512m.", settings.meshSizes(), PekkoMeshNode.WARM_PINGS,
                mode.idleSettleMs() / 1000.0, mode.idleMeasureMs() / 1000.0, PacedStream.RATE_PER_S));
        }
        lines.add("Settings that differ from defaults (fairness): Artery large-message-destinations = [/user/bulk] " +
            "and maximum-large-frame-size per session, outbound-message-queue-size " + 2 * Wire.WINDOW +
            ", compression advertised every 1 s; classic Netty maximum-frame-size per session; idle-cpu-level " +
            settings.idleCpuLevel() + " for both the plugin and Artery Aeron-UDP (Pekko's default 5 spins a core " +
            "per JVM); the plugin otherwise at its defaults (term-length " +
            Sizes.pretty(PLUGIN.transport().termLength()) + ", payloads above " +
            Sizes.pretty(PLUGIN.blob().threshold()) + " through its blob store) with driver.mode = auto. Raw Aeron: " +
            "one embedded media driver (SHARED) in the peer JVM, IPC term " + Sizes.pretty(64 * Sizes.MIB) +
            " (128 MiB for 16 MiB messages), log buffers allocated in full up front.");
        if (settings.transports().stream().anyMatch(Transport::crossHost))
        {
            lines.add(String.format(Locale.ROOT, "Across hosts (the pekko-shm-remote across hosts column, issue 15): " +
                "the two nodes on two simulated hosts of this machine, each with its own directory in /dev/shm (so " +
                "its own standalone media driver; the two drivers' CPU is counted together as the media driver's) " +
                "and its own address (the driver node %s, the peer %s), cross-host.enabled = on with one secret " +
                "file per session (%d random bytes, owner-only, deleted after it), on the direct path as the " +
                "pekko-shm-remote column. The plugin reaches the peer, absent from the driver node's directory, over " +
                "Aeron UDP on loopback through both drivers (the driver node checks that its association is udp " +
                "before measuring); cross-host.term-length %s and cross-host.mtu %d at their defaults, and " +
                "driver.max-park too (%d us), except in the column labelled with driver.max-park 100 us.",
                SessionHosts.HOST_A, SessionHosts.HOST_B, SessionHosts.SECRET_BYTES,
                Sizes.pretty(PLUGIN.crossHost().termLength()), PLUGIN.crossHost().mtu(),
                PLUGIN.driver().maxPark().toNanos() / 1000));
        }
        lines.add("Zero-copy API (pekko-shm-remote zero-copy API column, bandwidth only): the same nodes and " +
            "acknowledgements as the byte[] bandwidth workload, but each message is a SharedBlob the driver fills by " +
            "one copy from a direct buffer prepared beforehand; the peer reads its first byte in place and releases " +
            "it. memcpy (bandwidth only, one JVM): a warm copy between two direct buffers of the message size " +
            "(Unsafe.copyMemory, what the blob store copies with), with the bandwidth workload's time and count " +
            "bounds.");
        lines.add("Files: results.jsonl (one JSON object per measurement), chart.png, machine.txt, logs/ (each " +
            "child's output and configuration).");
        return lines;
    }
}
