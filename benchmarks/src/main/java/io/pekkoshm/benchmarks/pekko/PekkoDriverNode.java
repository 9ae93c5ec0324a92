package io.pekkoshm.benchmarks.pekko;

import io.pekkoshm.benchmarks.workloads.AckCounter;
import io.pekkoshm.benchmarks.workloads.BandwidthWorkload;
import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.CpuMeter;
import io.pekkoshm.benchmarks.workloads.FirstAfterIdle;
import io.pekkoshm.benchmarks.workloads.MessageSink;
import io.pekkoshm.benchmarks.workloads.NodeArgs;
import io.pekkoshm.benchmarks.workloads.PingPongOutcome;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.RunnerCommands;
import io.pekkoshm.benchmarks.workloads.ThroughputWorkload;
import io.pekkoshm.benchmarks.workloads.WorkloadFailedException;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import io.pekkoshm.benchmarks.zerocopy.ZeroCopyBulk;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sending node of a Pekko session (a child JVM): starts actor system {@code driver} (while the peer starts),
 * waits for the runner to say where the peer is, finds the peer's actors, runs the workloads of its
 * {@link WorkloadPlan} one after the other (the first message after idle, {@link FirstAfterIdle}, last) and prints
 * one {@code BENCH-RESULT} line each, then says
 * {@code BENCH-IDLE-READY} and does nothing until the runner says {@code shutdown} (the runner measures idle CPU
 * meanwhile); then it shuts down (while the peer still answers) and exits.
 * <pre>
 *   PekkoDriverNode config=&lt;file.conf&gt; [bulk=zero-copy] [medium=udp] &lt;plan...&gt;
 *   then on stdin: peer address=... pid=... sharedPid=...
 * </pre>
 * With {@code bulk=zero-copy} the bandwidth messages are the plugin's zero-copy blobs ({@link ZeroCopyBulk}) instead
 * of byte arrays. With {@code medium=udp} (the cross-host column) the node fails before its workloads unless the
 * plugin carries its association to the peer over that medium ({@link AssociationMedium}). The isolation workload
 * ({@link IsolationPhases}) also talks to the runner while it runs. Messages go to {@code ActorRef}s resolved with
 * {@code Identify} (not selections) so that Artery's large-message stream applies to {@code /user/bulk}.
 */
public final class PekkoDriverNode
{
    private static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(120);
    /** The argument that chooses the bandwidth messages, and its value for the zero-copy API. */
    public static final String BULK = "bulk";
    public static final String ZERO_COPY = "zero-copy";
    /** The argument that names the medium the plugin must carry the association over, and its value across hosts. */
    public static final String MEDIUM = "medium";
    public static final String UDP = "udp";

    private PekkoDriverNode()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RunnerCommands commands = RunnerCommands.start();
        final NodeArgs arguments = NodeArgs.parse(args);
        final WorkloadPlan plan = WorkloadPlan.fromArgs(arguments);
        final ActorSystem system = ActorSystem.create("driver", PekkoNodes.load(arguments.get("config")));
        PekkoNodes.runThenExit(system, () ->
        {
            final Semaphore streamAcks = new Semaphore(0);
            final Semaphore bulkAcks = new Semaphore(0);
            final ActorRef self = system.actorOf(Props.create(DriverActor.class,
                () -> new DriverActor(streamAcks, bulkAcks)), "driver");
            final NodeArgs peerInfo = commands.peer().get(PEER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            final CpuMeter cpu = new CpuMeter(ProcessHandle.current().pid(), peerInfo.getLong("pid"),
                peerInfo.getLongs("sharedPid"));
            final String address = peerInfo.get("address");
            final ActorRef peer = resolve(system, address + PekkoNodes.PEER_PATH);
            final ActorRef bulk = resolve(system, address + PekkoNodes.BULK_PATH);
            final String medium = arguments.get(MEDIUM, "");
            if (!medium.isEmpty())
            {
                AssociationMedium.require(system, medium);
            }

            if (plan.throughput())
            {
                ChildOutput.result(new ThroughputWorkload(m -> peer.tell(m, self), acks(streamAcks), cpu, plan).run());
            }
            if (plan.pingPong())
            {
                ChildOutput.result(pingPong(self, peer, plan, cpu, WorkloadPlan.pingPongId(),
                    plan.ppWarmupMs() + plan.ppMeasureMs() + plan.ackTimeoutMs()));
            }
            final MessageSink bulkSink = ZERO_COPY.equals(arguments.get(BULK, "")) ?
                ZeroCopyBulk.sink(system, bulk, self) : m -> bulk.tell(m, self);
            for (final long size : plan.bandwidthSizes())
            {
                ChildOutput.result(new BandwidthWorkload(bulkSink, acks(bulkAcks), cpu, plan, size).run());
            }
            if (plan.firstRepeats() > 0)
            {
                ChildOutput.result(FirstAfterIdle.run(plan, () -> onePing(self, peer, plan.ackTimeoutMs())));
            }
            if (plan.isolationSize() > 0)
            {
                new IsolationPhases(self, peer, bulkSink, acks(bulkAcks), plan, cpu, commands).run();
            }
            ChildOutput.idleReady();
            commands.shutdown().get(1, TimeUnit.HOURS);
        });
    }

