package io.pekkoshm.benchmarks.pekko;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What the runner tells a mesh node ({@link PekkoMeshNode}) on its standard input, one command a line, in order
 * (unlike the two-node sessions' one-shot {@code RunnerCommands}, a mesh node is told several things, some more than
 * once):
 * <pre>
 *   mesh peers=&lt;address&gt;,...                    associate with every other node, then say IDLE-READY
 *   pair address=... pid=... sharedPid=... condition=others-idle|others-busy nodes=&lt;n&gt;
 *                                                   64 B throughput and ping-pong to that node, then IDLE-READY
 *   stream address=...                             stream 64 B messages to that node at a fixed rate (busy condition)
 *   stop                                           stop the stream and report it
 *   exit                                           shut down and exit
 * </pre>
 * Read by a daemon thread into a queue the node's main thread takes from. When standard input ends (the runner closed
 * it, or died) the JVM halts at once: no node outlives its runner.
 */
final class MeshNodeCommands
{
    static final String MESH = "mesh";
    static final String PAIR = "pair";
    static final String STREAM = "stream";
    static final String STOP = "stop";
    static final String EXIT = "exit";

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private MeshNodeCommands()
    {
    }

    /** Starts reading standard input. */
    static MeshNodeCommands watchStdin()
    {
        final MeshNodeCommands commands = new MeshNodeCommands();
        final Thread watcher = new Thread(commands::read, "bench-mesh-stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
        return commands;
    }

    /** The next command line, split into words; null if none came within {@code timeout}. */
    String[] next(final Duration timeout) throws InterruptedException
    {
        final String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return null == line ? null : line.trim().split("\\s+");
    }

    private void read()
    {
        try
        {
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while (null != (line = in.readLine()))
            {
                if (!line.isBlank())
                {
                    lines.add(line);
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
