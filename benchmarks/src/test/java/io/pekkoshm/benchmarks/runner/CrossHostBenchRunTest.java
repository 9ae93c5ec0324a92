package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.report.Measurement;
import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the cross-host column's main session end to end in tiny mode: its two nodes, each on its simulated host (a
 * directory, a media driver and an address of its own) with the session's secret, reach each other over UDP and
 * measure; both drivers' CPU is counted; both hosts' directories and the secret are gone afterwards. It asserts that
 * the figures come out, never what they are. Runs only with {@code -Pbench-ci} (or {@code -Dbench.test.skip=false}).
 */
class CrossHostBenchRunTest
{
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldMeasureTheCrossHostColumnOnTwoSimulatedHostsAndLeaveNothingBehind() throws Exception
    {
        final Path root = Path.of(System.getProperty("bench.testResults", "target/bench-ci-results"));
        final BenchSettings settings = new BenchSettings(BenchMode.tiny(), List.of(Transport.SHM_CROSS_HOST), root, 3,
            Path.of("target/artery-aeron-udp-lib"), List.of(), Set.of("main"));

        final Path folder = BenchMain.run(settings);

        final List<Measurement> results = Files.readAllLines(folder.resolve("results.jsonl")).stream()
            .map(Measurement::fromJson).toList();
        for (final String workload : List.of(WorkloadPlan.throughputId(), WorkloadPlan.pingPongId(),
            WorkloadPlan.bandwidthId(1L << 20), WorkloadPlan.firstAfterIdleId(), "idle"))
        {
            final Measurement m = results.stream().filter(r -> r.workload().equals(workload)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + workload + " in " + results));
            assertTrue(m.ok(), workload + ": " + m.toJson());
        }
        final Measurement idle = results.stream().filter(r -> r.workload().equals("idle")).findFirst().orElseThrow();
        assertTrue(idle.number("cpu_pct_core_media_driver").isPresent(), "the drivers' CPU: " + idle.toJson());

        final Path logs = folder.resolve("logs");
        final String peerConf = Files.readString(logs.resolve("shm-cross-host-main-peer.conf"));
        final String driverConf = Files.readString(logs.resolve("shm-cross-host-main-driver.conf"));
        assertTrue(peerConf.contains("hostname = \"127.0.0.2\"") && peerConf.contains("-host-b\""), peerConf);
        assertTrue(driverConf.contains("hostname = \"127.0.0.1\"") && driverConf.contains("-host-a\""), driverConf);
        final String driverLog = Files.readString(logs.resolve("shm-cross-host-main-driver.log"));
        assertTrue(driverLog.contains("@127.0.0.2:") && driverLog.contains(" over udp"), driverLog);
        assertFalse(driverLog.contains(" over ipc"), driverLog);
        for (final String host : RunDirectories.SIMULATED_HOSTS)
        {
            assertTrue(Files.exists(logs.resolve("shm-media-driver-host-" + host + ".log")),
                "host " + host + "'s own media driver wrote its log");
        }
        final String table = Files.readString(folder.resolve("results.md"));
        assertTrue(table.contains(Transport.SHM_CROSS_HOST.label()), table);

        final Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm))
        {
            try (Stream<Path> entries = Files.list(shm))
            {
                assertFalse(entries.anyMatch(p -> p.getFileName().toString().startsWith("pekko-shm-bench-" +
                    folder.getFileName())), "the run left a directory (or the secret) in /dev/shm");
            }
        }
    }
}
