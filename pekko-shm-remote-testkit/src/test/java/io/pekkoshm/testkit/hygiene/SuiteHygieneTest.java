package io.pekkoshm.testkit.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pekkoshm.testkit.process.SuiteResources;
import io.pekkoshm.testkit.process.Processes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The suite's final check finds, reports and cleans up what a run left behind, and leaves other runs' files alone. */
@Timeout(60)
class SuiteHygieneTest
{
    @Test
    void shouldReportAndRemoveLeftoverProcessesAndSharedMemoryButNotOtherRunsEntries() throws IOException
    {
        final Set<Path> before = SuiteHygiene.shmEntries();
        final Process leftover = new ProcessBuilder("sleep", "600").start();
        final Path testDirectory = ShmDirectories.newUniqueDirectory();
        final Path oursByPid = ShmDirectories.SHM_ROOT.resolve(SuiteHygiene.SHM_PREFIX + "hygiene-ours-" +
            leftover.pid());
        final Path foreign = ShmDirectories.SHM_ROOT.resolve(SuiteHygiene.SHM_PREFIX + "hygiene-foreign-" +
            leftover.pid());
        try
        {
            Files.createDirectories(testDirectory.resolve("aeron"));
            Files.write(testDirectory.resolve("aeron").resolve("cnc.dat"), new byte[64]);
            nodeFile(oursByPid, ProcessHandle.current().pid());
            // A pid no process of this run has (pid_max on Linux is at most 2^22).
            nodeFile(foreign, 99_999_999L);

            final List<String> problems = SuiteHygiene.check(
                List.of(new SuiteResources.StartedProcess(leftover.toHandle(), "a leftover sleep")),
                List.of(testDirectory), before, Duration.ofMillis(200));

            assertEquals(3, problems.size(), problems::toString);
            assertTrue(problems.get(0).contains("a leftover sleep") && problems.get(0).contains("killed it"),
                problems.get(0));
            assertTrue(problems.get(1).contains(testDirectory.toString()) && problems.get(1).contains("cnc.dat"),
                problems.get(1));
            assertTrue(problems.get(2).contains(oursByPid.toString()), problems.get(2));
            assertTrue(Processes.isGone(leftover.toHandle()));
            assertFalse(Files.exists(testDirectory));
            assertFalse(Files.exists(oursByPid));
            assertTrue(Files.exists(foreign), "an entry naming no process of this run belongs to another run");
        }
        finally
        {
            leftover.destroyForcibly();
            ShmDirectories.deleteRecursively(testDirectory);
            ShmDirectories.deleteRecursively(oursByPid);
            ShmDirectories.deleteRecursively(foreign);
        }
    }

    @Test
    void shouldFindNothingWhenEverythingIsGone() throws IOException, InterruptedException
    {
        final Set<Path> before = SuiteHygiene.shmEntries();
        final Process exited = new ProcessBuilder("true").start();
        assertEquals(0, exited.waitFor());
        final Path removed = ShmDirectories.newUniqueDirectory();
        Files.createDirectories(removed);
        ShmDirectories.deleteRecursively(removed);

        assertEquals(List.of(), SuiteHygiene.check(
            List.of(new SuiteResources.StartedProcess(exited.toHandle(), "exited")), List.of(removed), before,
            Duration.ofMillis(100)));
    }

    private static void nodeFile(final Path entry, final long pid) throws IOException
    {
        Files.createDirectories(entry.resolve("nodes"));
        Files.writeString(entry.resolve("nodes").resolve("2552.node"), "port=2552\npid=" + pid + "\nstart=0\n",
            StandardCharsets.UTF_8);
    }
}
