package io.pekkoshm.samples.support;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * The child side of {@link ChildProcess}: a child JVM exits when its parent closes its stdin or dies.
 */
public final class SampleChild
{
    /** The exit code of a child whose parent went away before telling it to stop. */
    public static final int EXIT_PARENT_GONE = 3;
    /** How long shutdown hooks (an actor system's coordinated shutdown) may run before the JVM is halted. */
    private static final Duration HALT_GRACE = Duration.ofSeconds(15);

    private SampleChild()
    {
    }

    /**
     * Starts a daemon thread that reads stdin to its end, then exits the JVM with {@link #EXIT_PARENT_GONE},
     * halting it if the shutdown hooks take longer than 15 s. Call first thing in a child's {@code main}.
     */
    public static void exitWhenParentExits()
    {
        final Thread watcher = new Thread(() ->
        {
            try
            {
                final InputStream in = System.in;
                while (in.read() >= 0)
                {
                    // the parent writes nothing: wait for the end of the stream
                }
            }
            catch (final IOException ignore)
            {
                // the same as the end of the stream
            }
            Samples.say("the sample's main JVM has gone; exiting");
            final Thread halt = new Thread(() ->
            {
                try
                {
                    Thread.sleep(HALT_GRACE.toMillis()); // a watchdog, not synchronisation
                }
                catch (final InterruptedException ignore)
                {
                    // halt at once
                }
                Runtime.getRuntime().halt(EXIT_PARENT_GONE);
            }, "sample-halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(EXIT_PARENT_GONE);
        }, "sample-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
