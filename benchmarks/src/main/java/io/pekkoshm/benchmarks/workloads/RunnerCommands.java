package io.pekkoshm.benchmarks.workloads;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * What the runner tells a child JVM on its standard input, one line each, read by a daemon thread:
 * <pre>
 *   peer address=&lt;address&gt; pid=&lt;pid&gt; sharedPid=&lt;pid or 0&gt;
 *        to a driver node: where its peer is, once the peer listens (the driver starts meanwhile)
 *   exit
 *        shut down and exit: first to the driver node, then, once it has gone, to the peer
 *   stream
 *        to the streamer of an isolation session: start streaming large messages to the peer
 *   streaming ok=&lt;true|false&gt;
 *        to the driver node of an isolation session: the streamer's stream runs (or could not be started)
 *   stop
 *        to the streamer: stop streaming, drain, report
 * </pre>
 * When standard input ends (the runner closed it, or died) the JVM halts at once, whatever it is doing: no child
 * outlives its runner.
 */
public final class RunnerCommands
{
    public static final String PEER = "peer";
    public static final String EXIT = "exit";
    public static final String STREAM = "stream";
    public static final String STREAMING = "streaming";
    public static final String STOP = "stop";

    private final CompletableFuture<NodeArgs> peer = new CompletableFuture<>();
    private final CompletableFuture<Void> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> stream = new CompletableFuture<>();
    private final CompletableFuture<Boolean> streaming = new CompletableFuture<>();
    private final CompletableFuture<Void> stop = new CompletableFuture<>();

    private RunnerCommands()
    {
    }

    /** Starts reading standard input. */
    public static RunnerCommands watchStdin()
    {
        final RunnerCommands commands = new RunnerCommands();
        final Thread watcher = new Thread(commands::read, "bench-stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
        return commands;
    }

    /** Completed with the peer's {@code address}, {@code pid} and {@code sharedPid} when the runner says them. */
    public CompletableFuture<NodeArgs> peer()
    {
        return peer;
    }

    /** Completed when the runner says {@code exit}. */
    public CompletableFuture<Void> exit()
    {
        return exit;
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

    /** The line that tells a driver node where its peer is. */
    public static String peerLine(final String address, final long pid, final long sharedPid)
    {
        return PEER + " address=" + address + " pid=" + pid + " sharedPid=" + sharedPid;
    }

    private void read()
    {
        try
        {
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while (null != (line = in.readLine()))
            {
                final String[] words = line.trim().split("\\s+");
                if (EXIT.equals(words[0]))
                {
                    exit.complete(null);
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
        catch (final IOException | RuntimeException ignored)
        {
            // treated as the end of input
        }
        Runtime.getRuntime().halt(3);
    }
}
