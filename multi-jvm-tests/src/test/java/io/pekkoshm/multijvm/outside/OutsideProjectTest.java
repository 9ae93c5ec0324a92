package io.pekkoshm.multijvm.outside;

import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.testkit.hygiene.ShmDirectories;
import io.pekkoshm.remote.driver.DriverProbe;
import io.pekkoshm.remote.driver.JavaCommand;
import io.pekkoshm.remote.tools.ShmStatus;
import io.pekkoshm.remote.tools.StatusReport;
import io.pekkoshm.remote.transport.TransportCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published artifacts work on their own: a separate Maven project (the template in
 * {@code src/test/resources/outside-project}) that only depends on {@code io.pekkoshm:pekko-shm-remote_2.13}, enables
 * it in its {@code application.conf}, and tests itself with {@code io.pekkoshm:pekko-shm-remote-testkit_2.13} (test
 * scope) is built against the installed artifacts.
 * <ul>
 * <li>Two JVMs of its application exchange messages over shared memory, with a standalone media driver started by the
 * first of them.</li>
 * <li>Its own JUnit 5 test passes under {@code mvn test}: typed nodes of the kit, in JVMs of their own, with a typed
 * ask, a typed test probe, kill -9 ending in {@code Terminated}, and a restart on the same address.</li>
 * </ul>
 * The jars are the ones the reactor packaged before this module's tests ({@code mvn verify} from the root); the test
 * installs them into the local repository, as {@code mvn install} would (once per test JVM). Every step has a deadline,
 * and the JVMs are ended in any case. Logs (Maven's, each JVM's, the kit's node logs and its surefire reports) stay in
 * {@code target/multi-jvm-logs/OutsideProjectTest/<test>/}.
 */
class OutsideProjectTest
{
    private static final Duration BUDGET = Duration.ofSeconds(110);
    /**
     * For installing the artifacts, compiling the outside project and running its kit test (two tests of two node
     * JVMs and a media driver each, one restart): about 35 s on two cores; the rest is room for other builds.
     */
    private static final Duration KIT_TEST_BUDGET = Duration.ofSeconds(290);
    private static final int PONG_PORT = 2552;
    private static final int MESSAGES = 200;
    private static final String APP_MAIN_CLASS = "com.example.outside.OutsideApp";
    private static final String KIT_TEST_CLASS = "com.example.outside.GreeterAcrossJvmsTest";
    /** Set once the jars are in the local repository: the tests of one JVM install them once. */
    private static boolean installed;

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension(Duration.ofSeconds(20));

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
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
            assertEquals(Set.of("io.pekkoshm.remote"), moduleNames(published.pluginJar()),
                "the module of " + published.pluginJar());
            install(published, maven, work, logs, remaining(deadline, Duration.ofSeconds(60)));
            final Path project = published.createFromTemplate(work.resolve("outside-project"));
            maven.run("mvn package (outside project)", project, logs.resolve("mvn-package.log"),
                remaining(deadline, Duration.ofSeconds(75)), "package", "-Dmaven.test.skip=true");
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

    /**
     * Passes when {@code mvn test} of the outside project runs its multi-JVM test (the kit's nodes over this plugin)
     * and every test of it passes, as its surefire report says.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldPassTheKitsMultiJvmTestOfAProjectThatOnlyDependsOnThePublishedArtifacts() throws Exception
    {
        final long deadline = System.nanoTime() + KIT_TEST_BUDGET.toNanos();
        final OutsideProject published = OutsideProject.locate();
        final Maven maven = Maven.find();
        final Path logs = multiJvm.logDirectory();
        final Path work = Files.createTempDirectory("pekko-shm-outside-");
        final Path project = work.resolve("outside-project");
        final Path reports = project.resolve("target").resolve("surefire-reports");
        boolean passed = false;
        try
        {
            assertEquals(Set.of("io.pekkoshm.testkit"), moduleNames(published.kitJar()),
                "the module of " + published.kitJar());
            install(published, maven, work, logs, remaining(deadline, Duration.ofSeconds(60)));
            published.createFromTemplate(project);
            // The kit writes each node's log under multijvm.logs.dir (surefire hands -D properties to the test JVM).
            maven.run("mvn test (outside project)", project, logs.resolve("mvn-test.log"),
                remaining(deadline, KIT_TEST_BUDGET), "test",
                "-D" + MultiJvmExtension.LOG_ROOT_PROPERTY + "=" + logs.resolve("nodes"));

            final Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(reports.resolve("TEST-" + KIT_TEST_CLASS + ".xml").toFile()).getDocumentElement();
            final String counts = "tests=" + suite.getAttribute("tests") + " failures=" +
                suite.getAttribute("failures") + " errors=" + suite.getAttribute("errors") + " skipped=" +
                suite.getAttribute("skipped");
            assertTrue(Integer.parseInt(suite.getAttribute("tests")) > 0, "the kit test ran no test: " + counts);
            assertEquals("tests=" + suite.getAttribute("tests") + " failures=0 errors=0 skipped=0", counts,
                "the surefire report of " + KIT_TEST_CLASS);
            System.out.println("outside project's kit test: " + counts);
            passed = true;
        }
        finally
        {
            copyReports(reports, logs.resolve("surefire-reports"));
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

    /** Installs the published artifacts into the local repository, the first time a test of this JVM asks. */
    private static synchronized void install(final OutsideProject published, final Maven maven, final Path work,
        final Path logs, final Duration timeout) throws IOException, InterruptedException
    {
        if (!installed)
        {
            published.install(maven, Files.createDirectory(work.resolve("empty")), logs, timeout);
            installed = true;
        }
    }

    /** {@return the names of the Java modules in {@code jar}, as a module path would see them} */
    private static Set<String> moduleNames(final Path jar)
    {
        return ModuleFinder.of(jar).findAll().stream().map(reference -> reference.descriptor().name())
            .collect(Collectors.toSet());
    }

    /**
     * Copies the surefire reports, if there are any, next to the test's logs, which outlive the outside project; a
     * copy that fails is reported, not thrown (it runs in {@code finally}, where it would hide the test's failure).
     */
    private static void copyReports(final Path reports, final Path copies)
    {
        if (!Files.isDirectory(reports))
        {
            return;
        }
        try (Stream<Path> files = Files.list(reports))
        {
            Files.createDirectories(copies);
            for (final Path report : files.filter(Files::isRegularFile).toList())
            {
                Files.copy(report, copies.resolve(report.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            System.err.println("OutsideProjectTest: could not copy the surefire reports " + reports + ": " + ex);
        }
    }

    /**
     * Starts a JVM of the outside project the way its user would: its jar (whose manifest names the libraries in
     * {@code target/lib}), the JVM flags the plugin needs, -D overrides.
     */
    private static LoggedProcess start(final List<LoggedProcess> jvms, final String name, final Path project,
        final Path logs, final Path shmDirectory, final int port, final String... args) throws IOException
    {
        final List<String> command = JavaCommand.of(APP_MAIN_CLASS)
            .classPath(project.resolve("target").resolve("outside-app.jar").toString())
            .jvmOptions("-Xmx128m")
            .systemProperty("pekko.remote.shm.directory", shmDirectory.toString())
            .systemProperty("pekko.remote.shm.driver.idle-timeout", "1s")
            .systemProperty("pekko.remote.shm.port", Integer.toString(port))
            .arguments(args)
            .build();
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
