package io.pekkoshm.multijvm.outside;

import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.testkit.hygiene.ShmDirectories;
import io.pekkoshm.remote.driver.DriverProbe;
import io.pekkoshm.remote.driver.JvmFlags;
import io.pekkoshm.remote.tools.ShmStatus;
import io.pekkoshm.remote.tools.StatusReport;
import io.pekkoshm.remote.transport.TransportCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published artifact works on its own: a separate Maven project that only depends on
 * {@code io.pekkoshm:pekko-shm-remote_2.13} and enables it in its {@code application.conf} (the template in
 * {@code src/test/resources/outside-project}) is built against the installed plugin, and two JVMs of it exchange
 * messages over shared memory, with a standalone media driver started by the first of them.
 * <p>
 * The plugin's jar is the one the reactor packaged before this module's tests ({@code mvn verify} from the root);
 * the test installs it into the local repository, as {@code mvn install} would. Every step has a deadline, the whole
 * test stays under two minutes, and the JVMs are ended in any case. Logs (Maven's and each JVM's) stay in
 * {@code target/multi-jvm-logs/OutsideProjectTest/<test>/}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutsideProjectTest
{
    private static final Duration BUDGET = Duration.ofSeconds(110);
    private static final int PONG_PORT = 2552;
    private static final int MESSAGES = 200;

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension(Duration.ofSeconds(20));

    @Test
    void shouldExchangeMessagesBetweenTwoJvmsOfAProjectThatOnlyDependsOnThePublishedArtifact() throws Exception
    {
        final long deadline = System.nanoTime() + BUDGET.toNanos();
        final OutsideProject published = OutsideProject.locate();
        final Maven maven = Maven.find();
        final Path logs = multiJvm.logDirectory();
        final Path shmDirectory = multiJvm.shmDirectory();
        final Path work = Files.createTempDirectory("pekko-shm-outside-");
        final List<LoggedProcess> jvms = new ArrayList<>();
        boolean passed = false;
        try
        {
            // the published jar names its module, so it can go on a module path too
            final Set<String> modules = ModuleFinder.of(published.pluginJar()).findAll().stream()
                .map(reference -> reference.descriptor().name()).collect(Collectors.toSet());
            assertEquals(Set.of("io.pekkoshm.remote"), modules, "the module of " + published.pluginJar());
            final Path emptyDirectory = Files.createDirectory(work.resolve("empty"));
            published.install(maven, emptyDirectory, logs, remaining(deadline, Duration.ofSeconds(60)));
            final Path project = published.createFromTemplate(work.resolve("outside-project"));
            maven.run("mvn package (outside project)", project, logs.resolve("mvn-package.log"),
                remaining(deadline, Duration.ofSeconds(75)), "package", "-DskipTests");
            final Path appJar = project.resolve("target").resolve("outside-app.jar");
            assertTrue(Files.isRegularFile(appJar), "mvn package built no " + appJar);

            final LoggedProcess pong = start(jvms, "pong", project, logs, shmDirectory, PONG_PORT, "pong");
            final String ready = pong.awaitLine("PONG-READY ", remaining(deadline, Duration.ofSeconds(45)));
            final String pongAddress = ready.substring("PONG-READY ".length()).trim();
            assertEquals("pekko.shm://pong@localhost:" + PONG_PORT, pongAddress);
            final long driverPid = DriverProbe.liveDriverPid(shmDirectory.resolve("aeron"), 10_000);
            assertTrue(driverPid > 0, "pong (driver.mode = auto) should have started a standalone media driver in " +
                shmDirectory);
            multiJvm.killAtEnd(driverPid);

            final LoggedProcess ping = start(jvms, "ping", project, logs, shmDirectory, 0,
                "ping", pongAddress, Integer.toString(MESSAGES));
            final String ok = ping.awaitLine("PING-OK " + MESSAGES, remaining(deadline, Duration.ofSeconds(45)));
            ping.awaitSuccess(remaining(deadline, Duration.ofSeconds(30)));

            // The status tool, from this JVM, sees the node of the other JVM and what it received (nodes publish
            // their counters into the driver's CnC file periodically: await them).
            final StatusReport status = awaitStatus(shmDirectory, remaining(deadline, Duration.ofSeconds(10)),
                report -> report.node(PONG_PORT).flatMap(StatusReport.NodeStatus::counters)
                    .map(set -> set.value(TransportCounters.MESSAGES_RECEIVED_TYPE_ID).orElse(0))
                    .orElse(0L) >= MESSAGES);
            assertTrue(status.driver().isLive(), status::toString);
            assertEquals(driverPid, status.driver().pid());
            final StatusReport.NodeStatus pongNode = status.node(PONG_PORT).orElseThrow();
            assertTrue(pongNode.alive() && pongAddress.equals(pongNode.address()), pongNode::toString);
            // the one line turns the direct path on: the pings after the first arrive on it
            assertTrue(pongNode.counters().map(set -> set.value(TransportCounters.DIRECT_RECEIVED_TYPE_ID).orElse(0))
                .orElse(0L) > 0, "pong received nothing on the direct path: " + pongNode);

            pong.closeStdin();
            pong.awaitLine("PONG-DONE", remaining(deadline, Duration.ofSeconds(30)));
            pong.awaitSuccess(remaining(deadline, Duration.ofSeconds(30)));

            assertTrue(ShmDirectories.awaitGone(shmDirectory, remaining(deadline, Duration.ofSeconds(20))),
                "The media driver should exit after its 1 s idle timeout and remove " + shmDirectory +
                " once both JVMs are gone; it holds:\n" + ShmDirectories.describe(shmDirectory));
            System.out.println("outside project: " + ok);
            passed = true;
        }
        finally
        {
            for (final LoggedProcess jvm : jvms)
            {
                jvm.close();
            }
            keepDriverLog(shmDirectory, logs);
            if (passed)
            {
                ShmDirectories.deleteRecursively(work);
            }
            else
            {
                System.err.println("OutsideProjectTest: the outside project is kept in " + work + ", logs in " + logs);
            }
        }
    }

    /** Starts a JVM of the outside project the way its user would: its jar, the two flags, -D overrides. */
    private static LoggedProcess start(final List<LoggedProcess> jvms, final String name, final Path project,
        final Path logs, final Path shmDirectory, final int port, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.forChildJvm());
        command.add("-Xmx128m");
        command.add("-Dpekko.remote.shm.directory=" + shmDirectory);
        command.add("-Dpekko.remote.shm.driver.idle-timeout=1s");
        command.add("-Dpekko.remote.shm.port=" + port);
        command.add("-jar");
        command.add(project.resolve("target").resolve("outside-app.jar").toString());
        command.addAll(List.of(args));
        final LoggedProcess jvm = LoggedProcess.start(name, command, project, logs.resolve(name + ".log"));
        jvms.add(jvm);
        return jvm;
    }

    /** The standalone driver logs to $TMPDIR/<directory name>-driver.log: move it next to the other logs. */
    private static void keepDriverLog(final Path shmDirectory, final Path logs)
    {
        final Path driverLog = Path.of(System.getProperty("java.io.tmpdir"), shmDirectory.getFileName() +
            "-driver.log");
        try
        {
            if (Files.exists(driverLog))
            {
                Files.move(driverLog, logs.resolve("driver.log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            System.err.println("OutsideProjectTest: could not move " + driverLog + ": " + ex);
        }
    }

    /** Takes the status of {@code shmDirectory} until it satisfies {@code condition}, failing at the deadline. */
    private static StatusReport awaitStatus(final Path shmDirectory, final Duration timeout,
        final Predicate<StatusReport> condition)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final StatusReport report = ShmStatus.collect(shmDirectory, shmDirectory.resolve("aeron"),
                Duration.ofSeconds(10));
            if (condition.test(report))
            {
                return report;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("Not within " + timeout.toMillis() + " ms: pong's node with at least " +
                    MESSAGES + " messages received in the status of " + shmDirectory + ": " + report);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static Duration remaining(final long deadline, final Duration atMost)
    {
        final Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        return left.compareTo(atMost) < 0 ? left : atMost;
    }
}
