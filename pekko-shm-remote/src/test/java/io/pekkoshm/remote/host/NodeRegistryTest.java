package io.pekkoshm.remote.host;

import io.pekkoshm.remote.support.ChildJvm;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class NodeRegistryTest
{
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT = 4711;

    private Path root;
    private ShmDirectory directory;
    private NodeRegistry registry;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void newDirectory()
    {
        root = ShmTestDirectory.newPath("registry");
        directory = new ShmDirectory(root, root.resolve("aeron"));
        registry = new NodeRegistry(directory);
    }

    @AfterEach
    void closeAndRemove() throws Exception
    {
        try
        {
            for (int i = toClose.size() - 1; i >= 0; i--)
            {
                toClose.get(i).close();
            }
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(root);
        }
    }

    private NodeRegistry.Claim claim(final int port) throws IOException
    {
        final NodeRegistry.Claim claim = registry.claim(port, 1);
        toClose.add(claim);
        return claim;
    }

    private ChildJvm childClaiming(final int port) throws IOException
    {
        final ChildJvm child = ChildJvm.start(HostChild.class, "claim", root.toString(), Integer.toString(port));
        toClose.add(child);
        return child;
    }

    private Path nodeFile(final int port)
    {
        return directory.nodesDirectory().resolve(port + ".node");
    }

    /** Writes a node file as a process with {@code pid} would have. */
    private void writeNodeFile(final int port, final long pid) throws IOException
    {
        Permissions.createOwnerOnlyDirectory(directory.nodesDirectory());
        Files.writeString(nodeFile(port), "port=" + port + "\npid=" + pid +
            "\nstart=0\naddress=pekko.shm://gone@localhost:" +
            port + "\n", StandardCharsets.UTF_8);
    }

    private static String permissions(final Path path) throws IOException
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void shouldCreateDirectoriesAndNodeFileOwnerOnly() throws IOException
    {
        claim(PORT);
        assertEquals("rwx------", permissions(root));
        assertEquals("rwx------", permissions(directory.nodesDirectory()));
        assertEquals("rw-------", permissions(nodeFile(PORT)));
    }

    @Test
    void shouldFindTheClaimerAsLiveAndForgetItAfterClose() throws IOException
    {
        final NodeRegistry.Claim claim = registry.claim(PORT, 0x8765432112345678L);
        assertEquals(PORT, claim.port());
        assertEquals(0x8765432112345678L, registry.lookupLive(PORT).orElseThrow().incarnation(),
            "the incarnation is known from the claim, before the address");
        claim.describe("pekko.shm://sys@localhost:" + PORT);
        final NodeRegistry.NodeInfo info = registry.lookupLive(PORT).orElseThrow();
        assertEquals(0x8765432112345678L, info.incarnation());
        assertEquals(PORT, info.port());
        assertEquals(ProcessLiveness.currentPid(), info.pid());
        assertEquals(ProcessLiveness.currentStartMillis(), info.processStartMillis());
        assertEquals("pekko.shm://sys@localhost:" + PORT, info.address());
        assertTrue(info.isAlive());
        claim.close();
        assertFalse(Files.exists(nodeFile(PORT)), "close removes the node file");
        assertEquals(Optional.empty(), registry.lookupLive(PORT));
        assertEquals(Optional.empty(), registry.lookup(PORT));
    }

    @Test
    void shouldRefuseATakenPortNamingThePortAndTheOwner() throws IOException
    {
        claim(PORT).describe("pekko.shm://first@localhost:" + PORT);
        final NodeRegistry.PortTakenException ex =
            assertThrows(NodeRegistry.PortTakenException.class, () -> registry.claim(PORT, 1));
        final String message = ex.getMessage();
        assertTrue(message.contains(Integer.toString(PORT)), message);
        assertTrue(message.contains("already taken"), message);
        assertTrue(message.contains("pid " + ProcessLiveness.currentPid()), message);
        assertTrue(message.contains("pekko.shm://first@localhost:" + PORT), message);
    }

    @Test
    void shouldLetAClosedPortBeClaimedAgain() throws IOException
    {
        registry.claim(PORT, 1).close();
        assertEquals(PORT, claim(PORT).port());
    }

    @Test
    void shouldPickDistinctFreePortsInTheEphemeralRangeForPortZero() throws IOException
    {
        final int first = claim(0).port();
        final int second = claim(0).port();
        for (final int port : new int[] { first, second })
        {
            assertTrue(port >= 20000 && port <= 60999, "port " + port + " out of the ephemeral range");
            assertTrue(registry.lookupLive(port).isPresent());
        }
        assertNotEquals(first, second);
    }

    @Test
    void shouldNotTakeTheNodeOfADeadProcessForLive() throws Exception
    {
        final long deadPid = ProcessLivenessTest.pidOfAFinishedProcess();
        writeNodeFile(PORT, deadPid);
        final NodeRegistry.NodeInfo info = registry.lookup(PORT).orElseThrow();
        assertEquals(deadPid, info.pid());
        assertFalse(info.isAlive());
        assertEquals(Optional.empty(), registry.lookupLive(PORT));
    }

    @Test
    void shouldLetTheNodeFileOfADeadProcessBeClaimed() throws Exception
    {
        writeNodeFile(PORT, ProcessLivenessTest.pidOfAFinishedProcess());
        claim(PORT);
        assertEquals(ProcessLiveness.currentPid(), registry.lookupLive(PORT).orElseThrow().pid());
    }

    @Test
    void shouldRemoveTheNodeOfADeadProcessAndThenTheWholeDirectory() throws Exception
    {
        writeNodeFile(PORT, ProcessLivenessTest.pidOfAFinishedProcess());
        try (LockFile ignored = directory.lockStartup(Duration.ofSeconds(5)))
        {
            assertTrue(directory.removeIfUnused(), ShmTestDirectory.describe(root));
        }
        assertFalse(Files.exists(root), ShmTestDirectory.describe(root));
    }

    @Test
    void shouldRemoveOnlyDeadNodesWhileALiveOneRemains() throws Exception
    {
        claim(PORT);
        writeNodeFile(PORT + 1, ProcessLivenessTest.pidOfAFinishedProcess());
        try (LockFile ignored = directory.lockStartup(Duration.ofSeconds(5)))
        {
            assertFalse(directory.removeIfUnused());
        }
        assertFalse(Files.exists(nodeFile(PORT + 1)), "the dead node's file should be gone");
        assertTrue(Files.exists(nodeFile(PORT)), "the live node's file stays");
        assertTrue(registry.lookupLive(PORT).isPresent());
    }

    @Test
    void shouldKeepTheDirectoryWhileTheAeronDirectoryIsInIt() throws Exception
    {
        Permissions.createOwnerOnlyDirectory(directory.aeronDirectory());
        try (LockFile ignored = directory.lockStartup(Duration.ofSeconds(5)))
        {
            assertFalse(directory.removeIfUnused());
        }
        assertTrue(Files.isDirectory(directory.aeronDirectory()));
    }

    @Test
    void shouldRefuseAPortHeldByAnotherProcessNamingItsPid() throws Exception
    {
        final ChildJvm child = childClaiming(PORT);
        assertEquals("CLAIMED " + PORT, child.awaitLineStartingWith(CHILD_TIMEOUT, "CLAIMED", "TAKEN"));
        final NodeRegistry.PortTakenException ex =
            assertThrows(NodeRegistry.PortTakenException.class, () -> registry.claim(PORT, 1));
        assertTrue(ex.getMessage().contains("port " + PORT), ex.getMessage());
        assertTrue(ex.getMessage().contains("pid " + child.pid()), ex.getMessage());
        assertEquals(child.pid(), registry.lookupLive(PORT).orElseThrow().pid());
        child.deleteLog();
    }

    @Test
    void shouldFreeThePortOfAKilledProcess() throws Exception
    {
        final ChildJvm child = childClaiming(PORT);
        assertEquals("CLAIMED " + PORT, child.awaitLineStartingWith(CHILD_TIMEOUT, "CLAIMED", "TAKEN"));
        final int deadStream = registry.lookupLive(PORT).orElseThrow().streamId();
        child.kill();
        assertEquals(Optional.empty(), registry.lookupLive(PORT), "a killed owner is not live");
        final NodeRegistry.Claim successor = claim(PORT);
        assertEquals(PORT, successor.port(), "the kernel freed the port's lock");
        assertEquals(ProcessLiveness.currentPid(), registry.lookupLive(PORT).orElseThrow().pid());
        assertEquals(PORT, NodeRegistry.portOfStream(deadStream));
        assertEquals(PORT, NodeRegistry.portOfStream(successor.streamId()));
        assertNotEquals(deadStream, successor.streamId(),
            "the successor's stream is not the killed owner's, whose subscription the driver still holds");
        assertEquals(successor.streamId(), registry.lookupLive(PORT).orElseThrow().streamId());
        child.deleteLog();
    }

    @Test
    void shouldRefuseAPortHeldByThisProcessToAnotherProcess() throws Exception
    {
        claim(PORT);
        final ChildJvm child = childClaiming(PORT);
        final String status = child.awaitLineStartingWith(CHILD_TIMEOUT, "CLAIMED", "TAKEN");
        assertTrue(status.startsWith("TAKEN") && status.contains("pid " + ProcessLiveness.currentPid()), status);
        child.deleteLog();
    }

    @Test
    void shouldRefuseAPortHeldByThisProcessToAnotherProcessAfterARefusedClaimHere() throws Exception
    {
        claim(PORT);
        assertThrows(NodeRegistry.PortTakenException.class, () -> registry.claim(PORT, 1));
        final ChildJvm child = childClaiming(PORT);
        final String status = child.awaitLineStartingWith(CHILD_TIMEOUT, "CLAIMED", "TAKEN");
        assertTrue(status.startsWith("TAKEN"), "two processes hold port " + PORT + ": child says " + status);
        child.deleteLog();
    }

    @Test
    void shouldRefuseALiveNodesPortToAnotherProcessAfterRemoveIfUnusedInTheSameJvm() throws Exception
    {
        claim(PORT);
        try (LockFile ignored = directory.lockStartup(Duration.ofSeconds(5)))
        {
            assertFalse(directory.removeIfUnused());
        }
        final ChildJvm child = childClaiming(PORT);
        final String status = child.awaitLineStartingWith(CHILD_TIMEOUT, "CLAIMED", "TAKEN");
        assertTrue(status.startsWith("TAKEN"), "two processes hold port " + PORT + ": child says " + status);
        child.deleteLog();
    }

    @Test
    void shouldNotUseAnExistingDirectoryThatOthersCanWrite() throws IOException
    {
        Files.createDirectory(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (LockFile ignored = directory.lockStartup(Duration.ofSeconds(2)))
        {
            assertEquals("rwx------", permissions(root),
                "a directory open to others should be refused or made owner-only");
        }
        catch (final IOException refused)
        {
            assertTrue(refused.getMessage().contains(root.toString()), refused.getMessage());
        }
    }
}
