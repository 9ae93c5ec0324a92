package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.transports.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the benchmark runner end to end in its tiny mode (every transport, child JVMs and all) and checks that it
 * still produces its files and a table with a column per transport, and leaves nothing in shared memory. It asserts
 * that the report exists, never what it says about speed. Runs only with {@code -Pbench-ci}.
 */
class BenchRunProducesReportTest
{
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void shouldProduceResultsTableChartAndMachineFileInTinyMode() throws Exception
    {
        final Path root = Path.of(System.getProperty("bench.testResults", "target/bench-ci-results"));
        final BenchSettings settings = new BenchSettings(BenchMode.tiny(), Arrays.asList(Transport.values()), root, 3,
            Path.of(System.getProperty("bench.arteryUdpLib", "target/artery-aeron-udp-lib")));

        final Path folder = BenchMain.run(settings);

        for (final String file : List.of("results.jsonl", "results.md", "chart.png", "machine.txt"))
        {
            assertTrue(Files.size(folder.resolve(file)) > 0, file + " is missing or empty in " + folder);
        }
        final String table = Files.readString(folder.resolve("results.md"));
        for (final Transport transport : Transport.values())
        {
            assertTrue(table.contains(transport.label()), "no column for " + transport.label() + ":\n" + table);
        }
        assertTrue(table.contains("| 64 B one-way throughput, msgs/s |"), table);
        // the isolation rows (tiny mode streams 16 MiB messages; 256 MiB and 1 GiB are reported as skipped)
        for (final String row : List.of("## Isolation: small messages while large ones stream",
            "### 16 MiB messages", "### 256 MiB messages", "### 1 GiB messages",
            "| ping-pong RTT p99, µs, alone |",
            "| ping-pong RTT p99.9, µs, while 16 MiB messages stream on the same association |",
            "| ping-pong RTT p99, µs, while 16 MiB messages stream on another association of the same node |",
            "| **ping-pong RTT p99 while 16 MiB messages stream on the same association, ratio to alone " +
                "(target ≤ 2×)** |",
            "| 16 MiB stream on another association (during the ping-pong), MiB/s |"))
        {
            assertTrue(table.contains(row), "no " + row + ":\n" + table);
        }
        final List<String> lines = Files.readAllLines(folder.resolve("results.jsonl"));
        final long perTransport = lines.stream().filter(l -> l.contains("\"transport\":\"shm\"")).count();
        assertEquals(Transport.values().length * perTransport, lines.size(),
            "every transport reports every workload (ok or not, with the reason)");
        for (final String transport : List.of("shm-direct", "shm", "artery-tcp"))
        {
            for (final String condition : List.of("alone", "same", "other"))
            {
                final String workload = "\"workload\":\"isolation-" + condition + "-16MiB\"";
                assertEquals(1, lines.stream().filter(l -> l.contains("\"transport\":\"" + transport + "\"") &&
                    l.contains("\"session\":\"isolation-16MiB\"") && l.contains(workload)).count(),
                    transport + " ran " + workload + " in its isolation session:\n" + String.join("\n", lines));
            }
        }
        if (!Files.isDirectory(Path.of("/dev/shm")))
        {
            return;
        }
        try (Stream<Path> shm = Files.list(Path.of("/dev/shm")))
        {
            assertFalse(shm.anyMatch(p -> p.getFileName().toString().startsWith("pekko-shm-bench-" +
                folder.getFileName())), "the run left a directory in /dev/shm");
        }
    }
}
