package io.pekkoshm.benchmarks.workloads;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Reading the sending JVM's page faults and the load average, and a sample's share of the counters. */
class ProcessCountersTest
{
    @Test
    void shouldReadMinorAndMajorFaultsAfterTheCommandName()
    {
        final String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 123456 0 78 0 900 100 0 0 20 0 40 0 5000";

        assertArrayEquals(new long[] {123_456, 78}, ProcessCounters.parseFaults(stat));
    }

    @Test
    void shouldReadFaultsWhenTheCommandNameHoldsSpacesAndParentheses()
    {
        final String stat = "7 (a (b) c) R 1 7 7 0 -1 0 11 0 22 0 1 2 0 0 20 0 1 0 9";

        assertArrayEquals(new long[] {11, 22}, ProcessCounters.parseFaults(stat));
    }

    @Test
    void shouldRejectALineThatIsNotStat()
    {
        assertThrows(IllegalArgumentException.class, () -> ProcessCounters.parseFaults("no such file"));
        assertThrows(IllegalArgumentException.class, () -> ProcessCounters.parseFaults("1 (java) S 1 2"));
    }

    @Test
    void shouldReadTheOneMinuteLoadAverage()
    {
        assertEquals(2.59, ProcessCounters.parseLoadAverage("2.59 1.22 0.50 3/170 12345\n"));
    }

    @Test
    void shouldSubtractAnEarlierReadingAndKeepUnknownCountersUnknown()
    {
        final ProcessCounters before = new ProcessCounters(100, 1, 5_000_000, 3, 40);
        final ProcessCounters after = new ProcessCounters(350, 1, 25_000_000, 5, 55);

        assertEquals(new ProcessCounters(250, 0, 20_000_000, 2, 15), after.since(before));
        assertEquals(new ProcessCounters(-1, -1, 20_000_000, 2, 15),
            new ProcessCounters(-1, -1, 25_000_000, 5, 55).since(before));
    }

    @Test
    void shouldReadEveryCounterOfThisJvmOnLinux()
    {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "Linux only, like the benchmark");

        final ProcessCounters first = ProcessCounters.read();
        final ProcessCounters used = ProcessCounters.read().since(first);

        assertTrue(first.minorFaults() > 0, "a running JVM has touched fresh pages: " + first);
        assertTrue(first.majorFaults() >= 0 && first.cpuNs() > 0 && first.gcCount() >= 0 && first.gcMs() >= 0,
            first.toString());
        assertTrue(used.minorFaults() >= 0 && used.cpuNs() >= 0 && used.gcCount() >= 0, "counters only grow: " +
            used);
        assertTrue(ProcessCounters.loadAverage() >= 0);
    }
}
