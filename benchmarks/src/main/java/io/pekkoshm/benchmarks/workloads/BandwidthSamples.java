package io.pekkoshm.benchmarks.workloads;

import java.util.ArrayList;
import java.util.List;

/**
 * The measured run of one bandwidth size as {@link #COUNT} samples, one after the other: each a contiguous sub-run
 * under an equal share of the plan's time bound ({@code bwMeasureMs}) and of its bound on bytes ({@code bwMaxBytes},
 * as evenly as whole messages allow), with at least its share of {@code bwMinMessages} and at least one message, that
 * ends when all its messages are acknowledged. So the run does about the work one measurement did before (a sample
 * of one message each where a message takes longer than a share of the time). The sending JVM's counters
 * ({@link ProcessCounters}) are read between samples, outside their timing.
 * <p>
 * The result keeps {@code mib_per_s} (and {@code msgs_per_s}) as the median sample's, so every table and ratio reads
 * the median; {@code messages} and {@code seconds} are the samples' totals; {@code sample_count},
 * {@code sample_mib_per_s_median}, {@code _min}, {@code _max} and {@code samples} ({@link BandwidthSample}) show the
 * spread.
 */
public final class BandwidthSamples
{
    /** Samples per size. */
    public static final int COUNT = 5;

    /** One sample's messages, all acknowledged (or done) when it returns. */
    @FunctionalInterface
    public interface SubRun
    {
        /**
         * Sends at least {@code minMessages} and, within {@code maxMs}, up to {@code maxMessages}.
         *
         * @return how many it sent.
         */
        long run(long minMessages, long maxMessages, long maxMs) throws InterruptedException;
    }

    private BandwidthSamples()
    {
    }

    /** The samples of one size, in the order taken. */
    public static List<BandwidthSample> measure(final WorkloadPlan plan, final long size, final SubRun subRun)
        throws InterruptedException
    {
        final long maxMessages = Math.max(1, plan.bwMaxBytes() / size);
        final long minMessages = Math.max(1, (plan.bwMinMessages() + COUNT - 1) / COUNT);
        final long maxMs = Math.max(1, plan.bwMeasureMs() / COUNT);
        final List<BandwidthSample> samples = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++)
        {
            final ProcessCounters before = ProcessCounters.read();
            final long start = System.nanoTime();
            final long messages = subRun.run(minMessages, Math.max(1, share(maxMessages, i)), maxMs);
            final long elapsedNs = System.nanoTime() - start;
            final ProcessCounters used = ProcessCounters.read().since(before);
            samples.add(BandwidthSample.of(size, messages, elapsedNs, used, ProcessCounters.loadAverage()));
        }
        return samples;
    }

    /** Sample {@code index}'s share of {@code total}: the shares of all samples add up to it. */
    static long share(final long total, final int index)
    {
        return total * (index + 1) / COUNT - total * index / COUNT;
    }

    /** The messages of all samples. */
    public static long messages(final List<BandwidthSample> samples)
    {
        return samples.stream().mapToLong(BandwidthSample::messages).sum();
    }

    /** The sending JVM's CPU time over all samples, in nanoseconds; -1 if unknown. */
    public static long cpuNs(final List<BandwidthSample> samples)
    {
        long total = 0;
        for (final BandwidthSample sample : samples)
        {
            if (sample.used().cpuNs() < 0)
            {
                return -1;
            }
            total += sample.used().cpuNs();
        }
        return total;
    }

    /** Puts the run's figures from its samples (see above) into {@code result}; returns it. */
    public static ResultLine put(final ResultLine result, final long size, final List<BandwidthSample> samples)
    {
        final double[] rates = samples.stream().mapToDouble(BandwidthSample::mibPerS).toArray();
        final double median = SampleStats.median(rates);
        result.put("messages", messages(samples))
            .put("seconds", samples.stream().mapToDouble(BandwidthSample::seconds).sum())
            .put("msgs_per_s", median * Sizes.MIB / size)
            .put("mib_per_s", median)
            .put("sample_count", samples.size())
            .put("sample_mib_per_s_median", median)
            .put("sample_mib_per_s_min", SampleStats.min(rates))
            .put("sample_mib_per_s_max", SampleStats.max(rates));
        return result.put("samples", samples.stream().map(BandwidthSample::toFields).toList());
    }
}
