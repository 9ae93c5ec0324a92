package io.pekkoshm.benchmarks.pekko;

import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.LargeStream;
import io.pekkoshm.benchmarks.workloads.NodeArgs;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.RunnerCommands;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The third node of an isolation session (a child JVM): actor system {@code streamer}, another association to the
 * same peer node as the driver's. It waits for the runner to say where the peer is and resolves the peer's
 * {@code /user/bulk}; when the runner says {@code stream}, it streams large messages there ({@link LargeStream}, the
 * bandwidth workload's window and bound per message) and says {@code BENCH-STREAMING} once the first is acknowledged;
 * when the runner says {@code stop}, it stops, waits for the acknowledgements and prints a {@code BENCH-RESULT} line
 * (workload {@code stream}, failed with the reason if the stream failed, also if it never started). Then it does
 * nothing until {@code shutdown}.
 * <pre>
 *   PekkoStreamerNode config=&lt;file.conf&gt; size=&lt;bytes&gt; ackTimeoutMs=&lt;ms&gt;
 *   then on stdin: peer address=... pid=... sharedPid=...; stream; stop; shutdown
 * </pre>
 */
public final class PekkoStreamerNode
{
    /** The workload id of the streamer's one result line. */
    public static final String STREAM = "stream";
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(120);

    private PekkoStreamerNode()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RunnerCommands commands = RunnerCommands.start();
        final NodeArgs arguments = NodeArgs.parse(args);
        final long size = arguments.getLong("size");
        final long ackTimeoutMs = arguments.getLong("ackTimeoutMs");
        final ActorSystem system = ActorSystem.create("streamer", PekkoNodes.load(arguments.get("config")));
        PekkoNodes.runThenExit(system, () ->
        {
            final Semaphore bulkAcks = new Semaphore(0);
            final ActorRef self = system.actorOf(Props.create(DriverActor.class,
                () -> new DriverActor(new Semaphore(0), bulkAcks)), "driver");
            final NodeArgs peerInfo = commands.peer().get(PEER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            final ActorRef bulk = PekkoDriverNode.resolve(system, peerInfo.get("address") + PekkoNodes.BULK_PATH);

            commands.stream().get(1, TimeUnit.HOURS);
            final LargeStream stream = new LargeStream(m -> bulk.tell(m, self), PekkoDriverNode.acks(bulkAcks), size,
                ackTimeoutMs);
            stream.start();
            if (stream.awaitRunning(ackTimeoutMs))
            {
                ChildOutput.streaming();
                commands.stop().get(1, TimeUnit.HOURS);
            }
            stream.stop();
            final ResultLine result = new ResultLine(STREAM);
            stream.failure().ifPresent(reason -> result.status(ResultLine.FAILED, reason));
            ChildOutput.result(stream.putInto(result));
            commands.shutdown().get(1, TimeUnit.HOURS);
        });
    }
}
