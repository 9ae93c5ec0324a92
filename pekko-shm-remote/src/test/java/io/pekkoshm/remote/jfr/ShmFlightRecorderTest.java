package io.pekkoshm.remote.jfr;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.direct.QuarantinedPeers;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.FlightRecordings;
import io.pekkoshm.remote.support.ShmTestDirectory;
import jdk.jfr.consumer.RecordedEvent;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two actor systems of one JVM on the direct path, recorded: the plugin's flight-recorder events come out of a real
 * scenario with the fields a reader of {@code jfr print} relies on.
 */
@Timeout(120)
class ShmFlightRecorderTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Path directory = ShmTestDirectory.newPath("jfr");
    private ActorSystem a;
    private ActorSystem b;

    private static Config config(final Path directory, final String extra)
    {
        return ConfigFactory.parseString(
            "pekko.actor.provider = \"io.pekkoshm.remote.ShmRemoteProvider\"\n" + extra)
            .withFallback(EmbeddedNodes.config(directory, 0));
    }

    @AfterEach
    void stop()
    {
        EmbeddedNodes.shutdown(b, a);
        assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
    }

    @Test
    void shouldRecordAssociationBlobDropAndDirectPathEventsWhenTwoSystemsTalk() throws Exception
    {
        try (FlightRecordings recording = FlightRecordings.start())
        {
            // a's blob store holds at most 4 MiB: an 8 MiB message cannot be placed and is dropped, a 1 MiB one goes
            // through a blob
            a = ActorSystem.create("a", config(directory, "pekko.remote.shm.blob.max-bytes = 4 MiB\n"));
            b = ActorSystem.create("b", config(directory, ""));
            b.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
            final String addressOfA = ShmRemote.get(a).address().orElseThrow().toString();
            final String addressOfB = ShmRemote.get(b).address().orElseThrow().toString();

            final TestKit probe = new TestKit(a);
            a.actorSelection(addressOfB + "/user/echo").tell(new Identify(1), probe.getRef());
            final ActorRef echo = probe.expectMsgClass(WAIT, ActorIdentity.class).getActorRef().orElseThrow();
            Await.until(WAIT, () ->
            {
                echo.tell("ping", probe.getRef());
                probe.expectMsg(WAIT, "ping");
                return ShmRemote.get(a).associations().stream().anyMatch(s -> s.directMessagesSent() > 0);
            }, () -> "a message from a to b on the direct path: " + ShmRemote.get(a).associations());

            final byte[] large = new byte[1 << 20];
            large[large.length - 1] = 7;
            echo.tell(large, probe.getRef());
            assertArrayEquals(large, probe.expectMsgClass(WAIT, byte[].class));

            final TestKit drops = new TestKit(a);
            a.getEventStream().subscribe(drops.getRef(), Dropped.class);
            echo.tell(new byte[8 << 20], probe.getRef());
            drops.expectMsgClass(WAIT, Dropped.class);

            TestKit.shutdownActorSystem(b);
            b = null;
            Await.until(WAIT, () -> ShmRemote.get(a).associations().isEmpty(),
                () -> "a's associations with b closed: " + ShmRemote.get(a).associations());

            recording.stop();
            final List<RecordedEvent> started = recording.events("AssociationHandshakeStarted",
                e -> addressOfA.equals(e.getString("localAddress")) && addressOfB.equals(e.getString("peerAddress")));
            assertFalse(started.isEmpty(), recording.describe());
            assertEquals("ipc", started.get(0).getString("medium"));

            final List<RecordedEvent> established = recording.events("AssociationEstablished",
                e -> addressOfA.equals(e.getString("localAddress")) && addressOfB.equals(e.getString("peerAddress")));
            assertFalse(established.isEmpty(), recording.describe());
            assertTrue(established.get(0).getLong("incarnation") != 0, established.get(0).toString());
            assertTrue(established.get(0).getBoolean("peerAcceptsDirect"), established.get(0).toString());

            final List<RecordedEvent> ended = recording.events("AssociationEnded",
                e -> addressOfA.equals(e.getString("localAddress")) && addressOfB.equals(e.getString("peerAddress")));
            assertFalse(ended.isEmpty(), recording.describe());
            assertTrue(ended.get(0).getBoolean("established"), ended.get(0).toString());
            assertFalse(ended.get(0).getString("reason").isEmpty(), ended.get(0).toString());
            assertEquals(established.get(0).getLong("incarnation"), ended.get(0).getLong("incarnation"));

            assertFalse(recording.events("DirectPathSwitched", e -> addressOfB.equals(e.getString("peerAddress")) &&
                "CLASSIC".equals(e.getString("from")) && "BARRIER".equals(e.getString("to"))).isEmpty(),
                recording.describe());
            assertFalse(recording.events("DirectPathSwitched", e -> addressOfB.equals(e.getString("peerAddress")) &&
                "DIRECT".equals(e.getString("to"))).isEmpty(), recording.describe());

            assertFalse(recording.events("BlobPoolGrown", e -> e.getLong("maxBytes") == 4 << 20 &&
                e.getLong("bytes") > large.length && e.getLong("allocatedBytes") >= e.getLong("bytes")).isEmpty(),
                recording.describe());
            assertFalse(recording.events("BlobAllocated", e -> e.getLong("capacity") >= large.length &&
                !e.getBoolean("zeroCopy")).isEmpty(), recording.describe());
            assertFalse(recording.events("BlobClaimed", e -> e.getLong("bytes") >= large.length &&
                e.getLong("ownerPid") == ProcessHandle.current().pid()).isEmpty(), recording.describe());

            final List<RecordedEvent> dropped = recording.events("MessagesDropped",
                e -> ShmFlightRecorder.DROP_BLOB.equals(e.getString("reason")));
            assertEquals(1, dropped.size(), recording.describe());
            assertEquals(1, dropped.get(0).getLong("count"));
            assertEquals(addressOfB, dropped.get(0).getString("peerAddress"));
            assertTrue(recording.events("MessagesDropped", e -> e.getLong("count") < 1).isEmpty(),
                recording.describe());
            assertEquals("[B", dropped.get(0).getString("detail"));
        }
    }

    @Test
    void shouldRecordTheQuarantinedIncarnationWhenClassicQuarantinesAPeer() throws Exception
    {
        try (FlightRecordings recording = FlightRecordings.start())
        {
            final Address peer = new Address("pekko.shm", "peer", "localhost", 25521);
            new QuarantinedPeers(TimeUnit.MINUTES.toNanos(1), 16, address -> peer.equals(address) ? "udp" : "ipc")
                .quarantine(peer, 42L);

            recording.stop();
            final List<RecordedEvent> quarantined = recording.events("AssociationQuarantined",
                e -> peer.toString().equals(e.getString("peerAddress")));
            assertEquals(1, quarantined.size(), recording.describe());
            assertEquals(42L, quarantined.get(0).getLong("pekkoUid"));
            assertEquals("udp", quarantined.get(0).getString("medium"), "the medium of the peer's association");
        }
    }
}
