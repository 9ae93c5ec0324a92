package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.support.ShmTestDirectory;
import io.pekkoshm.remote.support.BareNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting and closing a {@link ShmNode} on its own, with an embedded driver in a directory of the test's own. */
@Timeout(60)
class ShmNodeTest
{
    private final BareNodes nodes = new BareNodes("node");
    private final Path directory = nodes.directory();

    @AfterEach
    void closeAndCheckNothingRemains()
    {
        nodes.close();
    }

    private ShmNode start(final int port) throws IOException
    {
        return nodes.start("node", port, "");
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
