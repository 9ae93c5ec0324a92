package io.pekkoshm.benchmarks.workloads;

import io.pekkoshm.benchmarks.report.Measurement;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** How the measured run of one bandwidth size is split into samples, and the result's fields from them. */
class BandwidthSamplesTest
{
    private static final long SIZE = Sizes.MIB;

    @Test
    void shouldShareTheTimeAndByteBoundsAmongTheSamplesAndAskEachForAtLeastOneMessage() throws InterruptedException
    {
        final List<long[]> asked = new ArrayList<>();

        final List<BandwidthSample> samples = BandwidthSamples.measure(plan(1_000, 12 * SIZE, 1), SIZE,
            (min, max, ms) ->
            {
                asked.add(new long[] {min, max, ms});
                return max;
            });

        assertEquals(BandwidthSamples.COUNT, samples.size());
        assertEquals(BandwidthSamples.COUNT, asked.size());
        long total = 0;
        for (int i = 0; i < asked.size(); i++)
        {
            assertEquals(1, asked.get(i)[0], "at least one message in sample " + i);
            assertEquals(200, asked.get(i)[2], "a fifth of the time bound in sample " + i);
            assertEquals(asked.get(i)[1], samples.get(i).messages());
            total += asked.get(i)[1];
        }
        assertEquals(12, total, "the samples together send what the one measurement was bounded by");
        assertEquals(12, BandwidthSamples.messages(samples));
    }

    @Test
    void shouldAskEverySampleForOneMessageWhenTheBytesAllowFewerThanOnePerSample() throws InterruptedException
    {
        final List<Long> maxima = new ArrayList<>();

        BandwidthSamples.measure(plan(1_000, 2 * SIZE, 12), SIZE, (min, max, ms) ->
        {
            assertEquals(3, min, "12 messages at least, over 5 samples, rounded up");
            maxima.add(max);
            return min;
        });

        assertEquals(List.of(1L, 1L, 1L, 1L, 1L), maxima);
    }

    @Test
    void shouldShareATotalExactlyAmongTheSamples()
    {
        long sum = 0;
        for (int i = 0; i < BandwidthSamples.COUNT; i++)
        {
            sum += BandwidthSamples.share(8, i);
        }
        assertEquals(8, sum);
    }

    @Test
    void shouldReportTheMedianSampleAsTheFigureAndEverySampleWithItsCounters()
    {
        final List<BandwidthSample> samples = List.of(sample(100, 10), sample(300, 30), sample(200, 20),
            sample(500, 50), sample(400, 40));

        final Measurement m = Measurement.fromJson(BandwidthSamples.put(
            new ResultLine(WorkloadPlan.bandwidthId(SIZE)), SIZE, samples).toJson());

        assertEquals(300.0, m.number("mib_per_s").getAsDouble());
        assertEquals(300.0, m.number("msgs_per_s").getAsDouble(), "1 MiB messages: as many per second as MiB/s");
        assertEquals(300.0, m.number("sample_mib_per_s_median").getAsDouble());
        assertEquals(100.0, m.number("sample_mib_per_s_min").getAsDouble());
        assertEquals(500.0, m.number("sample_mib_per_s_max").getAsDouble());
        assertEquals(5, (int)m.number("sample_count").getAsDouble());
        assertEquals(1500, (int)m.number("messages").getAsDouble());
        assertEquals(5.0, m.number("seconds").getAsDouble());
        final List<Map<String, Object>> written = m.objects("samples");
        assertEquals(5, written.size());
        assertEquals(List.of("mib_per_s", "messages", "seconds", "minor_faults", "major_faults", "cpu_ms", "gc_count",
            "gc_ms", "load_avg_1m"), List.copyOf(written.get(0).keySet()));
        assertEquals(samples, written.stream().map(BandwidthSample::fromFields).toList());
    }

    @Test
    void shouldLeaveOutCountersThatCouldNotBeRead()
    {
        final BandwidthSample unknown = new BandwidthSample(3, 1.5, 2.0, new ProcessCounters(-1, -1, -1, -1, -1),
            Double.NaN);

        final Map<String, Object> fields = unknown.toFields();

        assertEquals(List.of("mib_per_s", "messages", "seconds"), List.copyOf(fields.keySet()));
        assertEquals(unknown, BandwidthSample.fromFields(fields));
        assertFalse(new ResultLine("x").put("samples", List.of(fields)).toJson().contains("null"));
    }

    /** A one-second sample of {@code mibPerS} 1 MiB messages, with counters that tell it apart. */
    private static BandwidthSample sample(final int mibPerS, final long faults)
    {
        return BandwidthSample.of(SIZE, mibPerS, 1_000_000_000L, new ProcessCounters(faults, faults / 10,
            7_000_000, faults / 10, faults), 1.25);
    }

    private static WorkloadPlan plan(final long measureMs, final long maxBytes, final long minMessages)
    {
        return new WorkloadPlan(false, 0, 0, 0, false, 0, 0, 0, List.of(SIZE), 0, measureMs, maxBytes, minMessages,
            1_000, 0, 0, 0);
    }
}
