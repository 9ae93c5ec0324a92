package io.pekkoshm.benchmarks.pekko;

import io.pekkoshm.benchmarks.workloads.AckCounter;
import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.CpuMeter;
import io.pekkoshm.benchmarks.workloads.LargeStream;
import io.pekkoshm.benchmarks.workloads.MessageSink;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.RunnerCommands;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.apache.pekko.actor.ActorRef;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The driver node's side of the isolation workload (issue 14: a large message never stalls the small ones): the
 * 64-byte ping-pong to {@code /user/peer}, under the ping-pong's bounds, three times, each a result line, after one
 * more that is not reported (the session's JVMs are fresh: without it the first condition, alone, would be measured
 * least warmed up and its ratio to the others would flatter them):
 * <ol>
 *   <li>{@code alone}: nothing else runs;</li>
 *   <li>{@code same}: while this node streams large messages of the plan's isolation size to the peer's
 *       {@code /user/bulk} (another actor, the same association), a {@link LargeStream} started before the ping-pong
 *       (its first message acknowledged) and stopped after it;</li>
 *   <li>{@code other}: while the session's third JVM (the streamer, {@link PekkoStreamerNode}) streams the same
 *       messages to the peer's {@code /user/bulk}: another association of the same receiving node. This node asks the
 *       runner to start that stream ({@code BENCH-STREAM-WANTED}) and waits for its answer; the runner stops the
 *       stream after this result and adds the stream's figures to it.</li>
 * </ol>
 * Runs on the driver node's main thread; the pings on its {@link DriverActor}, the stream on the stream's thread.
 */
final class IsolationPhases
{
    private final ActorRef self;
    private final ActorRef peer;
    private final MessageSink bulk;
    private final AckCounter bulkAcks;
    private final WorkloadPlan plan;
    private final CpuMeter cpu;
    private final RunnerCommands commands;
    private final long size;
    /** The bound per large message, as in the bandwidth workload of this size. */
    private final long streamTimeoutMs;

    IsolationPhases(final ActorRef self, final ActorRef peer, final MessageSink bulk, final AckCounter bulkAcks,
        final WorkloadPlan plan, final CpuMeter cpu, final RunnerCommands commands)
    {
        this.self = self;
        this.peer = peer;
        this.bulk = bulk;
        this.bulkAcks = bulkAcks;
        this.plan = plan;
        this.cpu = cpu;
        this.commands = commands;
        this.size = plan.isolationSize();
        this.streamTimeoutMs = plan.bandwidthAckTimeoutMs(size);
    }

    /** Runs the three ping-pongs and prints a result line for each. */
    void run() throws InterruptedException
    {
        pingPong("warm-up");
        ChildOutput.result(pingPong(WorkloadPlan.ALONE));
        ChildOutput.result(whileStreamingHere());
        ChildOutput.result(whileStreamingFromAnotherNode());
    }

    private ResultLine whileStreamingHere() throws InterruptedException
    {
        final String id = WorkloadPlan.isolationId(WorkloadPlan.SAME_ASSOCIATION, size);
        final LargeStream stream = new LargeStream(bulk, bulkAcks, size, streamTimeoutMs);
        stream.start();
        final boolean running = stream.awaitRunning(streamTimeoutMs);
        final ResultLine result = running ? pingPong(WorkloadPlan.SAME_ASSOCIATION) : null;
        stream.stop();
        final Optional<String> failure = stream.failure();
        if (failure.isPresent())
        {
            return tagged(ResultLine.failed(id, "the " + Sizes.pretty(size) +
                " stream on the same association failed: " + failure.get()));
        }
        if (!running)
        {
            return tagged(ResultLine.failed(id, "no " + Sizes.pretty(size) + " message was acknowledged within " +
                streamTimeoutMs / 1000 + " s"));
        }
        return stream.putInto(result);
    }

    private ResultLine whileStreamingFromAnotherNode() throws InterruptedException
    {
        final String id = WorkloadPlan.isolationId(WorkloadPlan.OTHER_ASSOCIATION, size);
        ChildOutput.streamWanted();
        final boolean running;
        try
        {
            // the runner answers once the streamer's first message is acknowledged, or it failed
            running = commands.streaming().get(3 * streamTimeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException | ExecutionException ex)
        {
            return tagged(ResultLine.failed(id, "the runner did not say whether the other node streams: " + ex));
        }
        return running ? pingPong(WorkloadPlan.OTHER_ASSOCIATION) :
            tagged(ResultLine.failed(id, "the other node's stream did not start"));
    }

    /** A ping-pong; while a stream runs, a pong may take as long as a large message's acknowledgement. */
    private ResultLine pingPong(final String condition) throws InterruptedException
    {
        return tagged(PekkoDriverNode.pingPong(self, peer, plan, cpu, WorkloadPlan.isolationId(condition, size),
            plan.ppWarmupMs() + plan.ppMeasureMs() + streamTimeoutMs));
    }

    private ResultLine tagged(final ResultLine result)
    {
        return result.put("stream_message_bytes", size);
    }
}
