package io.pekkoshm.samples;

import io.pekkoshm.samples.cluster.ClusterSample;
import io.pekkoshm.samples.cluster.CrossHostSample;
import io.pekkoshm.samples.demo.TwoJvmDemo;
import io.pekkoshm.samples.marketdata.MarketData;
import io.pekkoshm.samples.pingpong.PingPong;
import io.pekkoshm.samples.transfer.LargeTransfer;
import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.ChildJvmSpec;
import io.pekkoshm.testkit.process.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every sample's {@code main} the way its Maven profile does (but with the C1 compiler and the serial collector,
 * which suit short runs: the sample's JVM gets them as {@code JAVA_TOOL_OPTIONS}, which every JVM it starts inherits),
 * in a JVM of its own started by the test kit ({@link MultiJvmExtension}), with small sizes, and
 * checks that it succeeded: exit code 0, the result lines it prints, and nothing left behind (no process that used the
 * sample's shared-memory directory; the kit checks that the directory and every other {@code /dev/shm} entry of the
 * test are gone). Each sample gets a fresh directory under {@code /dev/shm} (the kit's), which it hands to the JVMs it
 * starts. The output of each run is kept in {@code target/multi-jvm-logs/SamplesTest/<test>/<sample>.log}, with the
 * standalone media driver's log next to it.
 */
@Timeout(300)
class SamplesTest
{
    /**
     * The samples' runs are short: every JVM of a sample (its main JVM, the JVMs it starts, the media driver) gets
     * these through {@code JAVA_TOOL_OPTIONS}; on two cores the C2 compiler's and G1's threads about double their time
     * (measured: 28 s -> 15 s).
     */
    private static final String SHORT_RUN_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(40);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    private ChildJvm sample;

    /** What a sample printed and how it exited. */
    record Run(int exitCode, List<String> lines)
    {
        /** Fails unless some line matches {@code regex} in full; returns the match. */
        Matcher line(final String regex)
        {
            final Pattern pattern = Pattern.compile(regex);
            for (final String line : lines)
            {
                final Matcher matcher = pattern.matcher(line);
                if (matcher.matches())
                {
                    return matcher;
                }
            }
            return fail("no line matches " + regex + "; the sample printed:\n" + String.join("\n", lines));
        }

        void assertSucceeded()
        {
            assertEquals(0, exitCode, () -> "exit code; the sample printed:\n" + String.join("\n", lines));
        }
    }

    /**
     * Every process of the sample is gone: the sample's JVM, the JVMs it started and the media driver, all of which
     * carry the directory on their command line. What is left is killed, and the test fails. (The kit then checks the
     * directory itself.)
     */
    @AfterEach
    void nothingLeftBehind()
    {
        if (null != sample && sample.isAlive())
        {
            sample.kill();
        }
        final Path directory = multiJvm.shmDirectory();
        final boolean processesGone = Processes.awaitCondition(() -> processesUsing(directory).isEmpty(),
            CLEANUP_TIMEOUT);
        final List<ProcessHandle> leftOver = processesUsing(directory);
        leftOver.forEach(ProcessHandle::destroyForcibly);
        assertTrue(processesGone, "processes of the sample still running: " + leftOver.stream()
            .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
    }

    @Test
    void shouldPrintRoundTripPercentilesOfThePingPongSample()
    {
        final Run run = run(PingPong.class, List.of(), "--round-trips", "500", "--warm-up", "100");

        run.assertSucceeded();
        final Matcher result = run.line("ping-pong: (\\S+) round trips \\(after 100 not measured\\), microseconds: " +
            "p50 (\\S+)  p90 (\\S+)  p99 (\\S+)  max (\\S+)");
        assertEquals("500", result.group(1));
        final double p50 = number(result.group(2));
        final double p99 = number(result.group(4));
        final double max = number(result.group(5));
        assertTrue(0 < p50 && p50 <= p99 && p99 <= max, result.group());
        run.line("shared memory: released .*");
    }

    @Test
    void shouldDeliverEveryQuoteToBothConsumersWithoutAGapAtFullSpeedAndPaced()
    {
        final Run run = run(MarketData.class, List.of(), "--quotes", "3000", "--symbols", "4", "--paced-quotes", "2000",
            "--rate", "5000");

        run.assertSucceeded();
        run.line("feed: full speed: 3,000 quotes to each consumer, all taken in .* quotes/s per consumer, " +
            ".* in total " +
            "\\(no latency figure: .*\\)");
        run.line("feed: paced: 2,000 quotes to each consumer in .* \\(target 5,000\\); .*");
        for (final String consumer : List.of("consumer-1", "consumer-2"))
        {
            run.line("\\[" + consumer + "\\] full speed: received 3,000 quotes on 4 symbols, gaps 0, out of order 0, " +
                ".* quotes/s");
            run.line("\\[" + consumer + "\\] paced: received 2,000 quotes on 4 symbols, gaps 0, out of order 0, " +
                ".* quotes/s");
            final Matcher latency = run.line("\\[" + consumer + "\\] paced: latency feed to consumer, microseconds: " +
                "p50 (\\S+)  p90 (\\S+)  p99 (\\S+)  p99\\.9 (\\S+)  max (\\S+)");
            for (int i = 1; i < 5; i++)
            {
                assertTrue(number(latency.group(i)) <= number(latency.group(i + 1)), latency.group());
            }
        }
        run.line("feed: every quote reached both consumers in order in both phases: 10,000 delivered, 0 gaps");
        run.line("shared memory: released .*");
    }

    @Test
    void shouldTransferAPayloadWithTheSameChecksumOnBothSides()
    {
        final Run run = run(LargeTransfer.class, List.of("-Xms768m", "-Xmx768m"), "--size-mib", "64",
            "--count", "1");

        run.assertSucceeded();
        final String crc = run.line("transfer: sending 64 MiB, CRC32 ([0-9a-f]{8}), 1 time\\(s\\), .*").group(1);
        run.line("\\[receiver\\] received 64 MiB, CRC32 " + crc);
        run.line("transfer 1 of 1: 64 MiB in \\S+ s = \\S+ MiB/s .*; CRC32 " + crc + " on both sides");
        run.line("transfer: counters: blobs sent 1, messages dropped 0");
        run.line("shared memory: released .*");
    }

    @Test
    void shouldTransferThroughTheZeroCopyApiWithTheSameChecksumOnBothSides()
    {
        final Run run = run(LargeTransfer.class, List.of(), "--mode", "zero-copy", "--size-mib", "64", "--count", "2");

        run.assertSucceeded();
        run.line("transfer: sending 64 MiB 2 time\\(s\\) through the zero-copy API: .*");
        for (int i = 1; i <= 2; i++)
        {
            final String crc = run.line("\\[receiver\\] received 64 MiB in shared memory \\(zero-copy\\), CRC32 " +
                "([0-9a-f]{8})").group(1);
            run.line("transfer " + i + " of 2: 64 MiB in \\S+ s = \\S+ MiB/s .*; CRC32 " + crc + " on both sides");
        }
        run.line("transfer: counters: blobs sent \\d+, messages dropped 0");
        run.line("shared memory: released .*");
    }

    @Test
    void shouldFindTheGreeterThroughTheReceptionistFromTheOtherTwoNodes()
    {
        final Run run = run(ClusterSample.class, List.of());

        run.assertSucceeded();
        final String first = run
            .line("cluster: node-1 (pekko\\.tcp://cluster-sample@localhost:\\d+) hosts the greeter; .*")
            .group(1);
        for (final String node : List.of("node-2", "node-3"))
        {
            run.line("\\[" + node + "\\] typed ask answered by node-1 \\(" + Pattern.quote(first) + "\\): \"hello " +
                node + "\"");
            run.line("\\[" + node + "\\] association to node-1: ipc");
        }
        run.line("cluster: node-2 and node-3 found the greeter on node-1 through the receptionist and got its answer");
        run.line("shared memory: released .*");
    }

    @Test
    void shouldReachTheGreeterOverIpcWithinAHostAndOverUdpFromTheOtherHost()
    {
        final Run run = run(CrossHostSample.class, List.of());
        keepDriverLogsOfSimulatedHosts("host-a", "host-b");

        run.assertSucceeded();
        final String secret = run.line("cross-host: shared secret: 32 random bytes in (\\S+) \\(rw-------\\)").group(1);
        final String first = run.line("cross-host: node-1 (pekko\\.tcp://cluster-sample@127\\.0\\.0\\.1:\\d+) " +
            "on host A hosts the greeter; shared memory in .*-host-a").group(1);
        for (final String node : List.of("node-2", "node-3", "node-4"))
        {
            run.line("\\[" + node + "\\] typed ask answered by node-1 \\(" + Pattern.quote(first) + "\\): \"hello " +
                node + "\"");
        }
        run.line("\\[node-2\\] association to node-1: ipc");
        run.line("\\[node-3\\] association to node-1: udp");
        run.line("\\[node-4\\] association to node-1: udp");
        run.line("cross-host: node-2, node-3 and node-4 found the greeter on node-1 through the receptionist and got " +
            "its answer");
        run.line("cross-host: node-1 was asked by node-2 \\(host A\\) over ipc");
        run.line("cross-host: node-1 was asked by node-3 \\(host B\\) over udp");
        run.line("cross-host: node-1 was asked by node-4 \\(host B\\) over udp");
        run.line("cross-host: shared secret " + Pattern.quote(secret) + " removed");
        assertFalse(Files.exists(Path.of(secret)), secret);
        run.line("shared memory: released .*-host-a is gone\\)");
        run.line("shared memory: released .*-host-b is gone\\)");
    }

    @Test
    void shouldStreamAndPingPongInTheTwoJvmDemo()
    {
        final Run run = run(TwoJvmDemo.class, List.of("-Ddemo.messages=5000", "-Ddemo.pings=200"));

        run.assertSucceeded();
        run.line("stream: +5,000 messages .* msgs/s .*");
        run.line("ping-pong: 200 round trips, microseconds p50 .*");
        run.line("counters: .* dropped 0");
        run.line("done; the media driver has exited and .* is gone");
    }

    /**
     * Runs a sample's main class as its Maven profile does (the plugin's JVM flags, this classpath), with the test's
     * shared-memory directory, and waits for it to exit.
     */
    private Run run(final Class<?> main, final List<String> jvmOptions, final String... args)
    {
        final ChildJvmSpec spec = ChildJvmSpec.of(main.getSimpleName(), main)
            .systemProperty("pekko.remote.shm.directory", multiJvm.shmDirectory().toString())
            // The driver a sample starts exits this long after its last client (the samples' own setting is 2 s).
            .systemProperty("pekko.remote.shm.driver.idle-timeout", "500ms")
            .jvmArgs(jvmOptions.toArray(String[]::new))
            .environment("JAVA_TOOL_OPTIONS", SHORT_RUN_JVM_OPTIONS)
            .programArgs(args);
        sample = multiJvm.start(spec);
        final int exitCode = sample.awaitExit(RUN_TIMEOUT);
        return new Run(exitCode, sample.outputLines());
    }

    /**
     * The cross-host sample's directories are the test's with a suffix; their standalone media drivers log to
     * {@code $TMPDIR/<directory name>-<suffix>-driver.log}, which the kit does not know of (it moves only its own
     * directory's driver log): moved next to the sample's log ({@code media-driver-<suffix>.log}), so that the test
     * leaves nothing in the temporary directory.
     */
    private void keepDriverLogsOfSimulatedHosts(final String... suffixes)
    {
        for (final String suffix : suffixes)
        {
            final Path driverLog = Path.of(System.getProperty("java.io.tmpdir"),
                multiJvm.shmDirectory().getFileName() + "-" + suffix + "-driver.log");
            try
            {
                if (Files.exists(driverLog))
                {
                    Files.move(driverLog, multiJvm.logDirectory().resolve("media-driver-" + suffix + ".log"),
                        StandardCopyOption.REPLACE_EXISTING);
                }
            }
            catch (final IOException ex)
            {
                fail("could not move " + driverLog + " to " + multiJvm.logDirectory() + ": " + ex);
            }
        }
    }

    /** Processes of this host whose command line names the directory: the sample's JVMs and its media driver. */
    private static List<ProcessHandle> processesUsing(final Path directory)
    {
        final String name = directory.toString();
        return ProcessHandle.allProcesses()
            .filter(p -> p.pid() != ProcessHandle.current().pid())
            .filter(p -> p.info().commandLine().map(line -> line.contains(name)).orElse(false))
            .toList();
    }

    private static double number(final String text)
    {
        return Double.parseDouble(text.replace(",", ""));
    }
}
