package io.pekkoshm.remote.serialization;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.serialization.TestMessages.Apple;
import io.pekkoshm.remote.serialization.TestMessages.ClassicReply;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes over the pekko.shm transport whose Kryo tables differ (Apple's and Orange's ids swapped): the receiver
 * logs an error naming the id, the class and what to make equal, counts the message as dropped, and the association
 * goes on. On the classic path (provider = remote) and on the direct path.
 */
@Timeout(90)
class KryoMismatchOverShmTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String DIRECT =
        "pekko.actor.provider = \"io.pekkoshm.remote.pekko.internal.ShmRemoteActorRefProvider\"";

    private final Path directory = ShmTestDirectory.newPath("kryo-mismatch");
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

    private ActorSystem start(final String name, final String provider, final int apple, final int orange)
    {
        final Config config = ConfigFactory.parseString(provider + "\n" + TestMessages.classesConfig(apple, orange))
            .withFallback(EmbeddedNodes.config(directory, 0));
        final ActorSystem system = ActorSystem.create(name, config);
        systems.add(system);
        return system;
    }

    @ParameterizedTest
    @ValueSource(strings = { "pekko.actor.provider = remote", DIRECT })
    void shouldLogCountAndDropAMismatchedMessageAndKeepTheAssociation(final String provider)
    {
        final ActorSystem server = start("server", provider, 121, 120);
        final ActorSystem client = start("client", provider, 120, 121);
        final TestKit inbox = new TestKit(server);
        final TestKit errors = new TestKit(server);
        server.getEventStream().subscribe(errors.getRef(), Logging.Error.class);
        final ActorRef remoteInbox = ((ExtendedActorSystem)client).provider().resolveActorRef(
            Serialization.serializedActorPath(inbox.getRef()).replace("pekko://server",
                ShmRemote.get(server).address().orElseThrow().toString()));

        // A good message first: the association is up (and, on the direct path, has switched to it).
        remoteInbox.tell(new ClassicReply("before"), ActorRef.noSender());
        inbox.expectMsg(WAIT, new ClassicReply("before"));
        final long droppedBefore = ShmRemote.get(server).counters().messagesDropped();

        remoteInbox.tell(new Apple("Cox"), ActorRef.noSender());
        final Logging.Error error = (Logging.Error)errors.fishForMessage(WAIT, "the mismatch logged as an error",
            m -> m instanceof Logging.Error e && String.valueOf(e.message()).contains("Class id 120"));
        final String text = String.valueOf(error.message());
        assertTrue(text.contains(TestMessages.Orange.class.getName()), "names the class: " + text);
        assertTrue(text.contains("pekko.remote.shm.kryo.classes") && text.contains("make them equal"),
            "says what to make equal: " + text);
        Await.until(WAIT, () -> ShmRemote.get(server).counters().messagesDropped() == droppedBefore + 1,
            () -> "the message counted once as dropped: " + ShmRemote.get(server).counters());

        // Nothing wrong was delivered, and the association goes on.
        remoteInbox.tell(new ClassicReply("still associated"), ActorRef.noSender());
        inbox.expectMsg(WAIT, new ClassicReply("still associated"));
        assertEquals(droppedBefore + 1, ShmRemote.get(server).counters().messagesDropped(),
            ShmRemote.get(server).counters().toString());
    }
}
