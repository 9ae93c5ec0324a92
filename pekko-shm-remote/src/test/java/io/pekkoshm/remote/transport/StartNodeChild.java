package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.support.EmbeddedNodes;
import org.apache.pekko.actor.ActorSystem;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The main of a child JVM that starts one node (not a test): {@code StartNodeChild <directory>}. Prints
 * "STARTED &lt;address&gt;" and terminates the actor system, or prints "FAILED" followed by every message of the
 * failure's chain, one per line; then exits.
 */
public final class StartNodeChild
{
    private StartNodeChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final ActorSystem system;
        try
        {
            system = ActorSystem.create("child", EmbeddedNodes.config(Path.of(args[0]), 0));
        }
        catch (final Throwable ex)
        {
            final StringBuilder text = new StringBuilder("FAILED\n");
            for (Throwable t = ex; null != t; t = t.getCause())
            {
                text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
            }
            System.out.print(text);
            System.out.flush();
            System.exit(2);
            return;
        }
        System.out.println("STARTED " + system.provider().getDefaultAddress());
        System.out.flush();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
    }
}
