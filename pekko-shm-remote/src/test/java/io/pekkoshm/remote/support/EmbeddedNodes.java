package io.pekkoshm.remote.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.host.ShmDirectory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;

import java.nio.file.Path;

/** Configuration and actors for actor systems of one test JVM that talk over pekko.shm with an embedded driver. */
public final class EmbeddedNodes
{
    private EmbeddedNodes()
    {
    }

    /** A node on {@code port} (0 = any) whose shared memory lives in {@code directory}, with a 1 MiB term length. */
    public static Config config(final Path directory, final int port)
    {
        return ConfigFactory.parseString(
            "pekko.actor.provider = remote\n" +
            "pekko.loglevel = INFO\n" +
            "pekko.remote.artery.enabled = off\n" +
            "pekko.remote.classic.enabled-transports = [\"pekko.remote.shm\"]\n" +
            "pekko.remote.use-unsafe-remote-features-outside-cluster = on\n" +
            "pekko.remote.shm.port = " + port + "\n" +
            "pekko.remote.shm.directory = \"" + directory + "\"\n" +
            "pekko.remote.shm.driver.mode = embedded\n" +
            "pekko.remote.shm.term-length = 1 MiB\n")
            .withFallback(ConfigFactory.load());
    }

    /**
     * {@return the IPC stream id of the node at {@code port}, as its node file names it}: where a raw Aeron client
     * writes to reach it.
     *
     * @param directory the nodes' shared-memory directory (its media driver's directory is {@code aeron} in it).
     * @param port      the node's port.
     */
    public static int streamOf(final Path directory, final int port)
    {
        return new NodeRegistry(new ShmDirectory(directory, directory.resolve("aeron"))).lookup(port)
            .orElseThrow(() -> new IllegalStateException("no node file for port " + port + " in " + directory))
            .streamId();
    }

    /** Shuts the systems down in the order given, waiting for each; a null (never started) is skipped. */
    public static void shutdown(final ActorSystem... systems)
    {
        for (final ActorSystem system : systems)
        {
            if (null != system)
            {
                TestKit.shutdownActorSystem(system);
            }
        }
    }

    /** Replies with whatever it gets. */
    public static final class Echo extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchAny(m -> getSender().tell(m, getSelf())).build();
        }
    }
}
