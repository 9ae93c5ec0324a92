package io.pekkoshm.benchmarks.pekko;

import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.CpuMeter;
import io.pekkoshm.benchmarks.workloads.NodeArgs;
import io.pekkoshm.benchmarks.workloads.PacedStream;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.ThroughputWorkload;
import io.pekkoshm.benchmarks.workloads.Wire;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One node of a mesh session (issue 19), a child JVM: actor system {@code mesh} with a {@link PeerActor} (answers
 * pings, acknowledges streams) and a {@link DriverActor} (sends, counts acknowledgements, drives ping-pongs). Says
 * {@code BENCH-READY <address>}, then does what the runner tells it ({@link MeshNodeCommands}), one command at a
 * time on its main thread:
 * <ul>
 *   <li>associates with every other node: resolves its {@code /user/peer} (an Identify round trip) and sends it
 *       {@link #WARM_PINGS} pings, each answered, so that every log of the mesh has carried traffic both ways;</li>
 *   <li>measures 64 B throughput and ping-pong to one other node, under the plan's bounds;</li>
 *   <li>streams 64 B messages to one other node at a fixed rate ({@link PacedStream}) until told to stop.</li>
 * </ul>
 * <pre>
 *   PekkoMeshNode config=&lt;file.conf&gt; &lt;plan...&gt;
 * </pre>
 */
public final class PekkoMeshNode
{
    /** Pings each node sends to every other after resolving it, each answered. */
    public static final int WARM_PINGS = 20;
    private static final Duration COMMAND_TIMEOUT = Duration.ofHours(1);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

    private final ActorSystem system;
    private final ActorRef self;
    private final Semaphore streamAcks;
    private final WorkloadPlan plan;
    private final Map<String, ActorRef> peers = new HashMap<>();
    private PacedStream stream;

    private PekkoMeshNode(final ActorSystem system, final ActorRef self, final Semaphore streamAcks,
        final WorkloadPlan plan)
    {
        this.system = system;
        this.self = self;
        this.streamAcks = streamAcks;
        this.plan = plan;
    }

    public static void main(final String[] args) throws Exception
    {
        final MeshNodeCommands commands = MeshNodeCommands.start();
        final NodeArgs arguments = NodeArgs.parse(args);
        final WorkloadPlan plan = WorkloadPlan.fromArgs(arguments);
        final ActorSystem system = ActorSystem.create("mesh", PekkoNodes.load(arguments.get("config")));
        PekkoNodes.runThenExit(system, () ->
        {
            final Semaphore streamAcks = new Semaphore(0);
            final ActorRef self = system.actorOf(Props.create(DriverActor.class,
                () -> new DriverActor(streamAcks, new Semaphore(0))), "driver");
            system.actorOf(Props.create(PeerActor.class), "peer");
            ChildOutput.ready(PekkoNodes.address(system));
            new PekkoMeshNode(system, self, streamAcks, plan).serve(commands);
        });
    }

    private void serve(final MeshNodeCommands commands) throws Exception
    {
        while (true)
        {
            final String[] words = commands.next(COMMAND_TIMEOUT);
            if (null == words || MeshNodeCommands.SHUTDOWN.equals(words[0]))
            {
                return;
            }
            final NodeArgs args = NodeArgs.parse(Arrays.copyOfRange(words, 1, words.length));
            switch (words[0])
            {
                case MeshNodeCommands.MESH:
                    associate(args.get("peers").split(","));
                    ChildOutput.idleReady();
                    break;
                case MeshNodeCommands.PAIR:
                    pair(args);
                    ChildOutput.idleReady();
                    break;
                case MeshNodeCommands.STREAM:
                {
                    final ActorRef to = peer(args.get("address"));
                    stream = PacedStream.start(m -> to.tell(m, self), streamAcks, plan.ackTimeoutMs(),
                        ChildOutput::streaming);
                    break;
                }
                case MeshNodeCommands.STOP:
                    ChildOutput.result(null == stream ? ResultLine.failed("stream", "no stream was started") :
                        stream.stop());
                    stream = null;
                    break;
                default:
                    throw new IllegalArgumentException("Unknown command " + String.join(" ", words));
            }
        }
    }

    /** Resolves every other node's {@code /user/peer} and exchanges {@link #WARM_PINGS} pings with each. */
    private void associate(final String[] addresses) throws Exception
    {
        final byte[] ping = Wire.message(Wire.PING, Wire.SMALL_MESSAGE_SIZE);
        for (final String address : addresses)
        {
            final ActorRef peer = peer(address);
            for (int i = 0; i < WARM_PINGS; i++)
            {
                Patterns.ask(peer, ping, PING_TIMEOUT).toCompletableFuture()
                    .get(PING_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** 64 B throughput, then ping-pong, to the node at {@code address}; results under the mesh's workload ids. */
    private void pair(final NodeArgs args) throws Exception
    {
        final ActorRef peer = peer(args.get("address"));
        final int nodes = Math.toIntExact(args.getLong("nodes"));
        final String condition = args.get("condition");
        final CpuMeter cpu = new CpuMeter(ProcessHandle.current().pid(), args.getLong("pid"),
            args.getLongs("sharedPid"));
        final ResultLine throughput = new ThroughputWorkload(m -> peer.tell(m, self),
            PekkoDriverNode.acks(streamAcks), cpu, plan).run();
        ChildOutput.result(throughput.put("workload", WorkloadPlan.meshId(nodes,
            WorkloadPlan.throughputId() + "-" + condition)));
        ChildOutput.result(PekkoDriverNode.pingPong(self, peer, plan, cpu,
            WorkloadPlan.meshId(nodes, WorkloadPlan.pingPongId() + "-" + condition),
            plan.ppWarmupMs() + plan.ppMeasureMs() + plan.ackTimeoutMs()));
    }

    private ActorRef peer(final String address) throws Exception
    {
        ActorRef peer = peers.get(address);
        if (null == peer)
        {
            peer = PekkoDriverNode.resolve(system, address + PekkoNodes.PEER_PATH);
            peers.put(address, peer);
        }
        return peer;
    }
}
