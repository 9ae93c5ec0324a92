package io.pekkoshm.remote.direct;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
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

/**
 * A burst of remote watches and of the terminations they report, with the one-line include's classic settings: every
 * watched actor's Terminated arrives, from the actor (not from a quarantined address), within the wait.
 * <p>
 * What it caught, with classic remoting's own settings for these (the same over Pekko's Netty TCP transport): 30000
 * watches at once overflowed the sender's buffer of unacked system messages (20000) and quarantined the association;
 * with a larger buffer, the terminations arrived 200 at a time (resend-limit) every resend-interval, so 30000 would
 * take ten minutes.
 */
@Timeout(180)
class WatchBurstTest
{
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final int ACTORS = 30_000;

    private final Path directory = ShmTestDirectory.newPath("watch-burst");
    private final List<ActorSystem> systems = new ArrayList<>();

    private ActorSystem start(final String name)
    {
        final Config config = ConfigFactory.parseResources("pekko-shm-remote.conf")
            .withFallback(EmbeddedNodes.config(directory, 0));
        final ActorSystem system = ActorSystem.create(name, ConfigFactory.parseString(
            "pekko.actor.provider = \"io.pekkoshm.remote.ShmRemoteProvider\"\n").withFallback(config));
        systems.add(system);
        return system;
    }

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
    void shouldReportEveryTerminationOfABurstOfThirtyThousandRemoteWatches()
    {
        final ActorSystem watcherSystem = start("watcher");
        final ActorSystem targets = start("targets");
        final ActorRef spawner = targets.actorOf(Props.create(Spawner.class), "spawner");
        final TestKit probe = new TestKit(watcherSystem);
        final ActorRef probeRef = probe.getRef();
        final ActorRef watcher =
            watcherSystem.actorOf(Props.create(Watcher.class, () -> new Watcher(probeRef)), "watcher");
        final ActorRef remoteSpawner = resolve(watcherSystem, ShmRemote.get(targets).address().orElseThrow() +
            "/user/spawner");

        remoteSpawner.tell(ACTORS, watcher);
        assertEquals(ACTORS, probe.expectMsgClass(WAIT, Integer.class).intValue(), "every actor should be watched");
        remoteSpawner.tell("stop", watcher);
        final Report report;
        try
        {
            report = probe.expectMsgClass(WAIT, Report.class);
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError("terminated so far: " + Watcher.progress + "; watcher " +
                ShmRemote.get(watcherSystem).counters() + "; targets " + ShmRemote.get(targets).counters() +
                "; associations of the targets " + ShmRemote.get(targets).associations(), ex);
        }
        assertEquals(0, report.fromAddress(), "no termination should come from a quarantined address");
        assertEquals(ACTORS, report.terminated());
    }

    private static ActorRef resolve(final ActorSystem system, final String path)
    {
        return system.actorSelection(path).resolveOne(WAIT).toCompletableFuture().join();
    }

    /** What the watcher saw: terminations of the actors themselves and those from their address going away. */
    public record Report(int terminated, int fromAddress)
    {
    }

    /** Spawns n children, sending each one's ref to the asker; stops them all on "stop". */
    public static final class Spawner extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(Integer.class, n ->
                {
                    for (int i = 0; i < n; i++)
                    {
                        sender().tell(getContext().actorOf(Props.create(Idle.class)), self());
                    }
                })
                .matchEquals("stop", m -> getContext().getChildren().forEach(getContext()::stop))
                .build();
        }
    }

    /** An actor that does nothing. */
    public static final class Idle extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().build();
        }
    }

    /** Watches every ref it gets; tells the probe when all are watched, and when all have terminated. */
    public static final class Watcher extends AbstractActor
    {
        static volatile String progress = "";
        private final ActorRef probe;
        private int watched;
        private int terminated;
        private int fromAddress;

        Watcher(final ActorRef probe)
        {
            this.probe = probe;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(ActorRef.class, ref ->
                {
                    getContext().watch(ref);
                    if (++watched == ACTORS)
                    {
                        probe.tell(watched, self());
                    }
                })
                .match(Terminated.class, t ->
                {
                    terminated++;
                    fromAddress += t.addressTerminated() ? 1 : 0;
                    progress = terminated + " (" + fromAddress + " from the address)";
                    if (terminated == ACTORS)
                    {
                        probe.tell(new Report(terminated, fromAddress), self());
                    }
                })
                .build();
        }
    }
}
