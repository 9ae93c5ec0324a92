package io.pekkoshm.benchmarks.workloads;

import io.pekkoshm.testkit.process.ChildControl;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * What the runner tells a child JVM on its standard input, one line each:
 * <pre>
 *   peer address=&lt;address&gt; pid=&lt;pid&gt; sharedPid=&lt;pids separated by commas, or 0&gt;
 *        to a driver node: where its peer is, once the peer listens (the driver starts meanwhile), and the media
 *        driver processes whose CPU counts with the nodes' (one per simulated host for the cross-host column)
 *   shutdown
 *        shut down and exit: first to the driver node, then, once it has gone, to the peer
 *   stream
 *        to the streamer of an isolation session: start streaming large messages to the peer
 *   streaming ok=&lt;true|false&gt;
 *        to the driver node of an isolation session: the streamer's stream runs (or could not be started)
 *   stop
 *        to the streamer: stop streaming, drain, report
 * </pre>
 * The lines come through the test kit's {@link ChildControl}, the one reader of standard input, which the runner's
 * children run under: it exits the JVM when standard input ends (the runner closed it, or died), so no child outlives
 * its runner, and on its own {@value ChildControl#EXIT_COMMAND} command (the runner's last resort when a child does
 * not shut down). A daemon thread takes the other lines from it and completes the futures below.
 */
public final class RunnerCommands
{
    public static final String PEER = "peer";
    public static final String SHUTDOWN = "shutdown";
    public static final String STREAM = "stream";
    public static final String STREAMING = "streaming";
    public static final String STOP = "stop";

    /** How long the reader waits for a line in one go; it waits again, for as long as the JVM runs. */
    private static final Duration POLL = Duration.ofHours(1);

    private final CompletableFuture<NodeArgs> peer = new CompletableFuture<>();
    private final CompletableFuture<Void> shutdown = new CompletableFuture<>();
    private final CompletableFuture<Void> stream = new CompletableFuture<>();
    private final CompletableFuture<Boolean> streaming = new CompletableFuture<>();
    private final CompletableFuture<Void> stop = new CompletableFuture<>();

    private RunnerCommands()
    {
    }

    /** Starts taking the runner's commands (and {@link ChildControl}, if this JVM has not started it yet). */
    public static RunnerCommands start()
    {
        final RunnerCommands commands = new RunnerCommands();
        final ChildControl control = ChildControl.start();
        final Thread reader = new Thread(() -> commands.read(control), "bench-runner-commands");
        reader.setDaemon(true);
        reader.start();
        return commands;
    }

    /** Completed with the peer's {@code address}, {@code pid} and {@code sharedPid} when the runner says them. */
    public CompletableFuture<NodeArgs> peer()
    {
        return peer;
    }

    /** Completed when the runner says {@code shutdown}. */
    public CompletableFuture<Void> shutdown()
    {
        return shutdown;
    }

    /** Completed when the runner tells a streamer to start streaming. */
    public CompletableFuture<Void> stream()
    {
        return stream;
    }

    /** Completed with whether the streamer's stream runs, when the runner tells a driver node so. */
    public CompletableFuture<Boolean> streaming()
    {
        return streaming;
    }

    /** Completed when the runner tells a streamer to stop. */
    public CompletableFuture<Void> stop()
    {
        return stop;
    }

    /** The line that tells a driver node whether the streamer's stream runs. */
    public static String streamingLine(final boolean ok)
    {
        return STREAMING + " ok=" + ok;
    }

    /** The line that tells a driver node where its peer is, and which media drivers' CPU counts (none: 0). */
    public static String peerLine(final String address, final long pid, final List<Long> sharedPids)
    {
        return PEER + " address=" + address + " pid=" + pid + " sharedPid=" + (sharedPids.isEmpty() ? "0" :
            sharedPids.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }

    private void read(final ChildControl control)
    {
        try
        {
            while (true)
            {
                control.pollCommand(POLL).ifPresent(this::accept);
            }
        }
        catch (final RuntimeException ex)
        {
            // A line this cannot read is the runner's bug: halt, so that the runner sees the child gone at once.
            ex.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
    }

    private void accept(final String line)
    {
        final String[] words = line.trim().split("\\s+");
        if (SHUTDOWN.equals(words[0]))
        {
            shutdown.complete(null);
        }
        else if (PEER.equals(words[0]))
        {
            peer.complete(NodeArgs.parse(Arrays.copyOfRange(words, 1, words.length)));
        }
        else if (STREAM.equals(words[0]))
        {
            stream.complete(null);
        }
        else if (STREAMING.equals(words[0]))
        {
            streaming.complete(Boolean.parseBoolean(
                NodeArgs.parse(Arrays.copyOfRange(words, 1, words.length)).get("ok")));
        }
        else if (STOP.equals(words[0]))
        {
            stop.complete(null);
        }
    }
}
