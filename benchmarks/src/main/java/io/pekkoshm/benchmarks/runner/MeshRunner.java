package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.pekko.PekkoMeshNode;
import io.pekkoshm.benchmarks.report.Measurement;
import io.pekkoshm.benchmarks.transports.NodeConfigs;
import io.pekkoshm.benchmarks.transports.NodeHost;
import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.CpuMeter;
import io.pekkoshm.benchmarks.workloads.PacedStream;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.ThreadKinds;
import io.pekkoshm.benchmarks.workloads.Wire;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs one mesh session (issue 19): {@code n} node JVMs of one transport ({@link PekkoMeshNode}), every pair
 * associated and warmed both ways; then, while all are idle, the plugin's {@code /dev/shm} (du of its directory),
 * each node's resident memory and the CPU of all nodes and the media driver over the mode's idle window; then 64 B
 * throughput and ping-pong from node 0 to node 1 while the others are idle, and again while every other node streams
 * to the next other one at {@link PacedStream#RATE_PER_S} msgs/s. Every wait is bounded; what does not come is
 * reported as failed, with the reason. The nodes are closed (gracefully, then forcibly) whatever happens.
 */
final class MeshRunner
{
    static final String OTHERS_IDLE = "others-idle";
    /** How long after the first idle window the second starts, at the least. */
    static final Duration SETTLED_AFTER = Duration.ofSeconds(20);
    static final String OTHERS_BUSY = "others-busy";
    private static final String HEAP = "-Xmx512m";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final long SHM_DRIVER_EXIT_TIMEOUT_MS = 15_000;
    private static final long MARGIN_MS = 60_000;

    private final RunDirectories directories;
    private final Path logs;
    private final BenchMode mode;
    private final int idleCpuLevel;

    MeshRunner(final RunDirectories directories, final Path logs, final BenchMode mode, final int idleCpuLevel)
    {
        this.directories = directories;
        this.logs = logs;
        this.mode = mode;
        this.idleCpuLevel = idleCpuLevel;
    }

    /** Why a transport has no mesh sessions, or empty for the two issue 19 compares. */
    static Optional<String> notRun(final Transport transport)
    {
        return transport == Transport.SHM_DIRECT || transport == Transport.ARTERY_TCP ? Optional.empty() :
            Optional.of("the mesh sessions run pekko-shm-remote (its default, direct path) and Artery TCP only, the " +
                "comparison issue 19 asks for: each takes as many JVMs as the mesh has nodes");
    }

    /** The workload ids of a mesh of {@code nodes}, in order. */
    static List<String> workloadIds(final int nodes)
    {
        final List<String> ids = new ArrayList<>();
        ids.add(WorkloadPlan.meshId(nodes, "idle"));
        for (final String condition : List.of(OTHERS_IDLE, OTHERS_BUSY))
        {
            ids.add(WorkloadPlan.meshId(nodes, WorkloadPlan.throughputId() + "-" + condition));
            ids.add(WorkloadPlan.meshId(nodes, WorkloadPlan.pingPongId() + "-" + condition));
        }
        return ids;
    }

    /** Runs the mesh of {@code nodes}; every id of {@link #workloadIds(int)} is reported, as a result or a failure. */
    void run(final Transport transport, final String classpath, final int nodes, final Consumer<Measurement> progress)
        throws InterruptedException
    {
        final String session = "mesh-" + nodes;
        final List<Measurement> results = new ArrayList<>();
        final Consumer<Measurement> collect = m ->
        {
            final Measurement withSession = m.withContext(Map.of("session", session, "nodes", nodes));
            results.add(withSession);
            progress.accept(withSession);
        };
        final String tag = transport.id() + "-" + session;
        final long start = System.nanoTime();
        String failure = null;
        if (transport.isShm())
        {
            // the previous session's driver and logs gone first, so that du counts this mesh only
            directories.awaitShmDriverExit(SHM_DRIVER_EXIT_TIMEOUT_MS, logs);
        }
        final List<BenchJvm> jvms = new ArrayList<>();
        try
        {
            final Path conf = logs.resolve(tag + ".conf");
            Files.writeString(conf, NodeConfigs.hocon(transport, Wire.SMALL_MESSAGE_SIZE,
                NodeHost.local(directories.shmDirectory()), directories.aeronDirectory(tag), idleCpuLevel),
                StandardCharsets.UTF_8);
            final List<String> args = new ArrayList<>(List.of("config=" + conf));
            args.addAll(mode.bounds().with(true, true, List.of()).toArgs());
            for (int i = 0; i < nodes; i++)
            {
                final String name = tag + "-node" + i;
                jvms.add(BenchJvm.start(ChildCommands.spec(name, List.of(HEAP,
                    "-Xlog:gc:file=" + logs.resolve(name + "-gc.log")), PekkoMeshNode.class, args),
                    classpath, logs.resolve(name + ".log")));
            }
            drive(transport, jvms, System.nanoTime(), nodes, collect);
        }
        catch (final SessionRunner.SessionFailedException | IOException ex)
        {
            failure = ex.getMessage();
        }
        finally
        {
            for (final BenchJvm jvm : jvms)
            {
                jvm.close();
            }
            directories.deleteAeronDirectory(tag);
        }
        System.out.printf("    (session %s of %s: %.1f s)%n", session, transport.id(),
            (System.nanoTime() - start) / 1e9);
        for (final String id : workloadIds(nodes))
        {
            if (results.stream().noneMatch(m -> m.workload().equals(id)))
            {
                collect.accept(Measurement.fromJson(ResultLine.failed(id, null == failure ?
                    "no result (see logs/" + tag + "-node*.log)" : failure).toJson()));
            }
        }
    }

    private void drive(final Transport transport, final List<BenchJvm> jvms, final long lastStartedNs,
        final int nodes, final Consumer<Measurement> collect)
        throws InterruptedException, SessionRunner.SessionFailedException, IOException
    {
        final long startDeadline = System.nanoTime() + START_TIMEOUT.toNanos();
        final List<String> addresses = new ArrayList<>();
        for (final BenchJvm jvm : jvms)
        {
            addresses.add(awaitLine(jvm, ChildOutput.READY, startDeadline, "start").substring(
                ChildOutput.READY.length()).trim());
        }
        for (int i = 0; i < nodes; i++)
        {
            final List<String> others = new ArrayList<>(addresses);
            others.remove(i);
            jvms.get(i).send("mesh peers=" + String.join(",", others));
        }
        final long associateDeadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (final BenchJvm jvm : jvms)
        {
            awaitLine(jvm, ChildOutput.IDLE_READY, associateDeadline, "associate with every other node");
        }
        final long mediaDriverPid = transport.isShm() ? directories.shmMediaDriverPid() : 0;
        collect.accept(Measurement.fromJson(measureIdle(transport, jvms, lastStartedNs, mediaDriverPid,
            nodes).toJson()));

        pair(jvms, addresses, nodes, mediaDriverPid, OTHERS_IDLE, Map.of(), collect);
        if (nodes < 3)
        {
            for (final String id : workloadIds(nodes).subList(3, 5))
            {
                collect.accept(Measurement.fromJson(new ResultLine(id).status(ResultLine.SKIPPED, "a mesh of " +
                    nodes + " has no other nodes to keep busy").toJson()));
            }
        }
        else
        {
            busyPair(jvms, addresses, nodes, mediaDriverPid, collect);
        }
        for (final BenchJvm jvm : jvms)
        {
            jvm.send("shutdown");
        }
        for (final BenchJvm jvm : jvms)
        {
            jvm.awaitExit(EXIT_TIMEOUT);
        }
    }

    /** Every node but the pair (0 and 1) streams to the next of them; then the pair measures; then they stop. */
    private void busyPair(final List<BenchJvm> jvms, final List<String> addresses, final int nodes,
        final long mediaDriverPid, final Consumer<Measurement> collect)
        throws InterruptedException, SessionRunner.SessionFailedException
    {
        final int others = nodes - 2;
        for (int i = 2; i < nodes; i++)
        {
            jvms.get(i).send("stream address=" + addresses.get(2 + (i - 2 + 1) % others));
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(mode.bounds().ackTimeoutMs());
        for (int i = 2; i < nodes; i++)
        {
            awaitLine(jvms.get(i), ChildOutput.STREAMING, deadline, "start its stream");
        }
        final List<Measurement> busy = new ArrayList<>();
        pair(jvms, addresses, nodes, mediaDriverPid, OTHERS_BUSY, Map.of(), busy::add);
        double rate = 0;
        String streamFailure = null;
        final long stopDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * mode.bounds().ackTimeoutMs());
        for (int i = 2; i < nodes; i++)
        {
            jvms.get(i).send("stop");
            final Measurement stream = Measurement.fromJson(awaitLine(jvms.get(i), ChildOutput.RESULT, stopDeadline,
                "report its stream").substring(ChildOutput.RESULT.length()));
            rate += stream.number("msgs_per_s").orElse(0);
            if (!stream.ok())
            {
                streamFailure = "node " + i + "'s stream: " + stream.reason();
            }
        }
        final Map<String, Object> background = Map.of("background_streams", others,
            "background_msgs_per_s", Math.round(rate));
        for (final Measurement m : busy)
        {
            collect.accept(null == streamFailure ? m.withContext(background) : Measurement.fromJson(
                ResultLine.failed(m.workload(), streamFailure).toJson()));
        }
    }

    /** Node 0 measures throughput and ping-pong to node 1; its two results go to {@code collect}. */
    private void pair(final List<BenchJvm> jvms, final List<String> addresses, final int nodes,
        final long mediaDriverPid, final String condition, final Map<String, Object> extra,
        final Consumer<Measurement> collect) throws InterruptedException, SessionRunner.SessionFailedException
    {
        final BenchJvm node0 = jvms.get(0);
        node0.send("pair address=" + addresses.get(1) + " pid=" + jvms.get(1).pid() + " sharedPid=" + mediaDriverPid +
            " condition=" + condition + " nodes=" + nodes);
        final WorkloadPlan plan = mode.bounds().with(true, true, List.of());
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(plan.budgetMs() + MARGIN_MS);
        while (true)
        {
            final String line = awaitLine(node0, ChildOutput.PREFIX, deadline, "measure the pair " + condition);
            if (line.startsWith(ChildOutput.RESULT))
            {
                collect.accept(Measurement.fromJson(line.substring(ChildOutput.RESULT.length())).withContext(extra));
            }
            else if (line.equals(ChildOutput.IDLE_READY))
            {
                return;
            }
        }
    }

    /**
     * CPU of all nodes and the media driver over the mode's idle window, after it the shared memory and each node's
     * resident memory; then the same window again at rest (see {@link #atRestStartNs}).
     */
    private ResultLine measureIdle(final Transport transport, final List<BenchJvm> jvms, final long lastStartedNs,
        final long mediaDriverPid, final int nodes) throws IOException, InterruptedException
    {
        final List<Long> pids = new ArrayList<>();
        jvms.forEach(j -> pids.add(j.pid()));
        if (mediaDriverPid > 0)
        {
            pids.add(mediaDriverPid);
        }
        final long[] lastSeen = new long[pids.size()];
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(mode.idleSettleMs()));
        final long[] before = CpuMeter.cpuNs(pids, lastSeen);
        final long start = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(mode.idleMeasureMs()));
        final long[] after = CpuMeter.cpuNs(pids, lastSeen);
        final long elapsed = System.nanoTime() - start;
        // the same window again once the JIT and the warm-up's after-effects have settled: the mesh at rest
        final long restStartNs = atRestStartNs(System.nanoTime(), lastStartedNs);
        for (long waitNs; (waitNs = restStartNs - System.nanoTime()) > 0; )
        {
            LockSupport.parkNanos(waitNs);
        }
        final List<Long> nodePids = pids.subList(0, nodes);
        final ThreadKinds.Reading kindsBefore = ThreadKinds.read(nodePids, mediaDriverPid);
        final long[] settledBefore = CpuMeter.cpuNs(pids, lastSeen);
        final long settledStart = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(mode.idleMeasureMs()));
        final long[] settledAfter = CpuMeter.cpuNs(pids, lastSeen);
        final long settledElapsed = System.nanoTime() - settledStart;
        final ThreadKinds.Reading kindsAfter = ThreadKinds.read(nodePids, mediaDriverPid);
        final long[] rssKiB = new long[nodes];
        for (int i = 0; i < nodes; i++)
        {
            rssKiB[i] = ProcStats.residentKiB(jvms.get(i).pid());
        }
        return byKind(settled(idleResult(nodes, before, after, elapsed, rssKiB,
            transport.isShm() ? ProcStats.allocatedKiB(directories.shmDirectory()) : -1),
            nodes, settledBefore, settledAfter, settledElapsed, settledStart - lastStartedNs),
            ThreadKinds.spentByKind(kindsBefore, kindsAfter), settledElapsed);
    }

    /**
     * Adds where the CPU of the window at rest went, by kind of thread over the whole mesh ({@link ThreadKinds}):
     * keys {@code cpu_pct_core_settled_<kind>}, in % of one core.
     */
    static ResultLine byKind(final ResultLine idle, final long[] spentNs, final long intervalNs)
    {
        for (final ThreadKinds.Kind kind : ThreadKinds.Kind.values())
        {
            idle.put(kind.settledKey(), 100.0 * spentNs[kind.ordinal()] / intervalNs);
        }
        return idle;
    }

    /**
     * When the window at rest starts: {@link #SETTLED_AFTER} after the first window ended, and not before the
     * youngest node JVM is {@link WorkloadPlan#MESH_AT_REST_AGE} old.
     *
     * @param firstEndedNs  when the first window ended ({@link System#nanoTime()}).
     * @param lastStartedNs when the last node JVM was started.
     */
    static long atRestStartNs(final long firstEndedNs, final long lastStartedNs)
    {
        final long settled = firstEndedNs + SETTLED_AFTER.toNanos();
        final long aged = lastStartedNs + WorkloadPlan.MESH_AT_REST_AGE.toNanos();
        return settled - aged >= 0 ? settled : aged;
    }

    /**
     * Adds the second idle window (see {@link #atRestStartNs}) to an idle line: CPU in % of one core of the whole
     * mesh and per node with its share of the driver, keys ending in {@code _settled}, and the youngest node's age
     * when the window started ({@code settled_age_s}).
     */
    static ResultLine settled(final ResultLine idle, final int nodes, final long[] before, final long[] after,
        final long intervalNs, final long youngestAgeNs)
    {
        long totalNs = 0;
        for (int i = 0; i < before.length; i++)
        {
            totalNs += after[i] - before[i];
        }
        return idle.put("settled_age_s", Math.round(youngestAgeNs / 1e9))
            .put("cpu_pct_core_mesh_settled", 100.0 * totalNs / intervalNs)
            .put("cpu_pct_core_per_node_with_driver_share_settled", 100.0 * totalNs / nodes / intervalNs);
    }

    /**
     * The idle line of a mesh: CPU in % of one core of all nodes, of the media driver (the last entry of the
     * snapshots when there are {@code nodes + 1}), of the whole mesh and per node with its share of the driver;
     * resident memory per node (median and max, MiB); the plugin's shared memory (MiB, if {@code shmKiB >= 0}).
     */
    static ResultLine idleResult(final int nodes, final long[] before, final long[] after, final long intervalNs,
        final long[] rssKiB, final long shmKiB)
    {
        long nodesNs = 0;
        long driverNs = 0;
        for (int i = 0; i < before.length; i++)
        {
            if (i < nodes)
            {
                nodesNs += after[i] - before[i];
            }
            else
            {
                driverNs += after[i] - before[i];
            }
        }
        final ResultLine result = new ResultLine(WorkloadPlan.meshId(nodes, "idle"))
            .put("nodes", nodes)
            .put("seconds", intervalNs / 1e9)
            .put("cpu_pct_core_nodes", 100.0 * nodesNs / intervalNs)
            .put("cpu_pct_core_mesh", 100.0 * (nodesNs + driverNs) / intervalNs)
            .put("cpu_pct_core_per_node", 100.0 * nodesNs / nodes / intervalNs)
            .put("cpu_pct_core_per_node_with_driver_share", 100.0 * (nodesNs + driverNs) / nodes / intervalNs);
        if (before.length > nodes)
        {
            result.put("cpu_pct_core_media_driver", 100.0 * driverNs / intervalNs);
        }
        long max = 0;
        long total = 0;
        for (final long kib : rssKiB)
        {
            max = Math.max(max, kib);
            total += kib;
        }
        result.put("rss_mib_median", ProcStats.median(rssKiB) / 1024)
            .put("rss_mib_max", max / 1024.0)
            .put("rss_mib_total", total / 1024.0);
        if (shmKiB >= 0)
        {
            result.put("shm_mib", shmKiB / 1024.0);
        }
        return result;
    }

    /** The next protocol line of {@code jvm} that starts with {@code prefix}, before {@code deadline}. */
    private static String awaitLine(final BenchJvm jvm, final String prefix, final long deadline, final String what)
        throws InterruptedException, SessionRunner.SessionFailedException
    {
        while (true)
        {
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            final String line = leftMs > 0 ? jvm.nextLine(Duration.ofMillis(leftMs)) : null;
            if (null == line)
            {
                throw new SessionRunner.SessionFailedException(jvm.name() + " did not " + what + " in time (see logs/" +
                    jvm.log().getFileName() + ")");
            }
            if (BenchJvm.END.equals(line))
            {
                throw new SessionRunner.SessionFailedException(jvm.name() + " exited before it could " + what +
                    " (see logs/" + jvm.log().getFileName() + ")");
            }
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }
}
