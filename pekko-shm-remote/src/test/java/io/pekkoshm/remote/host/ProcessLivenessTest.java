package io.pekkoshm.remote.host;

import io.pekkoshm.remote.support.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ProcessLivenessTest
{
    /** The pid of a process that has run and exited (and been reaped). */
    static long pidOfAFinishedProcess() throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("true").start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return process.pid();
    }

    @Test
    void shouldSeeTheCurrentProcessAlive()
    {
        final long pid = ProcessLiveness.currentPid();
        assertEquals(ProcessHandle.current().pid(), pid);
        assertTrue(ProcessLiveness.currentStartMillis() > 0, "Linux reports process start times");
        assertTrue(ProcessLiveness.isAlive(pid, ProcessLiveness.currentStartMillis()));
        assertTrue(ProcessLiveness.isAlive(pid, 0), "start time 0 means unknown: pid only");
    }

    @Test
    void shouldSeeAFinishedProcessAsDead() throws Exception
    {
        final long pid = pidOfAFinishedProcess();
        assertFalse(ProcessLiveness.isAlive(pid, 0));
    }

    @Test
    void shouldSeeTheCurrentProcessAliveWhenAnotherJvmReadItsStartTimeASecondOff()
    {
        final long pid = ProcessLiveness.currentPid();
        final long start = ProcessLiveness.currentStartMillis();
        assertTrue(ProcessLiveness.isAlive(pid, start - 1_000), "another JVM's boot-time reading, a second earlier");
        assertTrue(ProcessLiveness.isAlive(pid, start + 1_000), "another JVM's boot-time reading, a second later");
    }

    @Test
    void shouldSeeTheCurrentPidWithAnotherStartTimeAsDead()
    {
        final long pid = ProcessLiveness.currentPid();
        final long start = ProcessLiveness.currentStartMillis();
        assertFalse(ProcessLiveness.isAlive(pid, start - 60_000), "same pid, earlier start: a previous process");
        assertFalse(ProcessLiveness.isAlive(pid, start + 60_000), "same pid, later start: not this process");
    }

    @Test
    void shouldSeeARunningChildAliveUntilItIsKilled() throws Exception
    {
        final Process child = new ProcessBuilder("sleep", "60").start();
        try
        {
            final long start = child.toHandle().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            assertTrue(ProcessLiveness.isAlive(child.pid(), start));
            assertFalse(ProcessLiveness.isAlive(child.pid(), start + 10_000), "wrong start time");
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertFalse(ProcessLiveness.isAlive(child.pid(), start));
        }
        finally
        {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldSeeAZombieAsDead() throws Exception
    {
        // sh starts a subshell in the background, prints its pid, then becomes "sleep 60", which never reaps it. The
        // subshell exits only once its parent is "sleep": had it exited before the exec, sh might have reaped it.
        final Process parent = new ProcessBuilder("sh", "-c",
            "p=$$; (while [ \"$(cat /proc/$p/comm)\" != sleep ]; do sleep 0.01; done) & echo $!; exec sleep 60")
            .start();
        try
        {
            final long zombie;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.US_ASCII)))
            {
                zombie = Long.parseLong(out.readLine().trim());
            }
            final Path stat = Path.of("/proc", Long.toString(zombie), "stat");
            Await.until(Duration.ofSeconds(20), () -> isZombie(stat), () -> zombie + " to become a zombie");
            assertFalse(ProcessLiveness.isAlive(zombie, 0), "an exited, unreaped process is dead");
        }
        finally
        {
            parent.destroyForcibly();
            parent.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static boolean isZombie(final Path stat)
    {
        try
        {
            final String content = Files.readString(stat, StandardCharsets.US_ASCII);
            return content.charAt(content.lastIndexOf(')') + 2) == 'Z';
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
