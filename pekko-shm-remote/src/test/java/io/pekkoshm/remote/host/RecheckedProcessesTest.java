package io.pekkoshm.remote.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node agent's process check: the JDK's full check once per process, then {@code /proc/<pid>/stat} only, with
 * the same answers as {@link ProcessLiveness} for a live child, a killed one, and a wrong start time.
 */
@Timeout(60)
class RecheckedProcessesTest
{
    private Process child;
    private long start;
    private int fullChecks;
    private RecheckedProcesses processes;

    @BeforeEach
    void startChild() throws Exception
    {
        child = new ProcessBuilder("sleep", "60").start();
        start = child.toHandle().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        processes = new RecheckedProcesses((pid, startMillis) ->
        {
            fullChecks++;
            return ProcessLiveness.isAlive(pid, startMillis);
        });
    }

    @AfterEach
    void stopChild() throws InterruptedException
    {
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void shouldCheckALiveProcessFullyOnceThenByItsStatFile()
    {
        for (int i = 0; i < 5; i++)
        {
            assertTrue(processes.isAlive(child.pid(), start), "check " + i);
        }
        assertEquals(1, fullChecks, "the JDK's check once, the stat file after");
    }

    @Test
    void shouldSeeAKilledProcessDeadWithoutAFullCheck() throws Exception
    {
        assertTrue(processes.isAlive(child.pid(), start));

        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));

        assertFalse(processes.isAlive(child.pid(), start));
        assertEquals(1, fullChecks);
        assertEquals(0, processes.remembered(), "a dead process is forgotten");
    }

    @Test
    void shouldNotTakeAnotherStartTimeUnderTheSamePidForTheProvenProcess()
    {
        assertTrue(processes.isAlive(child.pid(), start));

        assertFalse(processes.isAlive(child.pid(), start + 60_000), "another start: a later process under the pid");
        assertEquals(2, fullChecks, "another start time gets the full check");
        assertFalse(processes.isAlive(child.pid(), start + 60_000));
    }

    @Test
    void shouldReadTheStartTicksOfALiveProcessAndGoneForAFinishedOne() throws Exception
    {
        final long ticks = ProcessLiveness.statStartTicks(child.pid());
        assertTrue(ticks > 0, "a live process has a start in clock ticks: " + ticks);
        assertEquals(ticks, ProcessLiveness.statStartTicks(child.pid()), "and it does not change");
        assertTrue(ProcessLiveness.statStartTicks(ProcessLiveness.currentPid()) > 0);

        assertTrue(ProcessLiveness.statStartTicks(ProcessLivenessTest.pidOfAFinishedProcess()) < 0);
    }

    @Test
    void shouldKeepOneStatFileOpenPerProvenProcessAndCloseItWhenTheProcessIsGoneOrOnClose() throws Exception
    {
        assertTrue(processes.isAlive(child.pid(), start));
        assertTrue(processes.isAlive(child.pid(), start));
        assertEquals(1, openStatFiles(child.pid()), "one open stat file for the child, read again");

        processes.close();
        assertEquals(0, openStatFiles(child.pid()), "closed with the check");
        assertEquals(0, processes.remembered());

        assertTrue(processes.isAlive(child.pid(), start), "after close: the full check again");
        assertEquals(2, fullChecks);
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertFalse(processes.isAlive(child.pid(), start));
        assertEquals(0, openStatFiles(child.pid()), "a dead process's file is closed");
    }

    @Test
    void shouldNotProveAProcessThatIsDeadAtTheFullCheck() throws Exception
    {
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));

        assertFalse(processes.isAlive(child.pid(), start));
        assertEquals(0, processes.remembered());
        assertEquals(0, openStatFiles(child.pid()));
    }

    @Test
    void shouldParseTheStartOfAStatLineWhoseCommandHoldsSpacesAndParentheses()
    {
        final byte[] line = ("4242 (a b) (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 2 0 987654 " +
            "1000 200 18446744073709551615\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(987654, ProcessLiveness.parseStartTicks(line, line.length));
        final byte[] zombie = "4242 (java) Z 1 4242".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ProcessLiveness.GONE, ProcessLiveness.parseStartTicks(zombie, zombie.length));
        assertEquals(ProcessLiveness.UNKNOWN, ProcessLiveness.parseStartTicks(line, 30), "cut before field 22");
    }

    /** Files this process has open on {@code /proc/<pid>/stat}. */
    private static long openStatFiles(final long pid) throws IOException
    {
        final Path target = Path.of("/proc", Long.toString(pid), "stat");
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.filter(fd ->
            {
                try
                {
                    return Files.readSymbolicLink(fd).equals(target);
                }
                catch (final IOException ex)
                {
                    return false; // closed meanwhile (the listing's own descriptor)
                }
            }).count();
        }
    }
}
