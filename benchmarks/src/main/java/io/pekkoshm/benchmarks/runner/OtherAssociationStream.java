package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.pekko.PekkoStreamerNode;
import io.pekkoshm.benchmarks.report.Measurement;
import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.RunnerCommands;

import java.time.Duration;
import java.util.Map;

/**
 * The runner's side of an isolation session's third JVM (the streamer, {@link PekkoStreamerNode}): starts its
 * stream when the driver node asks, and once the driver's ping-pong of that condition is in, stops it and puts the
 * stream's figures into that result, or turns it into a failure with the stream's reason (the condition was not
 * met). Used by the session runner's thread only.
 */
final class OtherAssociationStream
{
    private final BenchJvm streamer;
    private final Duration timeout;
    private String failure;

    /** @param timeout how long the stream may take to start, and to stop and drain: its bound per message, doubled. */
    OtherAssociationStream(final BenchJvm streamer, final Duration timeout)
    {
        this.streamer = streamer;
        this.timeout = timeout;
    }

    /**
     * Tells the streamer to stream and waits until it says its first message was acknowledged.
     *
     * @return the line that tells the driver node whether the stream runs.
     */
    String start() throws InterruptedException
    {
        if (!streamer.send(RunnerCommands.STREAM))
        {
            failure = "the streamer node has gone (see logs/" + streamer.log().getFileName() + ")";
            return RunnerCommands.streamingLine(false);
        }
        final String line = streamer.nextLine(timeout);
        if (ChildOutput.STREAMING.equals(line))
        {
            return RunnerCommands.streamingLine(true);
        }
        failure = null != line && line.startsWith(ChildOutput.RESULT) ?
            "the other node's stream failed: " + Measurement.fromJson(line.substring(ChildOutput.RESULT.length()))
                .reason() :
            "the other node's stream did not start within " + timeout.toSeconds() + " s (see logs/" +
            streamer.log().getFileName() + ")";
        return RunnerCommands.streamingLine(false);
    }

    /** Tells the streamer to shut down (before the peer is told), and waits up to {@code wait} for it to exit. */
    void exit(final Duration wait) throws InterruptedException
    {
        streamer.send(RunnerCommands.SHUTDOWN);
        streamer.awaitExit(wait);
    }

    /**
     * Stops the stream and returns the driver's result of this condition with the stream's figures, or as failed
     * with the reason if the stream did not run throughout.
     */
    Measurement stop(final Measurement pingPong) throws InterruptedException
    {
        if (null == failure)
        {
            streamer.send(RunnerCommands.STOP);
            final String line = streamer.nextLine(timeout);
            if (null != line && line.startsWith(ChildOutput.RESULT))
            {
                final Measurement stream = Measurement.fromJson(line.substring(ChildOutput.RESULT.length()));
                if (stream.ok() && PekkoStreamerNode.STREAM.equals(stream.workload()))
                {
                    return pingPong.withContext(stream.fieldsStartingWith("stream_"));
                }
                failure = "the other node's stream failed: " + stream.reason();
            }
            else
            {
                failure = "the other node's stream did not report within " + timeout.toSeconds() + " s (see logs/" +
                    streamer.log().getFileName() + ")";
            }
        }
        return Measurement.fromJson(ResultLine.failed(pingPong.workload(), failure).toJson())
            .withContext(Map.of("stream_message_bytes",
                Long.parseLong(pingPong.text("stream_message_bytes").orElse("0"))));
    }
}
