package io.pekkoshm.testkit.process;

import io.pekkoshm.testkit.hygiene.ShmDirectories;
import io.pekkoshm.testkit.ChildJvmGroup;
import io.pekkoshm.testkit.MultiJvmExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests of the multi-JVM harness itself, against tiny child mains ({@link EchoNode}, {@link ParentNode},
 * {@link FakeMediaDriver}).
 */
@Timeout(120)
class ChildJvmTest
{
    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(20);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldCaptureChildOutputToLogFile() throws IOException
    {
        final ChildJvm echo = startEcho("echo");
        echo.send("say hello");
        echo.send("err oops");
        echo.awaitLine("^echo hello$", AWAIT);
        echo.awaitLine("^stderr oops$", AWAIT);
        assertEquals(0, echo.stop(STOP));

        final Path expected = multiJvm.logDirectory().resolve("echo.log");
        assertEquals(expected, echo.logFile());
        final Path relative = Path.of("target/multi-jvm-logs/ChildJvmTest/shouldCaptureChildOutputToLogFile/echo.log");
        assertTrue(expected.toAbsolutePath().endsWith(relative), expected::toString);
        final List<String> logged = Files.readAllLines(expected, StandardCharsets.UTF_8);
        assertTrue(logged.get(0).startsWith("# multi-jvm harness: node 'echo'"), logged::toString);
        assertTrue(logged.containsAll(List.of("echo hello", "stderr oops")), logged::toString);
        assertTrue(logged.get(logged.size() - 1).contains("exiting with code 0"), logged::toString);
    }

    @Test
    void shouldDeliverCommandsOverStdin()
    {
        final ChildJvm echo = startEcho("echo");
        for (int i = 0; i < 5; i++)
        {
            echo.send("say " + i);
        }
        for (int i = 0; i < 5; i++)
        {
            final Matcher echoed = echo.awaitLine("^echo (\\d+)$", AWAIT);
            assertEquals(Integer.toString(i), echoed.group(1));
        }
    }

    @Test
    void shouldMatchLinesPrintedBeforeTheAwaitInOrder()
    {
        final ChildJvm echo = multiJvm.start(ChildJvmSpec.of("echo", EchoNode.class));
        echo.send("burst 3");
        echo.send("die 0");
        assertEquals(0, echo.awaitExit(AWAIT));

        assertTrue(echo.awaitLine("ready pid=\\d+", AWAIT).group().endsWith(Long.toString(echo.pid())));
        for (int i = 1; i <= 3; i++)
        {
            assertEquals(Integer.toString(i), echo.awaitLine("^burst (\\d+)$", AWAIT).group(1));
        }
        assertEquals("dying 0", echo.awaitLine(line -> line.startsWith("dying"), AWAIT));
        assertEquals(List.of("burst 1", "burst 2", "burst 3"),
            echo.outputLines().stream().filter(line -> line.startsWith("burst")).toList());
    }

    @Test
    void shouldKillChildForcibly()
    {
        final ChildJvm echo = startEcho("echo");
        assertEquals(137, echo.kill());
        assertFalse(echo.isAlive());
        assertTrue(Processes.isGone(echo.processHandle()));
    }

    @Test
    void shouldStopChildGracefully()
    {
        final ChildJvm echo = startEcho("echo");
        assertEquals(0, echo.stop(STOP));
        assertTrue(echo.outputLines().contains("[child-control] exiting with code 0: received the exit command"));
    }

    @Test
    void childShouldExitWhenParentStdinCloses()
    {
        final ChildJvm echo = startEcho("echo");
        echo.closeStdin();
        assertEquals(ChildControl.EXIT_CODE_STDIN_CLOSED, echo.awaitExit(AWAIT));
    }

    @Test
    void childShouldExitWhenParentJvmIsKilled()
    {
        final Path grandchildLog = multiJvm.logDirectory().resolve("grandchild.log");
        final ChildJvm parent = multiJvm.start(ChildJvmSpec.of("parent", ParentNode.class)
            .programArgs(grandchildLog.toString()));
        final long grandchildPid = Long.parseLong(parent.awaitLine("grandchild pid=(\\d+)", AWAIT).group(1));
        final ProcessHandle grandchild = ProcessHandle.of(grandchildPid).orElseThrow();
        multiJvm.killAtEnd(grandchildPid);

        parent.kill();

        assertTrue(Processes.awaitGone(grandchild, AWAIT), "grandchild outlived its parent; see " + grandchildLog);
    }

    @Test
    void awaitLineShouldFailWithOutputTailWhenChildExits()
    {
        final ChildJvm echo = startEcho("echo");
        echo.send("burst 50");
        echo.send("die 7");

        final AssertionError failure = assertThrows(AssertionError.class, () -> echo.awaitLine("never printed", AWAIT));

        final String message = failure.getMessage();
        assertTrue(message.contains("exited with code 7"), message);
        assertTrue(message.contains("its output ended before one was printed"), message);
        assertTrue(message.contains(echo.logFile().toAbsolutePath().toString()), message);
        assertTrue(message.contains("  | burst 50\n  | dying 7\n"), message);
        assertFalse(message.contains("ready pid="), "only the last lines belong in the message: " + message);
    }

