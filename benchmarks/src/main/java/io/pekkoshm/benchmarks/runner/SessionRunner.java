package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.aeron.RawAeronDriver;
import io.pekkoshm.benchmarks.aeron.RawAeronPeer;
import io.pekkoshm.benchmarks.pekko.PekkoDriverNode;
import io.pekkoshm.benchmarks.pekko.PekkoPeerNode;
import io.pekkoshm.benchmarks.pekko.PekkoStreamerNode;
import io.pekkoshm.benchmarks.report.Measurement;
import io.pekkoshm.benchmarks.transports.NodeConfigs;
import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.CpuMeter;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.RunnerCommands;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import io.pekkoshm.benchmarks.zerocopy.MemcpyNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs one {@link Session} of one transport: starts the peer and the driver JVMs together (and, for an isolation
 * session, the streamer: a third node whose stream the runner starts and stops when the driver asks, see
 * {@link OtherAssociationStream}), tells the driver the peer's address once the peer listens, collects the driver's
 * results, measures idle CPU of both (and of the
 * plugin's media driver process) while they are
 * associated and doing nothing, then lets both exit and makes sure they have. Every wait is bounded; a workload that
 * produced no result is reported as failed with the reason and the log to read.
 */
final class SessionRunner
{
    private static final Duration PEER_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final long SESSION_MARGIN_MS = 120_000;
    /** Raw Aeron IPC term length: Aeron's IPC default, or what a 16 MiB message needs. */
    private static final long RAW_TERM_LENGTH = 64 * Sizes.MIB;
    private static final long RAW_LARGE_TERM_LENGTH = 128 * Sizes.MIB;

    private final ChildCommands commands;
    private final RunDirectories directories;
    private final Path logs;
    private final BenchMode mode;
    private final int idleCpuLevel;

    SessionRunner(final ChildCommands commands, final RunDirectories directories, final Path logs, final BenchMode mode,
        final int idleCpuLevel)
    {
        this.commands = commands;
        this.directories = directories;
        this.logs = logs;
        this.mode = mode;
        this.idleCpuLevel = idleCpuLevel;
    }

    /**
     * @param progress told of each result as it comes.
     * @return one measurement per workload of the session (and one for idle, if the session measures it).
     */
    List<Measurement> run(final Transport transport, final String classpath, final Session session,
        final Consumer<Measurement> progress) throws InterruptedException
    {
        final List<Measurement> results = new ArrayList<>();
        final Consumer<Measurement> collect = m ->
        {
            final Measurement withSession = m.withContext(Map.of("session", session.name()));
            results.add(withSession);
            progress.accept(withSession);
        };
        final String tag = transport.id() + "-" + session.name();
        final List<String> jvm = List.of(session.maxHeap());
        final long start = System.nanoTime();
        String failure = null;
        try
        {
            if (transport.pekko())
            {
                runPekko(transport, classpath, session, tag, jvm, collect);
            }
            else if (transport == Transport.MEMCPY)
            {
                runMemcpy(classpath, session, tag, jvm, collect);
            }
            else
            {
                runRawAeron(classpath, session, tag, jvm, collect);
            }
        }
        catch (final SessionFailedException | IOException ex)
        {
            failure = ex.getMessage();
        }
        finally
        {
            directories.deleteAeronDirectory(tag + "-peer");
            directories.deleteAeronDirectory(tag + "-driver");
            directories.deleteAeronDirectory(tag + "-streamer");
            directories.deleteAeronDirectory(tag);
        }
        System.out.printf("    (session %s of %s: %.1f s)%n", session.name(), transport.id(),
            (System.nanoTime() - start) / 1e9);
        final List<String> expected = new ArrayList<>(session.plan().workloadIds());
        if (session.measureIdle())
        {
            expected.add("idle");
        }
        for (final String workload : expected)
        {
            if (results.stream().noneMatch(m -> m.workload().equals(workload)))
            {
                collect.accept(Measurement.fromJson(ResultLine.failed(workload, null == failure ?
                    "no result (see logs/" + tag + "-*.log)" : failure).toJson()));
            }
        }
        return results;
    }

    private void runPekko(final Transport transport, final String classpath, final Session session, final String tag,
        final List<String> jvm, final Consumer<Measurement> collect)
        throws IOException, InterruptedException, SessionFailedException
    {
        final List<String> bulk = transport == Transport.SHM_ZERO_COPY ?
            List.of(PekkoDriverNode.BULK + "=" + PekkoDriverNode.ZERO_COPY) : List.of();
        try (SessionHosts hosts = SessionHosts.open(transport, directories, tag))
        {
            final List<String> driverArgs = new ArrayList<>(List.of("config=" +
                writeConfig(transport, session, tag, "driver", hosts)));
            driverArgs.addAll(bulk);
            if (transport.crossHost())
            {
                // the driver node checks that its association to the peer is the one the column is about
                driverArgs.add(PekkoDriverNode.MEDIUM + "=" + PekkoDriverNode.UDP);
            }
            driverArgs.addAll(session.plan().toArgs());
            final List<String> peerArgs = new ArrayList<>(List.of("config=" +
                writeConfig(transport, session, tag, SessionHosts.PEER, hosts)));
            peerArgs.addAll(bulk);
            runPekkoNodes(transport, classpath, session, tag, jvm, hosts, driverArgs, peerArgs, collect);
        }
    }

    /** Starts the session's nodes (the peer, the driver and, for isolation, the streamer) and drives them. */
    private void runPekkoNodes(final Transport transport, final String classpath, final Session session,
        final String tag, final List<String> jvm, final SessionHosts hosts, final List<String> driverArgs,
        final List<String> peerArgs,
        final Consumer<Measurement> collect) throws IOException, InterruptedException, SessionFailedException
    {
        try (BenchJvm peer = BenchJvm.start(
                ChildCommands.spec(tag + "-peer", jvmOptions(jvm, tag + "-peer"), PekkoPeerNode.class, peerArgs),
                classpath, logs.resolve(tag + "-peer.log"));
             BenchJvm driver = BenchJvm.start(
                ChildCommands.spec(tag + "-driver", jvmOptions(jvm, tag + "-driver"), PekkoDriverNode.class,
                    driverArgs), classpath, logs.resolve(tag + "-driver.log"));
             BenchJvm streamer = session.streamer() ?
                 startStreamer(transport, classpath, session, tag, jvm, hosts) : null)
        {
            final String address = awaitReady(peer);
            final List<Long> mediaDriverPids = transport.isShm() ? awaitMediaDrivers(hosts) : List.of();
            final String peerLine = RunnerCommands.peerLine(address, peer.pid(), mediaDriverPids);
            driver.send(peerLine);
            OtherAssociationStream other = null;
            if (null != streamer)
            {
                streamer.send(peerLine);
                other = new OtherAssociationStream(streamer,
                    Duration.ofMillis(2 * session.plan().bandwidthAckTimeoutMs(session.plan().isolationSize())));
            }
            drive(session, driver, peer, mediaDriverPids, other, collect);
        }
    }

    /**
     * The pids of the session's media drivers, one per directory of the plugin: the peer's is live once the peer
     * listens; the driver node's, on another simulated host, may still be starting.
     */
    private static List<Long> awaitMediaDrivers(final SessionHosts hosts)
        throws InterruptedException, SessionFailedException
    {
        final long deadline = System.nanoTime() + PEER_START_TIMEOUT.toNanos();
        final List<Long> pids = new ArrayList<>();
        for (final Path directory : hosts.directories())
        {
            long pid;
            while ((pid = RunDirectories.mediaDriverPid(directory)) <= 0)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new SessionFailedException("no live media driver in " + directory + " within " +
                        PEER_START_TIMEOUT.toSeconds() + " s of the start");
                }
                Thread.sleep(50);
            }
            pids.add(pid);
        }
        return pids;
    }

    /** The isolation session's third node: streams to the peer from another association when told to. */
    private BenchJvm startStreamer(final Transport transport, final String classpath, final Session session,
        final String tag, final List<String> jvm, final SessionHosts hosts) throws IOException
    {
        final long size = session.plan().isolationSize();
        final List<String> args = List.of("config=" + writeConfig(transport, session, tag, "streamer", hosts),
            "size=" + size, "ackTimeoutMs=" + session.plan().bandwidthAckTimeoutMs(size));
        return BenchJvm.start(
            ChildCommands.spec(tag + "-streamer", jvmOptions(jvm, tag + "-streamer"), PekkoStreamerNode.class, args),
            classpath, logs.resolve(tag + "-streamer.log"));
    }

    private void runRawAeron(final String classpath, final Session session, final String tag, final List<String> jvm,
        final Consumer<Measurement> collect) throws IOException, InterruptedException, SessionFailedException
    {
        final Path dir = directories.aeronDirectory(tag);
        final long term = session.largestPayload() > RAW_TERM_LENGTH / 8 ? RAW_LARGE_TERM_LENGTH : RAW_TERM_LENGTH;
        try (BenchJvm peer = BenchJvm.start(
                ChildCommands.spec(tag + "-peer", jvmOptions(jvm, tag + "-peer"), RawAeronPeer.class,
                    List.of("dir=" + dir, "termLength=" + term)), classpath, logs.resolve(tag + "-peer.log"));
             BenchJvm driver = BenchJvm.start(
                ChildCommands.spec(tag + "-driver", jvmOptions(jvm, tag + "-driver"), RawAeronDriver.class,
                    session.plan().toArgs()), classpath, logs.resolve(tag + "-driver.log")))
        {
            driver.send(RunnerCommands.peerLine(awaitReady(peer), peer.pid(), List.of()));
            drive(session, driver, peer, List.of(), null, collect);
        }
    }

    /** memcpy: one JVM that measures and reports by itself. */
    private void runMemcpy(final String classpath, final Session session, final String tag, final List<String> jvm,
        final Consumer<Measurement> collect) throws IOException, InterruptedException, SessionFailedException
    {
        try (BenchJvm node = BenchJvm.start(
                ChildCommands.spec(tag + "-node", jvmOptions(jvm, tag + "-node"), MemcpyNode.class,
                    session.plan().toArgs()), classpath, logs.resolve(tag + "-node.log")))
        {
            collectResults(session, node, null, collect);
            node.send(RunnerCommands.SHUTDOWN);
            node.awaitExit(EXIT_TIMEOUT);
        }
    }

    /** The session's JVM options plus a GC log next to the child's log (to tell a slow transport from a slow heap). */
    private List<String> jvmOptions(final List<String> session, final String name)
    {
        final List<String> options = new ArrayList<>(session);
        options.add("-Xlog:gc:file=" + logs.resolve(name + "-gc.log"));
        if (Boolean.getBoolean("bench.jfr"))
        {
            // -Dbench.jfr=true: a JFR recording (profile settings) of every child, to see where the time goes
            options.add("-XX:StartFlightRecording=settings=profile,filename=" + logs.resolve(name + ".jfr"));
        }
        return options;
    }

    /**
     * Collects the driver's results, measures idle, tells the driver to exit and waits for both to exit.
     *
     * @param other the isolation session's streamer, or null.
     */
    private void drive(final Session session, final BenchJvm driver, final BenchJvm peer,
        final List<Long> mediaDriverPids, final OtherAssociationStream other, final Consumer<Measurement> collect)
        throws InterruptedException, SessionFailedException
    {
        collectResults(session, driver, other, collect);
        if (session.measureIdle())
        {
            collect.accept(Measurement.fromJson(measureIdle(driver.pid(), peer.pid(), mediaDriverPids).toJson()));
        }
        final long exitStart = System.nanoTime();
        driver.send(RunnerCommands.SHUTDOWN);
        driver.awaitExit(EXIT_TIMEOUT);
        if (null != other)
        {
            other.exit(EXIT_TIMEOUT);
        }
        peer.send(RunnerCommands.SHUTDOWN);
        peer.awaitExit(EXIT_TIMEOUT);
        System.out.printf("    (session %s: both nodes exited in %.1f s)%n", session.name(),
            (System.nanoTime() - exitStart) / 1e9);
    }

    /**
     * Passes on the driver's results until it says it is done (idle-ready), within the session's budget; starts and
     * stops the streamer's stream around the driver's ping-pong of the other-association condition.
     *
     * @param other the isolation session's streamer, or null.
     */
    private void collectResults(final Session session, final BenchJvm driver, final OtherAssociationStream other,
        final Consumer<Measurement> collect)
        throws InterruptedException, SessionFailedException
    {
        final String otherId = WorkloadPlan.isolationId(WorkloadPlan.OTHER_ASSOCIATION, session.plan().isolationSize());
        final long budgetMs = session.plan().budgetMs() + SESSION_MARGIN_MS;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
        while (true)
        {
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            final String line = leftMs > 0 ? driver.nextLine(Duration.ofMillis(leftMs)) : null;
            if (null == line)
            {
                throw new SessionFailedException("the driver node did not finish within " + budgetMs / 1000 +
                    " s (see logs/" + driver.log().getFileName() + ")");
            }
            if (BenchJvm.END.equals(line))
            {
                throw new SessionFailedException("the driver node exited before it finished (see logs/" +
                    driver.log().getFileName() + ")");
            }
            if (line.startsWith(ChildOutput.RESULT))
            {
                final Measurement result = Measurement.fromJson(line.substring(ChildOutput.RESULT.length()));
                collect.accept(null != other && result.workload().equals(otherId) ? other.stop(result) : result);
            }
            else if (line.equals(ChildOutput.STREAM_WANTED) && null != other)
            {
                driver.send(other.start());
            }
            else if (line.equals(ChildOutput.IDLE_READY))
            {
                return;
            }
        }
    }

    /** CPU of both nodes (and the media driver processes) while associated and idle, in % of one core. */
    private ResultLine measureIdle(final long driverPid, final long peerPid, final List<Long> mediaDriverPids)
    {
        final CpuMeter cpu = new CpuMeter(driverPid, peerPid, mediaDriverPids);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(mode.idleSettleMs()));
        final long[] before = cpu.snapshot();
        final long start = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(mode.idleMeasureMs()));
        final long[] after = cpu.snapshot();
        final long elapsed = System.nanoTime() - start;
        final ResultLine result = new ResultLine("idle").put("seconds", elapsed / 1e9);
        cpu.putPercentOfCore(result, before, after, elapsed);
        return result;
    }

    private String awaitReady(final BenchJvm peer) throws InterruptedException, SessionFailedException
    {
        final String line = peer.nextLine(PEER_START_TIMEOUT);
        if (null == line || !line.startsWith(ChildOutput.READY))
        {
            throw new SessionFailedException("the peer node did not start within " + PEER_START_TIMEOUT.toSeconds() +
                " s (see logs/" + peer.log().getFileName() + ")");
        }
        return line.substring(ChildOutput.READY.length()).trim();
    }

    /** Writes the configuration of the node of {@code role} (peer, driver, streamer), on its host. */
    private Path writeConfig(final Transport transport, final Session session, final String tag, final String role,
        final SessionHosts hosts) throws IOException
    {
        final Path file = logs.resolve(tag + "-" + role + ".conf");
        Files.writeString(file, NodeConfigs.hocon(transport, session.largestPayload(), hosts.of(role),
            directories.aeronDirectory(tag + "-" + role), idleCpuLevel), StandardCharsets.UTF_8);
        return file;
    }

    /** A session that could not run to its end; the message is the reason given for its missing results. */
    static final class SessionFailedException extends Exception
    {
        SessionFailedException(final String message)
        {
            super(message);
        }
    }
}
