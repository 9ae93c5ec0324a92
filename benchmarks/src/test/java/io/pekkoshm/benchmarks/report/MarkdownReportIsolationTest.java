package io.pekkoshm.benchmarks.report;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The isolation section of results.md, from measurements made up for it. */
class MarkdownReportIsolationTest
{
    private static final long SIZE = 256 * Sizes.MIB;

    @Test
    void shouldShowEachConditionsPercentilesAndTheP99RatioToAloneBesideArteryTcp()
    {
        final List<Measurement> measurements = new ArrayList<>();
        measurements.add(pingPong(Transport.SHM_DIRECT, WorkloadPlan.ALONE, 100));
        measurements.add(pingPong(Transport.SHM_DIRECT, WorkloadPlan.SAME_ASSOCIATION, 150));
        measurements.add(pingPong(Transport.SHM_DIRECT, WorkloadPlan.OTHER_ASSOCIATION, 300));
        measurements.add(pingPong(Transport.ARTERY_TCP, WorkloadPlan.ALONE, 400));
        measurements.add(pingPong(Transport.ARTERY_TCP, WorkloadPlan.SAME_ASSOCIATION, 400));
        measurements.add(line(Transport.ARTERY_TCP, new ResultLine(
            WorkloadPlan.isolationId(WorkloadPlan.OTHER_ASSOCIATION, SIZE)).put("stream_message_bytes", SIZE)
            .status(ResultLine.FAILED, "the other node's stream failed: test")));

        final String md = render(measurements, List.of(Transport.SHM_DIRECT, Transport.ARTERY_TCP));

        assertTrue(md.contains("### 256 MiB messages"), md);
        assertTrue(md.contains("| ping-pong RTT p99, µs, alone | 100 | 400 |"), md);
        assertTrue(md.contains("| ping-pong RTT p99.9, µs, while 256 MiB messages stream on the same association " +
            "| 150 | 400 |"), md);
        assertTrue(md.contains("| **ping-pong RTT p99 while 256 MiB messages stream on the same association, " +
            "ratio to alone (target ≤ 2×)** | **1.50×** | **1.00×** |"), md);
        assertTrue(md.contains("| **ping-pong RTT p99 while 256 MiB messages stream on another association of the " +
            "same node, ratio to alone (target ≤ 2×)** | **3.00×** | failed [1] |"), md);
        assertTrue(md.contains("| 256 MiB stream on the same association (during the ping-pong), MiB/s | 1,234 | " +
            "1,234 |"), md);
        assertTrue(md.contains("the other node's stream failed: test"), md);
    }

    @Test
    void shouldLeaveTheSectionOutWhenNoColumnOfTheRunRunsIt()
    {
        final List<Measurement> measurements = List.of(line(Transport.MEMCPY, new ResultLine(
            WorkloadPlan.isolationId(WorkloadPlan.ALONE, SIZE)).put("stream_message_bytes", SIZE)
            .status(ResultLine.NOT_SUPPORTED, "bandwidth only")));

        assertFalse(render(measurements, List.of(Transport.MEMCPY)).contains("## Isolation"));
    }

    private static Measurement pingPong(final Transport transport, final String condition, final double p)
    {
        return line(transport, new ResultLine(WorkloadPlan.isolationId(condition, SIZE))
            .put("p50_us", p / 2).put("p90_us", p / 2).put("p99_us", p).put("p999_us", p).put("max_us", 2 * p)
            .put("stream_message_bytes", SIZE).put("stream_mib_per_s", 1234.0));
    }

    private static Measurement line(final Transport transport, final ResultLine result)
    {
        return Measurement.fromJson(result.toJson()).withContext(Map.of("transport", transport.id()));
    }

    private static String render(final List<Measurement> measurements, final List<Transport> transports)
    {
        return new MarkdownReport(new ResultSet(measurements, transports), MachineInfo.collect(ZonedDateTime.now()),
            "test", 1, List.of(), List.of()).render();
    }
}
