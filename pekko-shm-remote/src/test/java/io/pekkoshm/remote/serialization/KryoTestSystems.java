package io.pekkoshm.remote.serialization;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.testkit.javadsl.TestKit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Creates the ActorSystems of the serializer tests and shuts every one of them down. */
final class KryoTestSystems implements AutoCloseable
{
    /** A remote-capable system on Artery TCP, loopback, ephemeral port: refs get a real address. */
    static final String ARTERY = String.join("\n",
        "pekko.actor.provider = remote",
        "pekko.remote.artery.transport = tcp",
        "pekko.remote.artery.canonical.hostname = 127.0.0.1",
        "pekko.remote.artery.canonical.port = 0",
        // pekko-actor-typed turns on SLF4J, which has no backend here and would filter out every log event
        "pekko.use-slf4j = off",
        "pekko.loglevel = WARNING",
        "pekko.stdout-loglevel = WARNING",
        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
        "pekko.coordinated-shutdown.terminate-actor-system = on");

    static final String LOCAL = String.join("\n",
        "pekko.actor.provider = local",
        "pekko.use-slf4j = off",
        "pekko.loglevel = WARNING",
        "pekko.stdout-loglevel = WARNING",
        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off");

    private final List<ActorSystem> systems = new ArrayList<>();

    static Config config(final String... parts)
    {
        return ConfigFactory.parseString(String.join("\n", parts)).withFallback(ConfigFactory.load()).resolve();
    }

    ActorSystem start(final String name, final String... configParts)
    {
        final ActorSystem system = ActorSystem.create(name, config(configParts));
        systems.add(system);
        return system;
    }

    static KryoSerializer kryo(final ActorSystem system)
    {
        try
        {
            return (KryoSerializer)SerializationExtension.get(system).serializerFor(KryoMessage.class);
        }
        catch (final java.io.NotSerializableException ex)
        {
            throw new AssertionError("KryoMessage is not bound to the Kryo serializer", ex);
        }
    }

    static Serialization serialization(final ActorSystem system)
    {
        return SerializationExtension.get(system);
    }

    @Override
    public void close()
    {
        for (final ActorSystem system : systems)
        {
            TestKit.shutdownActorSystem(system, Duration.ofSeconds(20), true);
        }
        systems.clear();
    }
}
