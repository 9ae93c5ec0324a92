package io.pekkoshm.remote.host;

import io.pekkoshm.remote.support.ShmTestDirectory;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class BellFileTest
{
    private static final int PORT = 4712;
    private static final int WAKE_PORT = 40001;

    private Path root;
    private ShmDirectory directory;
    private Path nodes;

    @BeforeEach
    void newDirectory() throws IOException
    {
        root = ShmTestDirectory.newPath("bell");
        directory = new ShmDirectory(root, root.resolve("aeron"));
        nodes = directory.nodesDirectory();
        Permissions.createOwnerOnlyDirectory(nodes);
    }

    @AfterEach
    void remove() throws IOException
    {
        ShmTestDirectory.deleteRecursively(root);
    }

    @Test
    void aWriterMapsWhatTheNodePublishedAndSharesItsStateWord() throws IOException
    {
        final UnsafeBuffer own = BellFile.publish(nodes, PORT, WAKE_PORT, ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartMillis());
        final UnsafeBuffer writer = BellFile.map(nodes, PORT);

        assertNotNull(writer);
        assertEquals(WAKE_PORT, writer.getInt(BellFile.WAKE_PORT_OFFSET));
        assertEquals(ProcessLiveness.currentPid(), writer.getLong(BellFile.PID_OFFSET));
        own.putLongVolatile(BellFile.STATE_OFFSET, 1);
        assertTrue(writer.compareAndSetLong(BellFile.STATE_OFFSET, 1, 0), "the writer should see the node's word");
        assertEquals(0, own.getLongVolatile(BellFile.STATE_OFFSET), "the node should see the writer's CAS");
        assertFalse(Files.exists(nodes.resolve(PORT + ".bell.writing")), "nothing half-written should stay");
    }

    @Test
    void aNodeWithoutABellFileIsNotFound() throws IOException
    {
        assertNull(BellFile.map(nodes, PORT));
    }

    @Test
    void aLaterNodeAtThePortMakesANewFileAndOldMappingsStillNameTheOldOne() throws Exception
    {
        final long oldPid = ProcessLivenessTest.pidOfAFinishedProcess();
        BellFile.publish(nodes, PORT, WAKE_PORT, oldPid, 0);
        final UnsafeBuffer oldMapping = BellFile.map(nodes, PORT);

        BellFile.publish(nodes, PORT, WAKE_PORT + 1, ProcessLiveness.currentPid(), 0);

        assertEquals(oldPid, oldMapping.getLong(BellFile.PID_OFFSET));
        assertEquals(ProcessLiveness.currentPid(), BellFile.map(nodes, PORT).getLong(BellFile.PID_OFFSET));
    }

    @Test
    void aMappingStaysUsableAfterItsFileIsDeleted() throws IOException
    {
        BellFile.publish(nodes, PORT, WAKE_PORT, ProcessLiveness.currentPid(), 0);
        final UnsafeBuffer writer = BellFile.map(nodes, PORT);

        BellFile.delete(nodes, PORT);

        assertNull(BellFile.map(nodes, PORT));
        assertTrue(writer.compareAndSetLong(BellFile.STATE_OFFSET, 0, 1), "a ring of a gone node must not fault");
    }

    @Test
    void unmappedBellsLeaveNoMappingInTheProcess() throws IOException
    {
        final UnsafeBuffer own = BellFile.publish(nodes, PORT, WAKE_PORT, ProcessLiveness.currentPid(), 0);
        final UnsafeBuffer writer = BellFile.map(nodes, PORT);
        final String bell = BellFile.of(nodes, PORT).toString();
        assertTrue(Files.readString(Path.of("/proc/self/maps")).contains(bell), "both mappings should be listed");

        BellFile.unmap(writer);
        BellFile.unmap(own);

        assertFalse(Files.readString(Path.of("/proc/self/maps")).contains(bell), "no mapping of the bell should stay");
    }

    @Test
    void theSweepRemovesTheBellOfADeadNodeAndKeepsALiveOnes() throws Exception
    {
        final long deadPid = ProcessLivenessTest.pidOfAFinishedProcess();
        BellFile.publish(nodes, PORT, WAKE_PORT, deadPid, 0);
        BellFile.publish(nodes, PORT + 1, WAKE_PORT, ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartMillis());
        Files.write(nodes.resolve((PORT + 2) + ".bell.writing"), new byte[3]);

        try (LockFile ignored = directory.lockStartup(Duration.ofSeconds(10)))
        {
            assertFalse(directory.removeIfUnused(), "a live node's bell keeps the directory");
        }

        assertFalse(Files.exists(BellFile.of(nodes, PORT)), "the dead node's bell should go");
        assertTrue(Files.exists(BellFile.of(nodes, PORT + 1)), "the live node's bell should stay");
        assertFalse(Files.exists(nodes.resolve((PORT + 2) + ".bell.writing")), "a half-written bell should go");
    }

    @Test
    void theSweepRemovesTheDirectoryOnceTheLastBellHasGone() throws Exception
    {
        BellFile.publish(nodes, PORT, WAKE_PORT, ProcessLivenessTest.pidOfAFinishedProcess(), 0);

        try (LockFile ignored = directory.lockStartup(Duration.ofSeconds(10)))
        {
            assertTrue(directory.removeIfUnused(), ShmTestDirectory.describe(root));
        }
        assertFalse(Files.exists(root));
    }
}
