package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.EmbeddedSystems;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two actor systems of one JVM on the direct path (ShmRemoteProvider). */
@Timeout(90)
class DirectPathTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final EmbeddedSystems systems = new EmbeddedSystems("direct");

    private ActorSystem start(final String name, final String extra)
    {
        return systems.start(name, extra);
    }

    @AfterEach
    void stop()
    {
        systems.close();
    }

    private static Address address(final ActorSystem system)
    {
        return ShmRemote.get(system).address().orElseThrow();
    }

    private static ActorRef identify(final ActorSystem from, final String path)
    {
        final TestKit probe = new TestKit(from);
        from.actorSelection(path).tell(new Identify(path), probe.getRef());
        return probe.expectMsgClass(WAIT, ActorIdentity.class).getActorRef().orElseThrow();
    }

    @Test
    void shouldSendOrdinaryMessagesDirectBothWays()
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        b.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        final ActorRef echo = identify(a, address(b) + "/user/echo");
        final TestKit probe = new TestKit(a);
        final int count = 2_000;
        for (int i = 0; i < count; i++)
        {
            echo.tell(("m" + i).getBytes(), probe.getRef());
        }
        for (int i = 0; i < count; i++)
        {
            assertArrayEquals(("m" + i).getBytes(), probe.expectMsgClass(WAIT, byte[].class));
        }
        final ShmCountersSnapshot countersOfA = ShmRemote.get(a).counters();
        final ShmCountersSnapshot countersOfB = ShmRemote.get(b).counters();
        assertTrue(countersOfA.directMessagesSent() >= count, countersOfA.toString());
        assertTrue(countersOfB.directMessagesReceived() >= count, countersOfB.toString());
        assertTrue(countersOfB.directMessagesSent() >= count, "replies go direct too: " + countersOfB);
        assertEquals(0, countersOfA.messagesDropped() + countersOfB.messagesDropped());
        assertEquals(0, countersOfA.framesRejected() + countersOfB.framesRejected());
    }

    /** Sent before the association exists: the first go classic, the rest direct after the barrier; one order. */
    @Test
    void shouldKeepOrderAcrossTheSwitchFromClassicToDirect()
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        final TestKit sink = new TestKit(b);
        final ActorRef remoteSink = a.provider().resolveActorRef(
            sink.getRef().path().toStringWithAddress(address(b)));
        final int count = 20_000;
        for (int i = 0; i < count; i++)
        {
            remoteSink.tell(i, ActorRef.noSender());
        }
        assertEquals(0, sink.expectMsgClass(WAIT, Integer.class), "the association is up");
        // most of the first wave is still on its classic way while the second one starts
        for (int i = count; i < 2 * count; i++)
        {
            remoteSink.tell(i, ActorRef.noSender());
        }
        for (int i = 1; i < 2 * count; i++)
        {
            assertEquals(i, sink.expectMsgClass(WAIT, Integer.class));
        }
        assertTrue(ShmRemote.get(a).counters().directMessagesSent() > 0, "the stream switched to the direct path");
    }

    /** An actor's messages sent before it stops reach a watcher before the Terminated its stop causes. */
    @Test
    void shouldDeliverMessagesSentBeforeAStopBeforeItsTerminated()
    {
        final ActorSystem a = start("a", "pekko.remote.use-unsafe-remote-features-outside-cluster = on");
        final ActorSystem b = start("b", "pekko.remote.use-unsafe-remote-features-outside-cluster = on");
        final TestKit watcher = new TestKit(b);
        final ActorRef burst = a.actorOf(Props.create(Burst.class), "burst");
        final ActorRef remoteBurst = identify(b, address(a) + "/user/burst");
        watcher.watch(remoteBurst);
        // the watch is in place once a message sent after it has made the round trip
        remoteBurst.tell("ping", watcher.getRef());
        watcher.expectMsgEquals(WAIT, "pong");
        final int count = 5_000;
        remoteBurst.tell(count, watcher.getRef());
        for (int i = 0; i < count; i++)
        {
            assertEquals(i, watcher.expectMsgClass(WAIT, Integer.class));
        }
        assertEquals(remoteBurst, watcher.expectMsgClass(WAIT, Terminated.class).getActor());
        assertEquals(burst.path().name(), remoteBurst.path().name());
    }

    @Test
    void shouldAnswerAsksWhoseRepliesGoToTemporaryRefs() throws Exception
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        b.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        final ActorRef echo = identify(a, address(b) + "/user/echo");
        for (int i = 0; i < 200; i++)
        {
            final Object reply = Patterns.ask(echo, "q" + i, WAIT).toCompletableFuture().get();
            assertEquals("q" + i, reply);
        }
        assertTrue(ShmRemote.get(b).counters().directMessagesSent() >= 200, "replies to temporary refs go direct");
    }

    @Test
    void shouldSendMessagesForUnknownRecipientsToDeadLetters()
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        b.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        final TestKit probe = new TestKit(a);
        identify(a, address(b) + "/user/echo").tell("warm-up", probe.getRef());
        probe.expectMsgEquals(WAIT, "warm-up");
        final TestKit deadLetters = new TestKit(b);
        b.getEventStream().subscribe(deadLetters.getRef(), DeadLetter.class);
        final ActorRef nobody = a.provider().resolveActorRef(address(b) + "/user/nobody");
        nobody.tell("lost", ActorRef.noSender());
        final DeadLetter letter = deadLetters.expectMsgClass(WAIT, DeadLetter.class);
        assertEquals("lost", letter.message());
        assertEquals("nobody", letter.recipient().path().name());
    }

    @Test
    void shouldDropPossiblyHarmfulMessagesInUntrustedMode()
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "pekko.remote.classic.untrusted-mode = on");
        final ActorRef echoOnB = b.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        final TestKit watcher = new TestKit(b);
        watcher.watch(echoOnB);
        final TestKit probe = new TestKit(a);
        final ActorRef echo = a.provider().resolveActorRef(echoOnB.path().toStringWithAddress(address(b)));
        echo.tell("first", probe.getRef());
        probe.expectMsgEquals(WAIT, "first");
        echo.tell(PoisonPill.getInstance(), ActorRef.noSender());
        echo.tell("still alive", probe.getRef());
        probe.expectMsgEquals(WAIT, "still alive");
        watcher.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void shouldPublishDroppedForAMessageLargerThanTheLargestBlob()
    {
        final String small = "pekko.remote.shm.blob.threshold = 64 KiB\npekko.remote.shm.blob.max-bytes = 1 MiB\n";
        final ActorSystem a = start("a", small);
        final ActorSystem b = start("b", small);
        final TestKit sink = new TestKit(b);
        final ActorRef remoteSink = a.provider().resolveActorRef(sink.getRef().path().toStringWithAddress(address(b)));
        remoteSink.tell("first", ActorRef.noSender());
        sink.expectMsgEquals(WAIT, "first");
        final TestKit dropped = new TestKit(a);
        a.getEventStream().subscribe(dropped.getRef(), Dropped.class);
        remoteSink.tell(new byte[4 * 1024 * 1024], ActorRef.noSender());
        final Dropped drop = dropped.expectMsgClass(WAIT, Dropped.class);
        assertTrue(drop.reason().contains("max-bytes = 1048576"), "names the cap: " + drop.reason());
        assertTrue(drop.reason().matches(".*payload of 41943\\d\\d bytes.*"), "names the size: " + drop.reason());
        remoteSink.tell(new byte[200 * 1024], ActorRef.noSender());
        assertEquals(200 * 1024, sink.expectMsgClass(WAIT, byte[].class).length, "a blob below the cap still goes");
        remoteSink.tell("after", ActorRef.noSender());
        sink.expectMsgEquals(WAIT, "after");
        assertEquals(1, ShmRemote.get(a).counters().messagesDropped());
        assertEquals(Map.of(address(b).toString(), 1L), ShmRemote.get(a).directDropped(), "counted for b");
        assertEquals(1, ShmRemote.get(a).associations().stream().mapToLong(ShmAssociationSnapshot::messagesDropped)
            .sum(), "counted in a's association with b: " + ShmRemote.get(a).associations());
    }

    /** Replies to whoever pings it; sends 0..n-1 to whoever sends it n, then stops. */
    public static final class Burst extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .matchEquals("ping", m -> getSender().tell("pong", getSelf()))
                .match(Integer.class, n ->
                {
                    for (int i = 0; i < n; i++)
                    {
                        getSender().tell(i, getSelf());
                    }
                    getContext().stop(getSelf());
                })
                .build();
        }
    }
}
