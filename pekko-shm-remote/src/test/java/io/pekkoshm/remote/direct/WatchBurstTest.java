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
 * A burst of remote watches with the one-line include's classic settings: the association survives it. With classic
 * remoting's own system-message-buffer-size (20000) the watching node's buffer of unacknowledged system messages
 * overflowed within one ack period and the association was quarantined (on the direct path acks seldom piggyback).
 * <p>
 * Not tested here, and documented as a limitation: the terminations of such a burst then arrive 200 at a time
 * (classic's resend-limit) every resend-interval, the same over Pekko's own Netty transport.
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
    void shouldKeepTheAssociationWhenANodeWatchesThirtyThousandRemoteActorsAtOnce()
    {
        final ActorSystem watcherSystem = start("watcher");
        final ActorSystem targets = start("targets");
        targets.actorOf(Props.create(Spawner.class), "spawner");
        final TestKit probe = new TestKit(watcherSystem);
        final ActorRef probeRef = probe.getRef();
        final ActorRef watcher =
            watcherSystem.actorOf(Props.create(Watcher.class, () -> new Watcher(probeRef)), "watcher");
        final ActorRef remoteSpawner = resolve(watcherSystem, ShmRemote.get(targets).address().orElseThrow() +
            "/user/spawner");

        remoteSpawner.tell(ACTORS, watcher);
        assertEquals(ACTORS, probe.expectMsgClass(WAIT, Integer.class).intValue(), "every actor should be watched");
        // a round trip after the burst: a quarantined association (the buffer overflowed) would not carry it
        remoteSpawner.tell("ping", probeRef);
        probe.expectMsg(WAIT, "pong");
        watcher.tell("report", probeRef);
        final Report report = probe.expectMsgClass(WAIT, Report.class);
        assertEquals(new Report(0, 0), report, "no actor should be reported terminated, and no address");
    }

    private static ActorRef resolve(final ActorSystem system, final String path)
    {
        return system.actorSelection(path).resolveOne(WAIT).toCompletableFuture().join();
    }

    /** What the watcher saw: terminations of the actors themselves and those from their address going away. */
    public record Report(int terminated, int fromAddress)
    {
    }

    /** Spawns n children, sending each one's ref to the asker; answers "ping" with "pong". */
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
                .matchEquals("ping", m -> sender().tell("pong", self()))
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

    /** Watches every ref it gets; tells the probe when all are watched; reports the Terminated it got on "report". */
    public static final class Watcher extends AbstractActor
    {
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
                })
                .matchEquals("report", m -> sender().tell(new Report(terminated, fromAddress), self()))
                .build();
        }
    }
}
