package io.pekkoshm.benchmarks.workloads;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The first message after idle (issue 16): the nodes stay idle for the plan's gap, then one 64 B round trip is
 * timed; this is repeated {@code firstRepeats} times, each after a gap of its own, and reported as median and max.
 * What a request costs when it comes after a quiet spell: the pollers have backed off to their longest park and
 * the actors' threads sleep. Runs on the driver node's workload thread; the gap is the workload itself (the thread
 * does nothing meanwhile), not a synchronisation.
 */
public final class FirstAfterIdle
{
    /** One timed round trip of a transport. */
    @FunctionalInterface
    public interface RoundTrip
    {
        /**
         * Sends one 64 B ping and waits for its pong.
         *
         * @return the round trip in nanoseconds.
         * @throws WorkloadFailedException if the pong did not come back within the bound.
         */
        long once() throws InterruptedException;
    }

    private FirstAfterIdle()
    {
    }

    /** Runs the workload: {@code plan.firstRepeats()} (at least one) times an idle gap, then one timed round trip. */
    public static ResultLine run(final WorkloadPlan plan, final RoundTrip roundTrip) throws InterruptedException
    {
        if (plan.firstRepeats() < 1)
        {
            throw new IllegalArgumentException("firstRepeats must be at least 1, not " + plan.firstRepeats());
        }
        final long[] rttNs = new long[Math.toIntExact(plan.firstRepeats())];
        try
        {
            for (int i = 0; i < rttNs.length; i++)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(plan.firstGapMs()));
                rttNs[i] = roundTrip.once();
            }
        }
        catch (final WorkloadFailedException ex)
        {
            return ResultLine.failed(WorkloadPlan.firstAfterIdleId(), ex.getMessage());
        }
        return result(plan.firstGapMs(), rttNs);
    }

    /** The result line of round trips {@code rttNs} (each after {@code gapMs} of idle): median, min and max. */
    static ResultLine result(final long gapMs, final long[] rttNs)
    {
        final long[] sorted = rttNs.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        final double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        final StringBuilder each = new StringBuilder();
        for (final long rtt : rttNs)
        {
            each.append(each.length() > 0 ? " " : "").append(Math.round(rtt / 1e2) / 10.0);
        }
        return new ResultLine(WorkloadPlan.firstAfterIdleId())
            .put("message_bytes", Wire.SMALL_MESSAGE_SIZE)
            .put("idle_gap_s", gapMs / 1e3)
            .put("round_trips", n)
            .put("median_us", median / 1e3)
            .put("min_us", sorted[0] / 1e3)
            .put("max_us", sorted[n - 1] / 1e3)
            .put("each_us", each.toString());
    }
}
