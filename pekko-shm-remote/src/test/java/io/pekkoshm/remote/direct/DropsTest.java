package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.log.ErrorLog;
import org.agrona.concurrent.CachedNanoClock;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DropsTest
{
    private static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    private static final Address PEER = new Address("pekko.shm", "peer", "localhost", 1);

    private static ActorSystem system;
    private static ActorRef recipient;
    private static ActorRef sender;

    private final CachedNanoClock clock = new CachedNanoClock();
    private final List<String> lines = new ArrayList<>();
    private final List<ErrorLog.Severity> severities = new ArrayList<>();
    private final List<Throwable> causes = new ArrayList<>();
    private final List<Object> published = new ArrayList<>();
    private int nodeDrops;
    private final List<Address> nodeDropPeers = new ArrayList<>();
    private final List<Address> routeOnlyDropPeers = new ArrayList<>();
    private final Drops drops = new Drops(peer ->
    {
        nodeDrops++;
        nodeDropPeers.add(peer);
    }, routeOnlyDropPeers::add, published::add, new ErrorLog((severity, message, cause) ->
    {
        severities.add(severity);
        lines.add(message);
        causes.add(cause);
    }, clock, INTERVAL_NS, 16));

    @BeforeAll
    static void startSystem()
    {
        system = ActorSystem.create("drops-test");
        recipient = new TestKit(system).getRef();
        sender = new TestKit(system).getRef();
    }

    @AfterAll
    static void stopSystem()
    {
        TestKit.shutdownActorSystem(system);
    }

    @Test
    void shouldCountPublishAndReportADroppedMessage()
    {
        drops.drop(Drops.TOO_LARGE, "hello", sender, recipient, "too large, see blob.max-bytes");

        assertEquals(1, nodeDrops);
        assertEquals(1, drops.count());
        final Dropped dropped = (Dropped)published.get(0);
        assertEquals("hello", dropped.message());
        assertEquals("too large, see blob.max-bytes", dropped.reason());
        assertSame(sender, dropped.sender());
        assertSame(recipient, dropped.recipient());
        assertEquals(List.of(ErrorLog.Severity.WARNING), severities);
        assertTrue(lines.get(0).contains("java.lang.String") && lines.get(0).contains("see blob.max-bytes") &&
            lines.get(0).contains("1 dropped by the direct path so far"), lines.get(0));
    }

    @Test
    void shouldCountADropUnderItsOwnPeerOnlyWhenTwoPeersDrop()
    {
        final Address recipientsNode = recipient.path().address();

        drops.drop(Drops.TOO_LARGE, "hello", sender, recipient, "too large");
        drops.unserializable("hello", sender, recipient, new IllegalArgumentException("no serializer"));
        drops.quarantined(Drops.quarantineKey(PEER, 11), PEER, 11);

        assertEquals(Map.of(recipientsNode.toString(), 2L, PEER.toString(), 1L), drops.byPeer());
        assertEquals(List.of(recipientsNode, recipientsNode, PEER), nodeDropPeers,
            "each drop is counted once, in the node and its peer's route, naming its own peer");
        assertEquals(List.of(), routeOnlyDropPeers);
        assertEquals(2, published.size(), "each outbound drop is published once");
    }

    @Test
    void shouldCountAnUndecodableMessageUnderThePeerThatSentIt()
    {
        drops.undecodable(PEER, recipient, 7, "m", new NotSerializableException("no serializer with id 7"));

        assertEquals(Map.of(PEER.toString(), 1L), drops.byPeer());
        assertEquals(List.of(PEER), nodeDropPeers);
    }

    @Test
    void shouldPublishADropWithoutSenderAsNoSender()
    {
        drops.drop(Drops.PENDING_LIMIT, "hello", null, recipient, "held too many");

        assertSame(ActorRef.noSender(), ((Dropped)published.get(0)).sender());
    }

    @Test
    void shouldCountEveryRepeatOfADropButLogItOnlyOnceWithinTheInterval()
    {
        for (int i = 0; i < 5; i++)
        {
            drops.drop(Drops.TOO_LARGE, "hello", sender, recipient, "too large");
        }

        assertEquals(5, nodeDrops);
        assertEquals(5, drops.count());
        assertEquals(5, published.size());
        assertEquals(1, lines.size(), lines.toString());

        clock.advance(INTERVAL_NS);
        drops.drop(Drops.TOO_LARGE, "hello", sender, recipient, "too large");

        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).contains("repeated 5 more time(s)"), lines.get(1));
    }

    @Test
    void shouldLogDropsOfAnotherKindOrClassApart()
    {
        drops.drop(Drops.TOO_LARGE, "hello", sender, recipient, "too large");
        drops.drop(Drops.BLOB, "hello", sender, recipient, "no blob");
        drops.drop(Drops.TOO_LARGE, 42, sender, recipient, "too large");

        assertEquals(3, lines.size(), lines.toString());
    }

    @Test
    void shouldReportAnUnserializableMessageAsAnErrorWithItsCause()
    {
        final IllegalArgumentException cause = new IllegalArgumentException("no serializer for it");

        drops.unserializable("hello", sender, recipient, cause);

        assertEquals(1, nodeDrops);
        assertTrue(((Dropped)published.get(0)).reason().contains("could not be serialized"));
        assertEquals(List.of(ErrorLog.Severity.ERROR), severities);
        assertSame(cause, causes.get(0));
        assertTrue(lines.get(0).startsWith("Could not serialize a message of class java.lang.String"), lines.get(0));
    }

    @Test
    void shouldCountAndReportAnUndecodableMessageOncePerPeerSerializerAndManifest()
    {
        drops.undecodable(PEER, recipient, 7, "m", new NotSerializableException("no serializer with id 7"));
        drops.undecodable(PEER, recipient, 7, "m", new NotSerializableException("no serializer with id 7"));

        assertEquals(2, nodeDrops);
        assertEquals(2, drops.count());
        assertEquals(List.of(), published, "an inbound message is not published as Dropped");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("serializer id 7") && lines.get(0).contains("same serializers"), lines.get(0));
        assertNull(causes.get(0));
    }

    @Test
    void shouldCountEveryQuarantinedFrameInTheNodeAndLogItsIncarnationOnce()
    {
        drops.quarantined(Drops.quarantineKey(PEER, 11), PEER, 11);
        drops.quarantined(Drops.quarantineKey(PEER, 11), PEER, 11);
        drops.quarantined(Drops.quarantineKey(PEER, 12), PEER, 12);

        assertEquals(3, nodeDrops);
        assertEquals(0, drops.count(), "quarantined frames count in the node only, as before");
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("uid 11") && lines.get(1).contains("uid 12"), lines.toString());
    }
}
