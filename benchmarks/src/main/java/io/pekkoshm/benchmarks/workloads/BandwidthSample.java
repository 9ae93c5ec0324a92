package io.pekkoshm.benchmarks.workloads;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sample of a bandwidth run: a contiguous part of the messages of one size, timed from its first send until its
 * last acknowledgement, and what the sending JVM's counters grew by meanwhile. One object of a result's
 * {@code samples} array:
 * <pre>
 *   mib_per_s     MiB acknowledged per second
 *   messages      messages sent (and acknowledged)
 *   seconds       how long
 *   minor_faults  the sending JVM's minor page faults        (left out where they could not be read)
 *   major_faults  the sending JVM's major page faults
 *   cpu_ms        the sending JVM's CPU time, user + system  (10 ms ticks)
 *   gc_count      its garbage collections
 *   gc_ms         their accumulated time
 *   load_avg_1m   the machine's 1-minute load average at the sample's end
 * </pre>
 *
 * @param messages    messages sent and acknowledged.
 * @param seconds     from the first send to the last acknowledgement.
 * @param mibPerS     MiB per second.
 * @param used        what the sending JVM's counters grew by during the sample (-1 where unknown).
 * @param loadAverage the 1-minute load average at the end (NaN if unknown).
 */
public record BandwidthSample(long messages, double seconds, double mibPerS, ProcessCounters used, double loadAverage)
{
    /**
     * A sample of {@code messages} of {@code size} bytes that took {@code elapsedNs}.
     *
     * @param used        the counters' growth over the sample.
     * @param loadAverage the load average at its end.
     */
    public static BandwidthSample of(final long size, final long messages, final long elapsedNs,
        final ProcessCounters used, final double loadAverage)
    {
        final double seconds = elapsedNs / 1e9;
        return new BandwidthSample(messages, seconds, messages * (double)size / Sizes.MIB / seconds, used,
            loadAverage);
    }

    /** The JSON fields of this sample, in the order above; unknown counters are left out. */
    public Map<String, Object> toFields()
    {
        final Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("mib_per_s", mibPerS);
        fields.put("messages", messages);
        fields.put("seconds", seconds);
        putCount(fields, "minor_faults", used.minorFaults());
        putCount(fields, "major_faults", used.majorFaults());
        if (used.cpuNs() >= 0)
        {
            fields.put("cpu_ms", used.cpuNs() / 1e6);
        }
        putCount(fields, "gc_count", used.gcCount());
        putCount(fields, "gc_ms", used.gcMs());
        if (Double.isFinite(loadAverage))
        {
            fields.put("load_avg_1m", loadAverage);
        }
        return fields;
    }

    private static void putCount(final Map<String, Object> fields, final String key, final long count)
    {
        if (count >= 0)
        {
            fields.put(key, count);
        }
    }

    /** A sample read back from its JSON fields (as Jackson parses them); what is missing is -1 or NaN. */
    public static BandwidthSample fromFields(final Map<String, ?> fields)
    {
        final double cpuMs = number(fields, "cpu_ms");
        return new BandwidthSample(count(fields, "messages"), number(fields, "seconds"),
            number(fields, "mib_per_s"), new ProcessCounters(count(fields, "minor_faults"),
            count(fields, "major_faults"), Double.isNaN(cpuMs) ? -1 : Math.round(cpuMs * 1e6),
            count(fields, "gc_count"), count(fields, "gc_ms")), number(fields, "load_avg_1m"));
    }

    private static double number(final Map<String, ?> fields, final String key)
    {
        final Object value = fields.get(key);
        return value instanceof Number ? ((Number)value).doubleValue() : Double.NaN;
    }

    private static long count(final Map<String, ?> fields, final String key)
    {
        final Object value = fields.get(key);
        return value instanceof Number ? ((Number)value).longValue() : -1;
    }
}
