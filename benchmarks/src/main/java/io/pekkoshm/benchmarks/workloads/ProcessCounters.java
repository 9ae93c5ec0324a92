package io.pekkoshm.benchmarks.workloads;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counters the sending JVM reads cheaply about itself, to explain a slow bandwidth sample: its minor and major page
 * faults (fields 10 and 12 of {@code /proc/self/stat}), its CPU time ({@link CpuMeter#ownCpuNs()}, 10 ms ticks), and
 * its garbage collections and their time (all {@link GarbageCollectorMXBean}s, summed). A reading is cumulative since
 * the JVM started; {@link #since} makes it a sample's. Linux, like the benchmark: a counter that cannot be read is -1.
 *
 * @param minorFaults page faults served without I/O (first touch of fresh pages, among others).
 * @param majorFaults page faults that needed I/O.
 * @param cpuNs       CPU time of the process, user + system, all threads.
 * @param gcCount     collections of all collectors.
 * @param gcMs        the collectors' accumulated collection time (for G1, roughly the pauses).
 */
public record ProcessCounters(long minorFaults, long majorFaults, long cpuNs, long gcCount, long gcMs)
{
    private static final Path SELF_STAT = Path.of("/proc/self/stat");
    private static final Path LOADAVG = Path.of("/proc/loadavg");

    /** The counters of this JVM now. */
    public static ProcessCounters read()
    {
        final long[] faults = faults();
        long count = -1;
        long ms = -1;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            if (gc.getCollectionCount() >= 0)
            {
                count = Math.max(0, count) + gc.getCollectionCount();
            }
            if (gc.getCollectionTime() >= 0)
            {
                ms = Math.max(0, ms) + gc.getCollectionTime();
            }
        }
        return new ProcessCounters(faults[0], faults[1], CpuMeter.ownCpuNs(), count, ms);
    }

    /** What these counters (a later reading) grew by since {@code before}; -1 where either reading is -1. */
    public ProcessCounters since(final ProcessCounters before)
    {
        return new ProcessCounters(minus(minorFaults, before.minorFaults), minus(majorFaults, before.majorFaults),
            minus(cpuNs, before.cpuNs), minus(gcCount, before.gcCount), minus(gcMs, before.gcMs));
    }

    private static long minus(final long after, final long before)
    {
        return after < 0 || before < 0 ? -1 : after - before;
    }

    /** The machine's load average over the last minute, from {@code /proc/loadavg}; NaN if it cannot be read. */
    public static double loadAverage()
    {
        try
        {
            return parseLoadAverage(Files.readString(LOADAVG, StandardCharsets.US_ASCII));
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            return Double.NaN;
        }
    }

    /** The first figure of a {@code /proc/loadavg} line: {@code 1.08 0.33 0.11 2/345 6789}. */
    static double parseLoadAverage(final String loadavg)
    {
        return Double.parseDouble(loadavg.trim().split("\\s+", 2)[0]);
    }

    private static long[] faults()
    {
        try
        {
            return parseFaults(Files.readString(SELF_STAT, StandardCharsets.US_ASCII));
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            return new long[] {-1, -1};
        }
    }

    /**
     * Minor and major faults from a {@code /proc/<pid>/stat} line: fields 10 and 12, counted after the command name
     * in parentheses (which may hold spaces and parentheses itself, hence from its last closing one).
     */
    static long[] parseFaults(final String stat)
    {
        final int end = stat.lastIndexOf(')');
        if (end < 0)
        {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        // after ")", field 3 (the state) comes first: field n is word n - 3
        final String[] words = stat.substring(end + 1).trim().split("\\s+");
        if (words.length < 10)
        {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        return new long[] {Long.parseLong(words[7]), Long.parseLong(words[9])};
    }
}
