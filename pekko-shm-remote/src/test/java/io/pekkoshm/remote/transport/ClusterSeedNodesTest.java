package io.pekkoshm.remote.transport;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster seed node written with a scheme the pekko.shm transport never gives fails the start, saying what to write.
 */
@Timeout(60)
class ClusterSeedNodesTest
{
    private final Path directory = ShmTestDirectory.newPath("seeds");

    @AfterEach
    void nothingRemains()
    {
        try
        {
            assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(directory);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "pekko.shm://sys@localhost:2552", "pekko://sys@localhost:2552" })
    void shouldFailAtStartNamingTheSeedNodeAndTheRightForm(final String seed)
    {
        final Throwable failure = assertThrows(Throwable.class,
            () -> ActorSystem.create("sys", ConfigFactory.parseString(
            "pekko.actor.provider = cluster\n" +
            "pekko.cluster.seed-nodes = [\"" + seed + "\"]\n").withFallback(EmbeddedNodes.config(directory, 0))));
        final StringBuilder chain = new StringBuilder();
        for (Throwable t = failure; null != t; t = t.getCause())
        {
            chain.append(t).append('\n');
        }
        final String text = chain.toString();
        assertTrue(text.contains("pekko.cluster.seed-nodes"), text);
        assertTrue(text.contains("\"" + seed + "\""), "names the bad value: " + text);
        assertTrue(text.contains("pekko.tcp://sys@localhost:2552"), "gives the right form: " + text);
    }
}
