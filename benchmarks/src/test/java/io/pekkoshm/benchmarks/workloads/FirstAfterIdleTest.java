package io.pekkoshm.benchmarks.workloads;

import io.pekkoshm.benchmarks.report.Measurement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The first message after idle: its result line from the round trips it timed. */
class FirstAfterIdleTest
{
    private static final WorkloadPlan PLAN = new WorkloadPlan(false, 0, 0, 0, true, 0, 0, 0, List.of(), 0, 0, 0, 0,
        1_000, 0, 0, 3);

    @Test
    @Timeout(10)
    void shouldReportTheMedianAndMaxOfOneRoundTripPerIdleGap() throws InterruptedException
    {
        final long[] rtts = {300_000, 100_000, 200_000};
        final AtomicInteger calls = new AtomicInteger();

        final Measurement result = Measurement.fromJson(
            FirstAfterIdle.run(PLAN, () -> rtts[calls.getAndIncrement()]).toJson());

        assertEquals(3, calls.get());
        assertEquals(WorkloadPlan.firstAfterIdleId(), result.workload());
        assertEquals(200.0, result.number("median_us").getAsDouble());
        assertEquals(300.0, result.number("max_us").getAsDouble());
        assertEquals(100.0, result.number("min_us").getAsDouble());
        assertEquals(3, (int)result.number("round_trips").getAsDouble());
        assertEquals("300.0 100.0 200.0", result.text("each_us").orElseThrow());
    }

    @Test
    void shouldTakeTheMeanOfTheMiddleTwoForAnEvenCount()
    {
        final Measurement result = Measurement.fromJson(
            FirstAfterIdle.result(10_000, new long[] {40_000, 10_000, 20_000, 30_000}).toJson());

        assertEquals(25.0, result.number("median_us").getAsDouble());
        assertEquals(10.0, result.number("idle_gap_s").getAsDouble());
    }

    @Test
    @Timeout(10)
    void shouldReportAPongThatDidNotComeBackAsFailed() throws InterruptedException
    {
        final Measurement result = Measurement.fromJson(FirstAfterIdle.run(PLAN, () ->
        {
            throw new WorkloadFailedException("no pong");
        }).toJson());

        assertFalse(result.ok());
        assertEquals("no pong", result.reason());
    }
}
