package io.pekkoshm.benchmarks.report;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The idle, first-message and mesh rows of results.md, from measurements made up for them. */
class MarkdownReportMeshTest
{
    @Test
    void shouldShowIdleCpuWithTheDriversShareAndTheFirstMessageWithTheRunsGapInItsLabel()
    {
        final List<Measurement> measurements = new ArrayList<>();
        measurements.add(line(Transport.SHM_DIRECT, new ResultLine("idle").put("cpu_pct_core_per_node", 0.3)
            .put("cpu_pct_core_media_driver", 0.4).put("cpu_pct_core_per_node_with_driver_share", 0.5)));
        measurements.add(line(Transport.ARTERY_TCP, new ResultLine("idle").put("cpu_pct_core_per_node", 0.8)
            .put("cpu_pct_core_per_node_with_driver_share", 0.8)));
        measurements.add(line(Transport.SHM_DIRECT, new ResultLine(WorkloadPlan.firstAfterIdleId())
            .put("idle_gap_s", 3.0).put("median_us", 150.0).put("max_us", 900.0)));
        measurements.add(line(Transport.ARTERY_TCP, new ResultLine(WorkloadPlan.firstAfterIdleId())
            .put("idle_gap_s", 3.0).put("median_us", 300.0).put("max_us", 600.0)));

        final String md = render(measurements, List.of(Transport.SHM_DIRECT, Transport.ARTERY_TCP));

        assertTrue(md.contains("| idle CPU per node including its share of the media driver (driver / 2), % of a " +
            "core | lower | 0.63× |"), md);
        assertTrue(md.contains("| first 64 B round trip after 3 s idle, median, µs | lower | 0.50× |"), md);
        assertTrue(md.contains("| first 64 B round trip after 3 s idle, max, µs | 900 | 600 |"), md);
        assertTrue(md.contains("| idle CPU of the media driver process, % of a core | 0.40 | – |"), md);
        assertFalse(md.contains("## Mesh"), md);
    }

    @Test
    void shouldShowEachMeshWithItsSharedMemoryAndTheWholeMeshIdleCpuRatioToArteryTcp()
    {
        final List<Measurement> measurements = new ArrayList<>();
        measurements.add(line(Transport.SHM_DIRECT, new ResultLine("mesh-4-idle").put("nodes", 4)
            .put("shm_mib", 36.0).put("rss_mib_median", 180.0).put("cpu_pct_core_mesh", 2.0)
            .put("cpu_pct_core_mesh_settled", 3.0)));
        measurements.add(line(Transport.ARTERY_TCP, new ResultLine("mesh-4-idle").put("nodes", 4)
            .put("rss_mib_median", 200.0).put("cpu_pct_core_mesh", 4.0).put("cpu_pct_core_mesh_settled", 2.0)));
        measurements.add(line(Transport.SHM_DIRECT, new ResultLine("mesh-4-pingpong-64B-others-busy")
            .put("nodes", 4).put("p99_us", 250.0).put("background_msgs_per_s", 4000)));
        measurements.add(line(Transport.ARTERY_TCP, new ResultLine("mesh-4-pingpong-64B-others-busy")
            .put("nodes", 4).status(ResultLine.FAILED, "node 2's stream: test")));
        measurements.add(line(Transport.CLASSIC_NETTY_TCP, new ResultLine("mesh-4-idle").put("nodes", 4)
            .status(ResultLine.NOT_SUPPORTED, "not in the mesh")));

        final String md = render(measurements, List.of(Transport.SHM_DIRECT, Transport.ARTERY_TCP,
            Transport.CLASSIC_NETTY_TCP));

        assertTrue(md.contains("### 4 nodes"), md);
        assertTrue(md.contains("| workload | pekko-shm-remote | Artery TCP |\n"), md);
        assertTrue(md.contains("| /dev/shm allocated by the plugin's directory (du), MiB | 36.0 | – |"), md);
        assertTrue(md.contains("| resident memory per node (VmRSS), median, MiB | 180 | 200 |"), md);
        assertTrue(md.contains("| **idle CPU of the whole mesh (4 nodes + media driver), ratio to Artery TCP " +
            "(target ≤ 1×)** | **0.50×** | **1.00×** |"), md);
        assertTrue(md.contains("| **idle CPU of the whole mesh at rest (4 nodes + media driver, every node 120 s old " +
            "or more), ratio to Artery TCP (target ≤ 1×)** | **1.50×** | **1.00×** |"), md);
        assertTrue(md.contains("| ping-pong RTT p99 of one pair, µs, the others busy | 250 | failed [1] |"), md);
        assertTrue(md.contains("| background streams during the busy pair, msgs/s acknowledged in total | 4,000 |"),
            md);
        assertTrue(md.contains("node 2's stream: test"), md);
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
