package io.pekkoshm.remote.pekko.internal;

import io.pekkoshm.remote.direct.DirectPath;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The direct path keeps one link per node it sends to, and lets it go when that node's association ends: a
 * long-lived node talking to many short-lived ones does not accumulate links.
 */
@Timeout(90)
class DirectLinkRetirementTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Path directory = ShmTestDirectory.newPath("link-retirement");

    @Test
    void shouldRetireTheLinkOfEachNodeWhoseAssociationEnded()
    {
        final ActorSystem stable = start("stable", 0);
        try
        {
            final DirectPath direct =
                ((DirectPathProvider)((ExtendedActorSystem)stable).provider()).directRefs().directPath();
            for (int round = 0; round < 5; round++)
            {
                final ActorSystem peer = start("peer" + round, 0);
                final TestKit sink = new TestKit(peer);
                final ActorRef target = stable.provider().resolveActorRef(
                    sink.getRef().path().toStringWithAddress(ShmRemote.get(peer).address().orElseThrow()));
                for (int i = 0; i < 10; i++)
                {
                    target.tell(i, ActorRef.noSender());
                }
                for (int i = 0; i < 10; i++)
                {
                    assertEquals(i, sink.expectMsgClass(WAIT, Integer.class), "round " + round);
                }
                assertEquals(1, direct.linkCount(), "one link while the peer is up");
                TestKit.shutdownActorSystem(peer);
                new TestKit(stable).awaitCond(WAIT, Duration.ofMillis(20), "the link of the gone peer retired",
                    () -> 0 == direct.linkCount());
            }
        }
        finally
        {
            TestKit.shutdownActorSystem(stable);
        }
        assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
    }

    private ActorSystem start(final String name, final int port)
    {
        return ActorSystem.create(name, ConfigFactory.parseString(
            "pekko.actor.provider = \"io.pekkoshm.remote.ShmRemoteProvider\"")
            .withFallback(EmbeddedNodes.config(directory, port)));
    }
}