    @Test
    void awaitLineShouldFailWithOutputTailWhenDeadlinePasses()
    {
        final ChildJvm echo = startEcho("echo");

        final AssertionError failure = assertThrows(AssertionError.class,
            () -> echo.awaitLine("never printed", Duration.ofMillis(200)));

        final String message = failure.getMessage();
        assertTrue(message.contains("none was printed within PT0.2S"), message);
        assertTrue(message.contains("running"), message);
        assertTrue(message.contains("  | ready pid="), message);
    }

    @Test
    void shouldSuspendAndResumeChild()
    {
        final ChildJvm echo = startEcho("echo");

        echo.suspend();
        assertTrue(Processes.awaitCondition(() -> Processes.state(echo.pid()).orElse('?') == 'T', AWAIT));
        echo.send("say still here");
        echo.resume();

        echo.awaitLine("^echo still here$", AWAIT);
        assertEquals(0, echo.stop(STOP));
    }

    @Test
    void shouldPassModuleFlagsOfCurrentJvmToChild()
    {
        final List<String> parentFlags = io.pekkoshm.remote.driver.JvmFlags.forChildJvm();
        assertTrue(parentFlags.contains("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"), parentFlags::toString);
        final ChildJvm echo = multiJvm.start(ChildJvmSpec.of("echo", EchoNode.class)
            .systemProperty("pekko.remote.shm.port", "25520"));
        echo.send("flags");

        final List<String> childFlags = List.of(echo.awaitLine("^flags (.*)$", AWAIT).group(1).split(" "));

        assertTrue(childFlags.containsAll(parentFlags), childFlags::toString);
        assertTrue(childFlags.contains("-Dpekko.remote.shm.port=25520"), childFlags::toString);
    }

    @Test
    void shouldGiveEachTestItsOwnShmDirectoryAndLogFolder()
    {
        final Path shm = multiJvm.shmDirectory();
        assertEquals(ShmDirectories.SHM_ROOT, shm.getParent());
        assertTrue(shm.getFileName().toString().startsWith("pekko-shm-test-"), shm::toString);
        assertFalse(Files.exists(shm));
        final Path logs = multiJvm.logDirectory();
        final Path expected = Path.of("ChildJvmTest", "shouldGiveEachTestItsOwnShmDirectoryAndLogFolder");
        assertTrue(logs.endsWith(expected), logs::toString);
    }

    @Test
    void groupShouldKillChildrenStillRunningOnClose()
    {
        final ChildJvmGroup group = newGroup(Duration.ofSeconds(5));
        try
        {
            final ChildJvm a = group.start(ChildJvmSpec.of("a", EchoNode.class));
            final ChildJvm b = group.start(ChildJvmSpec.of("b", EchoNode.class));
            a.awaitLine("ready", AWAIT);
            b.awaitLine("ready", AWAIT);

            group.close();

            assertFalse(a.isAlive());
            assertFalse(b.isAlive());
            assertThrows(IllegalStateException.class, () -> group.start(ChildJvmSpec.of("c", EchoNode.class)));
        }
        finally
        {
            group.close();
        }
    }

    @Test
    void groupShouldRejectDuplicateNodeNames()
    {
        try (ChildJvmGroup group = newGroup(Duration.ofSeconds(5)))
        {
            group.start(ChildJvmSpec.of("a", EchoNode.class));
            assertThrows(IllegalArgumentException.class, () -> group.start(ChildJvmSpec.of("a", EchoNode.class)));
        }
    }

    @Test
    void groupShouldFailAndDeleteShmDirectoryThatOutlivesTheDeadline() throws IOException
    {
        final ChildJvmGroup group = newGroup(Duration.ofMillis(200));
        try
        {
            Files.createDirectories(group.shmDirectory().resolve("images"));
            Files.write(group.shmDirectory().resolve("cnc.dat"), new byte[128]);

            final AssertionError failure = assertThrows(AssertionError.class, group::close);

            assertTrue(failure.getMessage().contains(group.shmDirectory() + " still existed"), failure::getMessage);
            assertTrue(failure.getMessage().contains("cnc.dat (128 bytes)"), failure::getMessage);
            assertTrue(failure.getMessage().contains("images/"), failure::getMessage);
            assertFalse(Files.exists(group.shmDirectory()));
        }
        finally
        {
            ShmDirectories.deleteRecursively(group.shmDirectory());
        }
    }

    @Test
    void groupShouldAwaitShmDirectoryRemovalByIdleMediaDriver()
    {
        final ChildJvmGroup group = newGroup(AWAIT);
        final ChildJvm driver = ChildJvm.start(
            ChildJvmSpec.of("driver", FakeMediaDriver.class).programArgs(group.shmDirectory().toString(), "500"),
            multiJvm.logDirectory().resolve("driver.log"));
        try
        {
            group.killAtEnd(driver.pid());
            driver.awaitLine("^created ", AWAIT);

            group.close();

            assertFalse(Files.exists(group.shmDirectory()));
            assertEquals(0, driver.awaitExit(AWAIT));
            assertTrue(driver.outputLines().contains("removed " + group.shmDirectory()));
        }
        finally
        {
            driver.close();
            group.close();
            ShmDirectories.deleteRecursively(group.shmDirectory());
        }
    }

