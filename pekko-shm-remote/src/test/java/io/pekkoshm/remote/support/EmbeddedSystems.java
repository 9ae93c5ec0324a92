package io.pekkoshm.remote.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Actor systems of one test JVM on the plugin's classic-remoting provider with the direct path, sharing one test
 * directory and an embedded media driver ({@link EmbeddedNodes}); {@link #close} shuts them down, the last started
 * first, and checks that nothing of the directory is left.
 */
public final class EmbeddedSystems implements AutoCloseable
{
    private final Path directory;
    private final List<ActorSystem> systems = new ArrayList<>();

    /** @param name names the test directory. */
    public EmbeddedSystems(final String name)
    {
        this.directory = ShmTestDirectory.newPath(name);
    }

    /**
     * Starts a system on a port of its own.
     *
     * @param name  the actor system's name.
     * @param extra settings over the test directory's and the provider's (HOCON, may be empty).
     * @return the started system.
     */
    public ActorSystem start(final String name, final String extra)
    {
        final ActorSystem system = ActorSystem.create(name, config(directory, extra));
        systems.add(system);
        return system;
    }

    /**
     * The configuration of a system on the plugin's provider with the direct path, in {@code directory}, on a port of
     * its own.
     *
     * @param extra settings over the directory's and the provider's (HOCON, may be empty).
     */
    public static Config config(final Path directory, final String extra)
    {
        return ConfigFactory.parseString("pekko.actor.provider = \"io.pekkoshm.remote.ShmRemoteProvider\"\n" + extra)
            .withFallback(EmbeddedNodes.config(directory, 0));
    }

    /** Shuts {@code system} down now (a node the test stops, or restarts on its port) and forgets it. */
    public void stop(final ActorSystem system)
    {
        systems.remove(system);
        TestKit.shutdownActorSystem(system);
    }

    /** Shuts {@code system} (started elsewhere) down with the others. */
    public void add(final ActorSystem system)
    {
        systems.add(system);
    }

    @Override
    public void close()
    {
        for (int i = systems.size() - 1; i >= 0; i--)
        {
            TestKit.shutdownActorSystem(systems.get(i));
        }
        assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
    }
}
