package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.EmbeddedSystems;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.event.Logging;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node on the direct path and a classic-only node (provider = remote) talk classic, and the direct one says so. */
@Timeout(90)
class MixedProvidersTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PROVIDER = "io.pekkoshm.remote.ShmRemoteProvider";

    private final Path directory = ShmTestDirectory.newPath("mixed");
    private final List<ActorSystem> systems = new ArrayList<>();

    @AfterEach
    void stop()
    {
        try
        {
            for (int i = systems.size() - 1; i >= 0; i--)
            {
                TestKit.shutdownActorSystem(systems.get(i));
            }
            assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(directory);
        }
    }

    private static ActorRef identify(final ActorSystem from, final String path)
    {
        final TestKit probe = new TestKit(from);
        from.actorSelection(path).tell(new Identify(path), probe.getRef());
        return probe.expectMsgClass(WAIT, ActorIdentity.class).getActorRef().orElseThrow();
    }

    private static void roundTrips(final ActorSystem from, final ActorSystem to, final int count)
    {
        final ActorRef echo = identify(from, ShmRemote.get(to).address().orElseThrow() + "/user/echo");
        final TestKit probe = new TestKit(from);
        for (int i = 0; i < count; i++)
        {
            echo.tell(("m" + i).getBytes(), probe.getRef());
        }
        for (int i = 0; i < count; i++)
        {
            assertArrayEquals(("m" + i).getBytes(), probe.expectMsgClass(WAIT, byte[].class));
        }
    }

    @Test
    void shouldTalkClassicBothWaysAndLogOnceWhichPeerLacksTheDirectPath()
    {
        final ActorSystem direct = ActorSystem.create("direct", EmbeddedSystems.config(directory, ""));
        systems.add(direct);
        final List<String> warnings = new CopyOnWriteArrayList<>();
        final ActorRef listener = direct.actorOf(Props.create(LogCollector.class, warnings));
        final TestKit subscribed = new TestKit(direct);
        direct.getEventStream().subscribe(listener, Logging.Warning.class);
        direct.getEventStream().subscribe(listener, Logging.Info.class);
        listener.tell("ping", subscribed.getRef());
        subscribed.expectMsg(WAIT, "ping");

        final ActorSystem classic = ActorSystem.create("classic", EmbeddedNodes.config(directory, 0));
        systems.add(classic);
        direct.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        classic.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");

        roundTrips(direct, classic, 500);
        roundTrips(classic, direct, 500);

        final String peer = ShmRemote.get(classic).address().orElseThrow().toString();
        final List<String> lines = warnings.stream().filter(w -> w.contains("runs without the direct path")).toList();
        assertEquals(1, lines.size(), "logged once on the direct node: " + warnings);
        assertTrue(lines.get(0).contains(peer), "names the peer " + peer + ": " + lines);
        assertTrue(lines.get(0).contains("pekko.actor.provider = \"" + PROVIDER + "\""), "gives the line to add: " +
            lines);
        assertEquals(0, ShmRemote.get(direct).counters().directMessagesSent(), "nothing went direct");
        assertEquals(0, ShmRemote.get(direct).counters().messagesDropped() +
            ShmRemote.get(classic).counters().messagesDropped());
    }

    /** Keeps the text of every log event it gets; answers any string with itself (to know it is subscribed). */
    static final class LogCollector extends org.apache.pekko.actor.AbstractActor
    {
        private final List<String> lines;

        LogCollector(final List<String> lines)
        {
            this.lines = lines;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(Logging.LogEvent.class, e -> lines.add(String.valueOf(e.message())))
                .match(String.class, s -> getSender().tell(s, getSelf()))
                .build();
        }
    }
}