    static AckCounter acks(final Semaphore semaphore)
    {
        return (messages, timeoutNs) -> semaphore.tryAcquire(messages, timeoutNs, TimeUnit.NANOSECONDS);
    }

    /**
     * A ping-pong under the plan's bounds, driven by {@code self}.
     *
     * @param workload the result's workload id.
     * @param waitMs   how long the whole ping-pong may take before it is reported as failed.
     */
    static ResultLine pingPong(final ActorRef self, final ActorRef peer, final WorkloadPlan plan, final CpuMeter cpu,
        final String workload, final long waitMs)
        throws InterruptedException
    {
        final CompletableFuture<PingPongOutcome> done = new CompletableFuture<>();
        self.tell(new DriverActor.StartPings(peer, plan.ppWarmupMs(), plan.ppMeasureMs(), plan.ppMaxRoundTrips(), cpu,
            done), ActorRef.noSender());
        try
        {
            return done.get(waitMs, TimeUnit.MILLISECONDS).toResult(cpu, workload);
        }
        catch (final TimeoutException ex)
        {
            return ResultLine.failed(workload, "the ping-pong did not finish within " + waitMs +
                " ms (a pong did not come back)");
        }
        catch (final ExecutionException ex)
        {
            return ResultLine.failed(workload, String.valueOf(ex.getCause()));
        }
    }

    /** One ping from {@code self} to {@code peer}, timed by the actor; the round trip in nanoseconds. */
    static long onePing(final ActorRef self, final ActorRef peer, final long timeoutMs) throws InterruptedException
    {
        final CompletableFuture<Long> rtt = new CompletableFuture<>();
        self.tell(new DriverActor.OnePing(peer, rtt), ActorRef.noSender());
        try
        {
            return rtt.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException | ExecutionException ex)
        {
            throw new WorkloadFailedException("the pong of the first message after idle did not come back within " +
                timeoutMs + " ms");
        }
    }

    /** Resolves a remote actor by path with Identify, retrying while the association comes up. */
    static ActorRef resolve(final ActorSystem system, final String path) throws Exception
    {
        final long deadline = System.nanoTime() + RESOLVE_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() - deadline < 0)
        {
            try
            {
                final Object reply = Patterns.ask(system.actorSelection(path), new Identify(path),
                    Duration.ofSeconds(3))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
                if (reply instanceof ActorIdentity && ((ActorIdentity)reply).getActorRef().isPresent())
                {
                    return ((ActorIdentity)reply).getActorRef().get();
                }
            }
            catch (final Exception ex)
            {
                last = ex;
            }
        }
        throw new IllegalStateException("Could not resolve " + path + " within " + RESOLVE_TIMEOUT, last);
    }
}