    @Test
    void groupShouldAwaitPluginDirectoriesNestedInTheShmDirectoryAndRemoveTheEmptyParent() throws IOException
    {
        final ChildJvmGroup group = newGroup(AWAIT);
        // one directory per simulated host, each with a driver of its own; unique names for their logs in $TMPDIR
        final String suffix = "-kit-test-" + ProcessHandle.current().pid();
        final Path hostA = group.shmDirectory().resolve("host-a" + suffix);
        final Path hostB = group.shmDirectory().resolve("host-b" + suffix);
        final Path driverLogA = Path.of(System.getProperty("java.io.tmpdir"), hostA.getFileName() + "-driver.log");
        // the group's only child is the drivers' client: they remove their directories once close() killed it
        final ChildJvm client = group.start(ChildJvmSpec.of("client", EchoNode.class));
        client.awaitLine("^ready pid=", AWAIT);
        final String clientPid = Long.toString(client.pid());
        final ChildJvm driverA = ChildJvm.start(
            ChildJvmSpec.of("driver-a", FakeMediaDriver.class).programArgs(hostA.toString(), "0", clientPid),
            multiJvm.logDirectory().resolve("driver-a.log"));
        final ChildJvm driverB = ChildJvm.start(
            ChildJvmSpec.of("driver-b", FakeMediaDriver.class).programArgs(hostB.toString(), "0", clientPid),
            multiJvm.logDirectory().resolve("driver-b.log"));
        try
        {
            group.killAtEnd(driverA.pid());
            group.killAtEnd(driverB.pid());
            driverA.awaitLine("^created ", AWAIT);
            driverB.awaitLine("^created ", AWAIT);
            Files.writeString(driverLogA, "driver of host a\n");

            group.close();

            assertFalse(Files.exists(group.shmDirectory()), "the empty parent is removed");
            assertEquals(0, driverA.awaitExit(AWAIT));
            assertEquals(0, driverB.awaitExit(AWAIT));
            assertFalse(Files.exists(driverLogA), "the nested directory's driver log leaves $TMPDIR");
            assertEquals("driver of host a\n", Files.readString(
                group.logDirectory().resolve("media-driver-" + hostA.getFileName() + ".log")));
        }
        finally
        {
            driverA.close();
            driverB.close();
            group.close();
            Files.deleteIfExists(driverLogA);
            ShmDirectories.deleteRecursively(group.shmDirectory());
        }
    }

    @Test
    void groupShouldFailWhenAPluginDirectoryNestedInTheShmDirectoryOutlivesTheDeadline() throws IOException
    {
        final ChildJvmGroup group = newGroup(Duration.ofMillis(200));
        try
        {
            Files.createDirectories(group.shmDirectory().resolve("host-a").resolve("aeron"));
            Files.write(group.shmDirectory().resolve("host-a").resolve("aeron").resolve("cnc.dat"), new byte[128]);
            Files.createDirectories(group.shmDirectory().resolve("host-b"));

            final AssertionError failure = assertThrows(AssertionError.class, group::close);

            assertTrue(failure.getMessage().contains(group.shmDirectory() + " still existed"), failure::getMessage);
            assertTrue(failure.getMessage().contains("host-a/aeron/cnc.dat (128 bytes)"), failure::getMessage);
            assertTrue(failure.getMessage().contains("host-b/"), failure::getMessage);
            assertFalse(Files.exists(group.shmDirectory()));
        }
        finally
        {
            ShmDirectories.deleteRecursively(group.shmDirectory());
        }
    }

    @Test
    void groupShouldFailWhenTheShmDirectoryIsLeftEmptyWithoutNestedPluginDirectories() throws IOException
    {
        // its own driver removes a plugin directory entirely: an empty one left behind is still a leak
        final ChildJvmGroup group = newGroup(Duration.ofMillis(200));
        try
        {
            Files.createDirectories(group.shmDirectory());

            final AssertionError failure = assertThrows(AssertionError.class, group::close);

            assertTrue(failure.getMessage().contains(group.shmDirectory() + " still existed"), failure::getMessage);
            assertFalse(Files.exists(group.shmDirectory()));
        }
        finally
        {
            ShmDirectories.deleteRecursively(group.shmDirectory());
        }
    }

    private ChildJvm startEcho(final String nodeName)
    {
        final ChildJvm echo = multiJvm.start(ChildJvmSpec.of(nodeName, EchoNode.class));
        echo.awaitLine("^ready pid=", AWAIT);
        return echo;
    }

    private ChildJvmGroup newGroup(final Duration shmRemovalTimeout)
    {
        return new ChildJvmGroup(multiJvm.logDirectory().resolve("group"), ShmDirectories.newUniqueDirectory(),
            shmRemovalTimeout);
    }
}
