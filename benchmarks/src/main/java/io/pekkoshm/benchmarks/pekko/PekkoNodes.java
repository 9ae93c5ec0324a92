package io.pekkoshm.benchmarks.pekko;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.io.File;
import java.util.concurrent.TimeUnit;

/** What both Pekko nodes do alike: load the session's configuration file, name their address. */
final class PekkoNodes
{
    static final String PEER_PATH = "/user/peer";
    static final String BULK_PATH = "/user/bulk";

    private PekkoNodes()
    {
    }

    /** The session's configuration (written by the runner) over the class path's reference configuration. */
    static Config load(final String file)
    {
        return ConfigFactory.load(ConfigFactory.parseFile(new File(file)));
    }

    /** The node's remoting address, whichever transport: e.g. pekko.shm://peer@localhost:2553. */
    static String address(final ActorSystem system)
    {
        return ((ExtendedActorSystem)system).provider().getDefaultAddress().toString();
    }

    /** What a node's main does with its actor system; may throw. */
    @FunctionalInterface
    interface NodeBody
    {
        void run() throws Exception;
    }

    /**
     * Runs a node's body, then terminates its actor system and exits the JVM: status 0, or 1 (with the stack trace)
     * if the body threw.
     */
    static void runThenExit(final ActorSystem system, final NodeBody body) throws Exception
    {
        int status = 0;
        try
        {
            body.run();
        }
        catch (final Exception ex)
        {
            ex.printStackTrace();
            status = 1;
        }
        finally
        {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        System.exit(status);
    }
}
