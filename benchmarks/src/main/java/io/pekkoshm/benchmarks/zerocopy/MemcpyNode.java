package io.pekkoshm.benchmarks.zerocopy;

import io.pekkoshm.benchmarks.workloads.BandwidthSample;
import io.pekkoshm.benchmarks.workloads.BandwidthSamples;
import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.NodeArgs;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.RunnerCommands;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code memcpy} column (a child JVM of its own): this machine's copy bandwidth, a warm copy between two direct
 * buffers of each bandwidth size with the copy every blob path uses ({@link UnsafeBuffer#putBytes}, i.e.
 * {@code Unsafe.copyMemory}). Both buffers are touched before timing starts; then copies for the warm-up bound (at
 * least one), then copies for the measured bound (at least {@code bwMinMessages}, at most {@code bwMaxBytes}), taken
 * as samples like the bandwidth workload's ({@link BandwidthSamples}). One {@code BENCH-RESULT} per size, as the other
 * columns' bandwidth rows: MiB copied per second (the median sample's), and the process's CPU time per copy (which,
 * unlike the rate, hardly depends on what else the machine runs); then
 * {@code BENCH-IDLE-READY}, and it exits when the runner says {@code shutdown}.
 * <pre>
 *   MemcpyNode &lt;plan...&gt;
 * </pre>
 */
public final class MemcpyNode
{
    private MemcpyNode()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RunnerCommands commands = RunnerCommands.start();
        final WorkloadPlan plan = WorkloadPlan.fromArgs(NodeArgs.parse(args));
        for (final long size : plan.bandwidthSizes())
        {
            ChildOutput.result(measure(plan, size));
        }
        ChildOutput.idleReady();
        commands.shutdown().get(1, TimeUnit.HOURS);
        System.exit(0);
    }

    private static ResultLine measure(final WorkloadPlan plan, final long size) throws InterruptedException
    {
        final String id = WorkloadPlan.bandwidthId(size);
        try
        {
            final int length = Math.toIntExact(size);
            final UnsafeBuffer source = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
            final UnsafeBuffer target = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
            source.setMemory(0, length, (byte)1);
            target.setMemory(0, length, (byte)2);
            copies(source, target, 1, Long.MAX_VALUE, plan.bwWarmupMs());
            final List<BandwidthSample> samples = BandwidthSamples.measure(plan, size,
                (min, max, ms) -> copies(source, target, min, max, ms));
            final ResultLine result = new ResultLine(id).put("message_bytes", size);
            final long cpuNs = BandwidthSamples.cpuNs(samples);
            if (cpuNs >= 0)
            {
                final double cpuUsPerCopy = cpuNs / 1e3 / BandwidthSamples.messages(samples);
                result.put("cpu_us_per_msg_sender", cpuUsPerCopy).put("cpu_us_per_msg", cpuUsPerCopy);
            }
            return BandwidthSamples.put(result, size, samples);
        }
        catch (final OutOfMemoryError ex)
        {
            return ResultLine.failed(id, "no room for two direct buffers of " + Sizes.pretty(size) + ": " +
                ex.getMessage());
        }
    }

    private static long copies(final UnsafeBuffer source, final UnsafeBuffer target, final long min, final long max,
        final long maxMs)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
        long done = 0;
        while (done < min || (done < max && System.nanoTime() - deadline < 0))
        {
            target.putBytes(0, source, 0, source.capacity());
            done++;
        }
        return done;
    }
}
