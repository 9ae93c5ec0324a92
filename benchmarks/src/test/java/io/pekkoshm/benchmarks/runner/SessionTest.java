package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The isolation sessions a transport gets in each mode, and what is reported for those it does not run. */
class SessionTest
{
    @Test
    void shouldGiveEachIsolationSizeOfTheModeASessionWithAStreamer()
    {
        final List<ResultLine> notRun = new ArrayList<>();
        final List<Session> sessions = Session.plan(Transport.SHM_DIRECT, BenchMode.quick(), notRun);

        final List<Session> isolation = sessions.stream().filter(Session::streamer).toList();
        assertEquals(1, isolation.size(), sessions.toString());
        final Session session = isolation.get(0);
        assertEquals(256 * Sizes.MIB, session.plan().isolationSize());
        assertEquals(256 * Sizes.MIB, session.largestPayload());
        assertEquals(List.of(WorkloadPlan.isolationId(WorkloadPlan.ALONE, 256 * Sizes.MIB),
            WorkloadPlan.isolationId(WorkloadPlan.SAME_ASSOCIATION, 256 * Sizes.MIB),
            WorkloadPlan.isolationId(WorkloadPlan.OTHER_ASSOCIATION, 256 * Sizes.MIB)), session.plan().workloadIds());
        assertFalse(session.measureIdle());
        assertEquals(3, count(notRun, "isolation-", "\"status\":\"skipped\""), "1 GiB is skipped in quick mode");
    }

    @Test
    void shouldRunBothIssueSizesInFullModeForArteryTcp()
    {
        final List<ResultLine> notRun = new ArrayList<>();
        final List<Long> sizes = Session.plan(Transport.ARTERY_TCP, BenchMode.full(), notRun).stream()
            .filter(Session::streamer).map(s -> s.plan().isolationSize()).toList();

        assertEquals(Sizes.ISOLATION_SIZES, sizes);
        assertEquals(0, count(notRun, "isolation-", ""));
    }

    @Test
    void shouldReportEveryIsolationConditionOfEverySizeAsNotSupportedWhereItDoesNotRun()
    {
        for (final Transport transport : List.of(Transport.SHM_ZERO_COPY, Transport.ARTERY_AERON_UDP,
            Transport.CLASSIC_NETTY_TCP, Transport.RAW_AERON_IPC, Transport.MEMCPY))
        {
            final List<ResultLine> notRun = new ArrayList<>();
            final List<Session> sessions = Session.plan(transport, BenchMode.tiny(), notRun);

            assertTrue(sessions.stream().noneMatch(Session::streamer), transport.toString());
            assertEquals(3 * BenchMode.tiny().allIsolationSizes().size(),
                count(notRun, "isolation-", "\"status\":\"not-supported\""), transport.toString());
        }
    }

    @Test
    void shouldRunTheCrossHostColumnOnEveryWorkloadAndSizeOfTheShmDirectColumn()
    {
        for (final BenchMode mode : List.of(BenchMode.tiny(), BenchMode.quick(), BenchMode.full()))
        {
            final List<ResultLine> crossNotRun = new ArrayList<>();
            final List<ResultLine> directNotRun = new ArrayList<>();
            final List<Session> cross = Session.plan(Transport.SHM_CROSS_HOST, mode, crossNotRun);
            final List<Session> direct = Session.plan(Transport.SHM_DIRECT, mode, directNotRun);

            assertEquals(direct, cross, mode.name());
            assertEquals(directNotRun.stream().map(ResultLine::toJson).toList(),
                crossNotRun.stream().map(ResultLine::toJson).toList(), mode.name());
            assertTrue(cross.get(0).measureIdle() && cross.get(0).plan().throughput() &&
                cross.get(0).plan().pingPong(), mode.name());

            // its variant with the drivers' short park: the same but the isolation sessions
            final List<ResultLine> shortParkNotRun = new ArrayList<>();
            assertEquals(cross.stream().filter(s -> !s.streamer()).toList(),
                Session.plan(Transport.SHM_CROSS_HOST_SHORT_PARK, mode, shortParkNotRun), mode.name());
            assertEquals(3 * mode.allIsolationSizes().size(),
                count(shortParkNotRun, "isolation-", "\"status\":\"not-supported\""), mode.name());
        }
    }

    private static long count(final List<ResultLine> lines, final String workloadPrefix, final String contains)
    {
        return lines.stream().map(ResultLine::toJson)
            .filter(json -> json.contains("\"workload\":\"" + workloadPrefix) && json.contains(contains)).count();
    }
}
