package io.pekkoshm.benchmarks.pekko;

import io.pekkoshm.testkit.process.ChildControl;

import java.time.Duration;
import java.util.Optional;

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
 *   shutdown                                       shut down and exit
 * </pre>
 * The lines are taken from the test kit's {@link ChildControl}, the one reader of standard input, on the node's main
 * thread. ChildControl exits the JVM when standard input ends (the runner closed it, or died): no node outlives its
 * runner.
 */
final class MeshNodeCommands
{
    static final String MESH = "mesh";
    static final String PAIR = "pair";
    static final String STREAM = "stream";
    static final String STOP = "stop";
    static final String SHUTDOWN = "shutdown";

    private final ChildControl control;

    private MeshNodeCommands(final ChildControl control)
    {
        this.control = control;
    }

    /** Starts taking the runner's commands (and {@link ChildControl}, if this JVM has not started it yet). */
    static MeshNodeCommands start()
    {
        return new MeshNodeCommands(ChildControl.start());
    }

    /** The next command line that is not blank, split into words; null if none came within {@code timeout}. */
    String[] next(final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final Optional<String> line = control.pollCommand(Duration.ofNanos(Math.max(0,
                deadline - System.nanoTime())));
            if (line.isEmpty())
            {
                return null;
            }
            if (!line.get().isBlank())
            {
                return line.get().trim().split("\\s+");
            }
        }
    }
}
