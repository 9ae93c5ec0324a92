package io.pekkoshm.remote;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One line in {@code application.conf} turns the plugin on with the direct path: {@code include "pekko-shm-remote"}
 * for remoting, {@code include "pekko-shm-cluster"} for a cluster; the providers they name are public classes.
 */
@Timeout(90)
class OneLineConfigurationTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PIGGYBACK = "pekko.remote.classic.system-message-ack-piggyback-timeout";

    private final Path directory = ShmTestDirectory.newPath("one-line");
    private final List<ActorSystem> systems = new ArrayList<>();

    @AfterEach
    void stop()
    {
        for (int i = systems.size() - 1; i >= 0; i--)
        {
            TestKit.shutdownActorSystem(systems.get(i));
        }
        assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
    }

    @Test
    void shouldRunRemotingOnTheDirectPathWithTheRemoteInclude()
    {
        final ActorSystem a = start("a", "include \"pekko-shm-remote\"");
        final ActorSystem b = start("b", "include \"pekko-shm-remote\"");
        assertEquals(ShmRemoteProvider.class, ((ExtendedActorSystem)a).provider().getClass());
        assertEquals("pekko.shm", ShmRemote.get(a).address().orElseThrow().protocol());
        final ActorRef echoOnB = b.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        final ActorRef echo = a.provider().resolveActorRef(
            echoOnB.path().toStringWithAddress(ShmRemote.get(b).address().orElseThrow()));
        final TestKit probe = new TestKit(a);
        // the first wave goes classic while the association comes up, the second direct behind the barrier
        for (int wave = 0; wave < 2; wave++)
        {
            for (int i = 0; i < 100; i++)
            {
                echo.tell(i, probe.getRef());
            }
            for (int i = 0; i < 100; i++)
            {
                assertEquals(i, probe.expectMsgClass(WAIT, Integer.class));
            }
        }
        assertTrue(ShmRemote.get(a).counters().directMessagesSent() > 0, ShmRemote.get(a).counters().toString());
        assertTrue(ShmRemote.get(b).counters().directMessagesSent() > 0, ShmRemote.get(b).counters().toString());
    }

    @Test
    void shouldRunAClusterSystemOnTheDirectPathWithTheClusterInclude()
    {
        final ActorSystem system = start("c", "include \"pekko-shm-cluster\"\npekko.cluster.jmx.enabled = off");
        assertEquals(ShmClusterProvider.class, ((ExtendedActorSystem)system).provider().getClass());
        assertTrue(system.settings().HasCluster(), "the system is a cluster system");
        assertEquals("pekko.tcp", ShmRemote.get(system).address().orElseThrow().protocol());
        final ActorRef receptionist = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(
            org.apache.pekko.actor.typed.receptionist.Receptionist.get(
                org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(system)).ref());
        assertEquals("clusterReceptionist", receptionist.path().name());
    }

    @Test
    void shouldTuneClassicRemotingForAnIdleControlPlaneAndASlowDriverStart()
    {
        final Duration pekkoDefault = ConfigFactory.defaultReference().getDuration(PIGGYBACK);
        for (final String include : List.of("pekko-shm-remote", "pekko-shm-cluster"))
        {
            final Config config = ConfigFactory.parseString("include \"" + include + "\"")
                .withFallback(ConfigFactory.defaultReference()).resolve();
            final Duration piggyback = config.getDuration(PIGGYBACK);
            assertTrue(piggyback.compareTo(pekkoDefault) > 0, include + ": " + piggyback + " vs " + pekkoDefault);
            assertTrue(piggyback.multipliedBy(3).dividedBy(2).compareTo(
                config.getDuration("pekko.remote.classic.resend-interval")) < 0,
                include + ": an ack (at most 1.5 x the timeout late) must come before the resend");
            final Config reference = ConfigFactory.defaultReference();
            for (final String timer : List.of("pekko.remote.classic.resend-interval",
                "pekko.remote.classic.transport-failure-detector.heartbeat-interval"))
            {
                assertTrue(config.getDuration(timer).compareTo(reference.getDuration(timer)) > 0,
                    include + ": " + timer + " should tick less often than Pekko's default on an idle node");
            }
            assertTrue(config.getDuration("pekko.remote.classic.transport-failure-detector.heartbeat-interval")
                .multipliedBy(3).compareTo(config.getDuration(
                "pekko.remote.classic.transport-failure-detector.acceptable-heartbeat-pause")) < 0,
                include + ": classic's transport failure detector must still tolerate missed heartbeats");
            assertTrue(config.getDuration("pekko.remote.classic.startup-timeout").compareTo(
                config.getDuration("pekko.remote.shm.driver.start-timeout")) > 0,
                include + ": Pekko must wait for the transport longer than the transport waits for its driver");
            // WatchBurstTest runs a burst of 30000 watches with pekko-shm-remote; the cluster include must match it
            assertTrue(config.getInt("pekko.remote.classic.system-message-buffer-size") >= 200_000,
                include + ": a burst of system messages must fit in the buffer until the slow ack comes");
        }
    }

    private ActorSystem start(final String name, final String application)
    {
        final Config config = ConfigFactory.parseString(application).withFallback(EmbeddedNodes.config(directory, 0));
        final ActorSystem system = ActorSystem.create(name, config);
        systems.add(system);
        return system;
    }
}
