package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.report.Measurement;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which mesh sessions and kinds of sessions a run has, and the idle line of a mesh. */
class MeshSettingsTest
{
    @Test
    void shouldRunEveryMeshOfTheIssueInFullModeAndNoneInQuickModeUnlessAsked()
    {
        assertEquals(List.of(2, 4, 8, 16), BenchSettings.meshSizes("", BenchMode.full()));
        assertEquals(List.of(), BenchSettings.meshSizes("", BenchMode.quick()));
        assertEquals(List.of(2, 4, 8), BenchSettings.meshSizes("8, 2,4,2", BenchMode.quick()));
        assertEquals(List.of(), BenchSettings.meshSizes("none", BenchMode.full()));
    }

    @Test
    void shouldRejectAMeshOfOneNodeOrAWord()
    {
        assertThrows(IllegalArgumentException.class, () -> BenchSettings.meshSizes("1,2", BenchMode.full()));
        assertThrows(IllegalArgumentException.class, () -> BenchSettings.meshSizes("many", BenchMode.full()));
    }

    @Test
    void shouldChooseSessionKindsAndRejectUnknownOnes()
    {
        assertEquals(Set.of("main", "mesh"), BenchSettings.sessions("main, mesh"));
        assertEquals(Set.copyOf(BenchSettings.SESSION_KINDS), BenchSettings.sessions("all"));
        assertThrows(IllegalArgumentException.class, () -> BenchSettings.sessions("main,meshes"));
    }

    @Test
    void shouldTellTheKindOfEachPlannedSession()
    {
        final List<String> kinds = Session.plan(Transport.SHM_DIRECT, BenchMode.quick(), new java.util.ArrayList<>())
            .stream().map(Session::kind).toList();

        assertEquals(List.of("main", "bandwidth", "isolation"), kinds);
    }

    @Test
    void shouldRunTheFirstMessageAfterIdleInTheMainSessionOnly()
    {
        final List<Session> sessions = Session.plan(Transport.ARTERY_TCP, BenchMode.quick(),
            new java.util.ArrayList<>());

        assertTrue(sessions.get(0).plan().workloadIds().contains(WorkloadPlan.firstAfterIdleId()));
        assertEquals(3_000, sessions.get(0).plan().firstGapMs());
        assertTrue(sessions.stream().skip(1).noneMatch(s ->
            s.plan().workloadIds().contains(WorkloadPlan.firstAfterIdleId())));
    }

    @Test
    void shouldRunMeshesOnThePluginsDefaultColumnAndArteryTcpOnly()
    {
        assertTrue(MeshRunner.notRun(Transport.SHM_DIRECT).isEmpty());
        assertTrue(MeshRunner.notRun(Transport.ARTERY_TCP).isEmpty());
        assertFalse(MeshRunner.notRun(Transport.CLASSIC_NETTY_TCP).isEmpty());
        assertEquals(List.of("mesh-4-idle", "mesh-4-throughput-64B-others-idle", "mesh-4-pingpong-64B-others-idle",
            "mesh-4-throughput-64B-others-busy", "mesh-4-pingpong-64B-others-busy"), MeshRunner.workloadIds(4));
    }

    @Test
    void shouldCountTheMediaDriverInTheWholeMeshAndShareItOverTheNodes()
    {
        final long second = 1_000_000_000L;
        // 4 nodes used 10, 10, 20, 0 ms; the driver 40 ms, over one second
        final Measurement idle = Measurement.fromJson(MeshRunner.idleResult(4, new long[] {0, 0, 0, 0, 0},
            new long[] {10_000_000, 10_000_000, 20_000_000, 0, 40_000_000}, second,
            new long[] {200 * 1024, 100 * 1024, 300 * 1024, 400 * 1024}, 3 * 1024).toJson());

        assertEquals(4.0, idle.number("cpu_pct_core_nodes").getAsDouble());
        assertEquals(4.0, idle.number("cpu_pct_core_media_driver").getAsDouble());
        assertEquals(8.0, idle.number("cpu_pct_core_mesh").getAsDouble());
        assertEquals(1.0, idle.number("cpu_pct_core_per_node").getAsDouble());
        assertEquals(2.0, idle.number("cpu_pct_core_per_node_with_driver_share").getAsDouble());
        assertEquals(250.0, idle.number("rss_mib_median").getAsDouble());
        assertEquals(400.0, idle.number("rss_mib_max").getAsDouble());
        assertEquals(3.0, idle.number("shm_mib").getAsDouble());
    }

    @Test
    void shouldReadTheSettledWindowOfTheWholeMeshWithTheDriverSharedOverTheNodes()
    {
        // 2 nodes used 5 and 15 ms, the driver 10 ms, over one second of the settled window
        final ResultLine first = MeshRunner.idleResult(2, new long[] {0, 0, 0}, new long[] {1, 1, 1},
            1_000_000_000L, new long[] {1024, 1024}, -1);
        final Measurement idle = Measurement.fromJson(MeshRunner.settled(first, 2, new long[] {100, 100, 100},
            new long[] {5_000_100, 15_000_100, 10_000_100}, 1_000_000_000L, 121_400_000_000L).toJson());

        assertEquals(3.0, idle.number("cpu_pct_core_mesh_settled").getAsDouble(), 1e-9);
        assertEquals(1.5, idle.number("cpu_pct_core_per_node_with_driver_share_settled").getAsDouble(), 1e-9);
        assertEquals(121.0, idle.number("settled_age_s").getAsDouble());
    }

    @Test
    void shouldReadTheMeshAtRestOnlyOnceTheYoungestNodeIsOldEnough()
    {
        final long started = 1_000_000_000L;
        final long age = WorkloadPlan.MESH_AT_REST_AGE.toNanos();
        // a mesh that associated quickly waits for its nodes to age
        assertEquals(started + age, MeshRunner.atRestStartNs(started + 15_000_000_000L, started));
        // one whose start-up took longer than the age waits only the settling time after its first window
        final long lateFirstEnd = started + age + 5_000_000_000L;
        assertEquals(lateFirstEnd + MeshRunner.SETTLED_AFTER.toNanos(),
            MeshRunner.atRestStartNs(lateFirstEnd, started));
    }

    @Test
    void shouldHaveNoSharedMemoryFigureForATransportWithoutIt()
    {
        final Measurement idle = Measurement.fromJson(MeshRunner.idleResult(2, new long[] {0, 0},
            new long[] {1, 1}, 1_000_000_000L, new long[] {1024, 1024}, -1).toJson());

        assertTrue(idle.number("shm_mib").isEmpty());
        assertTrue(idle.number("cpu_pct_core_media_driver").isEmpty());
    }
}
