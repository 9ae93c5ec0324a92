package io.pekkoshm.benchmarks.report;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.BandwidthSample;
import io.pekkoshm.benchmarks.workloads.BandwidthSamples;
import io.pekkoshm.benchmarks.workloads.ProcessCounters;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bandwidth samples through results.jsonl and the spread section of results.md, from results made up for it. */
class MarkdownReportSpreadTest
{
    private static final long SIZE = 16 * Sizes.MIB;
    private static final String ID = WorkloadPlan.bandwidthId(SIZE);

    @Test
    void shouldReadTheSpreadFieldsAndEverySampleBackThroughTheResultSet()
    {
        final List<BandwidthSample> samples = List.of(sample(2000, 100, 0, 0.5), sample(1000, 90_000, 3, 2.75),
            sample(3000, 120, 0, 0.5), sample(2500, 110, 1, 0.75), sample(1500, 130, 0, 0.5));
        final ResultSet results = new ResultSet(List.of(line(Transport.SHM_DIRECT, samples)),
            List.of(Transport.SHM_DIRECT));

        final Measurement m = results.find(Transport.SHM_DIRECT, ID).orElseThrow();
        assertEquals(2000.0, results.value(Transport.SHM_DIRECT, bandwidthMetric()).getAsDouble(),
            "the figure every table reads is the median sample's");
        assertEquals(2000.0, m.number("sample_mib_per_s_median").getAsDouble());
        assertEquals(1000.0, m.number("sample_mib_per_s_min").getAsDouble());
        assertEquals(3000.0, m.number("sample_mib_per_s_max").getAsDouble());
        assertEquals(5.0, m.number("sample_count").getAsDouble());
        assertEquals(samples, results.samples(Transport.SHM_DIRECT, ID));
        assertEquals(new ProcessCounters(90_000, 9_000, 400_000_000, 3, 30),
            results.samples(Transport.SHM_DIRECT, ID).get(1).used());
    }

    @Test
    void shouldTabulateTheSpreadAndPutTheSlowestSampleNextToTheMedianOne()
    {
        final List<Measurement> measurements = List.of(
            line(Transport.SHM_DIRECT, List.of(sample(2000, 100, 0, 0.5), sample(1000, 90_000, 3, 2.75),
                sample(3000, 120, 0, 0.5), sample(2500, 110, 1, 0.75), sample(1500, 130, 0, 0.5))),
            line(Transport.ARTERY_TCP, List.of(sample(400, 10, 0, 1), sample(500, 20, 0, 1), sample(300, 30, 2, 1.5),
                sample(450, 40, 0, 1), sample(420, 50, 0, 1))));

        final String md = render(measurements, List.of(Transport.SHM_DIRECT, Transport.ARTERY_TCP));

        assertTrue(md.contains("## Bandwidth: spread across samples"), md);
        assertTrue(md.contains("| message size | transport | median, MiB/s | min, MiB/s | max, MiB/s | max / min | " +
            "samples |"), md);
        assertTrue(md.contains("| 16 MiB | pekko-shm-remote | 2,000 | 1,000 | 3,000 | 3.00× | 5 |"), md);
        assertTrue(md.contains("| 16 MiB | Artery TCP | 420 | 300 | 500 | 1.67× | 5 |"), md);
        assertTrue(md.contains("- 16 MiB, pekko-shm-remote: slowest sample 2 of 5, 1,000 MiB/s (1,000 messages in " +
            "16.000 s) against the median sample 1, 2,000 MiB/s: minor page faults 90,000 against 100, major 9,000 " +
            "against 10, GCs 3 (30 ms) against 0 (0 ms), CPU 400 against 400 ms, load 2.75 against 0.50"), md);
        assertTrue(md.contains("- 16 MiB, Artery TCP: slowest sample 3 of 5, 300 MiB/s"), md);
        assertTrue(md.indexOf("## Figures") < md.indexOf("## Bandwidth: spread across samples"), md);
    }

    @Test
    void shouldRenderAnOldResultWithoutSamplesWithNoSpreadSection()
    {
        final Measurement old = Measurement.fromJson("{\"workload\":\"" + ID + "\",\"status\":\"ok\"," +
            "\"message_bytes\":16777216,\"window\":1,\"messages\":40,\"seconds\":2.1,\"msgs_per_s\":19.0," +
            "\"mib_per_s\":304.8,\"cpu_us_per_msg\":9000.0}").withContext(Map.of("transport", "artery-tcp"));
        final ResultSet results = new ResultSet(List.of(old), List.of(Transport.ARTERY_TCP));

        final String md = render(List.of(old), List.of(Transport.ARTERY_TCP));

        assertTrue(results.samples(Transport.ARTERY_TCP, ID).isEmpty());
        assertTrue(md.contains("| 16 MiB one-way bandwidth, MiB/s | 305 |"), md);
        assertFalse(md.contains("spread across samples"), md);
    }

    @Test
    void shouldLeaveAFailedSizeOutOfTheSpread()
    {
        final Measurement failed = Measurement.fromJson(ResultLine.failed(ID, "no acknowledgement").toJson())
            .withContext(Map.of("transport", "shm-direct"));

        final String md = render(List.of(failed), List.of(Transport.SHM_DIRECT));

        assertFalse(md.contains("spread across samples"), md);
    }

    private static Metric bandwidthMetric()
    {
        return new Metric("", ID, "mib_per_s", true, false);
    }

    /**
     * A sample of 16 MiB messages at {@code mibPerS} over 16 s, with 400 ms of CPU, {@code faults} minor page faults
     * (a tenth as many major ones), {@code gcs} collections of 10 ms each, and the load average at its end.
     */
    private static BandwidthSample sample(final int mibPerS, final long faults, final long gcs, final double load)
    {
        return BandwidthSample.of(SIZE, mibPerS, 16_000_000_000L, new ProcessCounters(faults, faults / 10,
            400_000_000, gcs, 10 * gcs), load);
    }

    private static Measurement line(final Transport transport, final List<BandwidthSample> samples)
    {
        final ResultLine result = new ResultLine(ID).put("message_bytes", SIZE).put("window", 1);
        return Measurement.fromJson(BandwidthSamples.put(result, SIZE, samples).toJson())
            .withContext(Map.of("transport", transport.id()));
    }

    private static String render(final List<Measurement> measurements, final List<Transport> transports)
    {
        return new MarkdownReport(new ResultSet(measurements, transports), MachineInfo.collect(ZonedDateTime.now()),
            "test", 1, List.of(), List.of()).render();
    }
}
