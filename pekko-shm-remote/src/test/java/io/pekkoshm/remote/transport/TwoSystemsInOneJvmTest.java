package io.pekkoshm.remote.transport;

import com.typesafe.config.Config;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.EmbeddedNodes;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class TwoSystemsInOneJvmTest
{
    private Path directory;
    private ActorSystem a;
    private ActorSystem b;

    static Config config(final Path directory, final int port)
    {
        return EmbeddedNodes.config(directory, port);
    }

    @BeforeEach
    void start()
    {
        directory = Path.of("/dev/shm", "pekko-shm-unit-" + UUID.randomUUID());
        a = ActorSystem.create("a", config(directory, 0));
        b = ActorSystem.create("b", config(directory, 0));
    }

    @AfterEach
    void stop()
    {
        TestKit.shutdownActorSystem(b);
        TestKit.shutdownActorSystem(a);
        assertFalse(Files.exists(directory), "the shared-memory directory should be gone: " + directory);
    }

    @Test
    void shouldDeliverMessagesInOrderAndReplyAcrossSystems()
    {
        a.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        final Address addressOfA = ShmRemote.get(a).address().orElseThrow();
        assertEquals("pekko.shm", addressOfA.protocol());

        final TestKit probe = new TestKit(b);
        final ActorSelection echo = b.actorSelection(addressOfA + "/user/echo");
        final int count = 10_000;
        for (int i = 0; i < count; i++)
        {
            echo.tell(("m" + i).getBytes(), probe.getRef());
        }
        for (int i = 0; i < count; i++)
        {
            final byte[] reply = probe.expectMsgClass(Duration.ofSeconds(20), byte[].class);
            assertEquals("m" + i, new String(reply));
        }
        final ShmCountersSnapshot countersOfB = ShmRemote.get(b).counters();
        assertTrue(countersOfB.messagesSent() >= count, countersOfB.toString());
        assertEquals(0, countersOfB.messagesDropped());
        assertEquals(0, countersOfB.framesRejected());
    }

    @Test
    void shouldCarryRemoteRefsInsideMessagesForReplies()
    {
        final TestKit probeOnA = new TestKit(a);
        final ActorRef echoOnB = b.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        final Address addressOfB = ShmRemote.get(b).address().orElseThrow();
        final ActorSelection selection = a.actorSelection(addressOfB + "/user/echo");
        selection.tell(new org.apache.pekko.actor.Identify(1), probeOnA.getRef());
        final org.apache.pekko.actor.ActorIdentity identity =
            probeOnA.expectMsgClass(Duration.ofSeconds(10), org.apache.pekko.actor.ActorIdentity.class);
        final ActorRef remoteEcho = identity.getActorRef().orElseThrow();
        assertEquals(echoOnB.path().name(), remoteEcho.path().name());
        remoteEcho.tell("hello".getBytes(), probeOnA.getRef());
        assertEquals("hello", new String(probeOnA.expectMsgClass(Duration.ofSeconds(10), byte[].class)));
    }
}
