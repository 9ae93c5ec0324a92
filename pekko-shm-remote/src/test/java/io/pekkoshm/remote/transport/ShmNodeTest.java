package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.event.NoLogging$;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting and closing a {@link ShmNode} on its own, with an embedded driver in a directory of the test's own. */
@Timeout(60)
class ShmNodeTest
{
    private Path directory;
    private final List<ShmNode> nodes = new ArrayList<>();

    @BeforeEach
    void newDirectory()
    {
        directory = ShmTestDirectory.newPath("node");
    }

    @AfterEach
    void closeAndCheckNothingRemains()
    {
        try
        {
            for (int i = nodes.size() - 1; i >= 0; i--)
            {
                nodes.get(i).close();
            }
            assertFalse(Files.exists(directory),
                "after every node closed the directory should be gone: " + ShmTestDirectory.describe(directory));
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(directory);
        }
    }

    private ShmNode start(final int port) throws IOException
    {
        final ShmSettings settings =
            ShmSettings.fromConfig(EmbeddedNodes.config(directory, port).getConfig("pekko.remote.shm"));
        final ShmNode node = ShmNode.start(new ShmNodeContext()
            .settings(settings)
            .scheme("shm")
            .system("node", 42)
            .directPath(false, "classic")
            .log(NoLogging$.MODULE$)
            .peerExit((address, pekkoUid, pid) -> { }));
        nodes.add(node);
        return node;
    }

    private static boolean agentThreadRuns(final int port)
    {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(thread -> thread.getName().equals("pekko-shm-node-" + port) && thread.isAlive());
    }

    @Test
    void shouldReleaseItsFilesItsThreadAndItsPortWhenClosed() throws IOException
    {
        final ShmNode node = start(0);
        final int port = node.port();
        assertEquals("pekko.shm://node@localhost:" + port, node.addressText());
        assertTrue(Files.exists(directory.resolve("nodes").resolve(port + ".node")),
            ShmTestDirectory.describe(directory));
        assertTrue(agentThreadRuns(port), "the node's agent should run on its own thread");

        node.close();

        assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
        assertFalse(agentThreadRuns(port), "the node's agent thread should have stopped");
        final ShmNode again = start(port);
        assertEquals(port, again.port(), "a new node should claim the port the closed one held");
    }

    @Test
    void shouldCloseTwiceWithoutTouchingAnotherNode() throws IOException
    {
        final ShmNode first = start(0);
        final ShmNode second = start(0);

        first.close();
        first.close();

        assertTrue(Files.isDirectory(directory), "the second node still uses the directory");
        final NodeRegistry.PortTakenException taken =
            assertThrows(NodeRegistry.PortTakenException.class, () -> start(second.port()));
        assertTrue(taken.getMessage().contains("already taken"), taken.getMessage());
        assertTrue(agentThreadRuns(second.port()), "the second node should still run");
    }

    @Test
    void shouldReleaseWhatItTookWhenItFailsToStart() throws IOException
    {
        final ShmNode live = start(0);
        final int port = live.port();

        final NodeRegistry.PortTakenException taken =
            assertThrows(NodeRegistry.PortTakenException.class, () -> start(port));
        assertTrue(taken.getMessage().contains(Integer.toString(port)), taken.getMessage());
        assertTrue(agentThreadRuns(port), "the live node on the port should go on");

        live.close();
        assertFalse(Files.exists(directory),
            "nothing of the failed start (the driver it shared, its client) should keep the directory: " +
            ShmTestDirectory.describe(directory));
    }
}
