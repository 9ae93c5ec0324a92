package io.pekkoshm.benchmarks.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.pekkoshm.benchmarks.workloads.BandwidthWorkload;
import io.pekkoshm.benchmarks.workloads.ChildOutput;
import io.pekkoshm.benchmarks.workloads.CpuMeter;
import io.pekkoshm.benchmarks.workloads.FirstAfterIdle;
import io.pekkoshm.benchmarks.workloads.NodeArgs;
import io.pekkoshm.benchmarks.workloads.PingPongOutcome;
import io.pekkoshm.benchmarks.workloads.ResultLine;
import io.pekkoshm.benchmarks.workloads.RunnerCommands;
import io.pekkoshm.benchmarks.workloads.ThroughputWorkload;
import io.pekkoshm.benchmarks.workloads.Wire;
import io.pekkoshm.benchmarks.workloads.WorkloadFailedException;
import io.pekkoshm.benchmarks.workloads.WorkloadPlan;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The sending JVM of the raw Aeron IPC floor: a client of the peer's media driver, it runs the same workloads as the
 * Pekko driver node over two exclusive IPC publications, with no Pekko and no serialization: the floor that shared
 * memory allows on this machine. The ping-pong busy-spins on both sides (and so takes both cores of a 2-core
 * machine for its duration); everything else backs off when idle.
 * <pre>
 *   RawAeronDriver &lt;plan...&gt;        then on stdin: peer address=&lt;aeron dir&gt; pid=... sharedPid=0
 * </pre>
 */
public final class RawAeronDriver
{
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private RawAeronDriver()
    {
    }

    public static void main(final String[] args)
    {
        final RunnerCommands commands = RunnerCommands.start();
        final WorkloadPlan plan = WorkloadPlan.fromArgs(NodeArgs.parse(args));
        int status = 0;
        Aeron aeron = null;
        try
        {
            final NodeArgs peer = commands.peer().get(2, TimeUnit.MINUTES);
            final CpuMeter cpu = new CpuMeter(ProcessHandle.current().pid(), peer.getLong("pid"), List.of());
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(peer.get("address")));
            final ExclusivePublication toPeer = aeron.addExclusivePublication(RawAeronSetup.CHANNEL,
                RawAeronSetup.TO_PEER);
            final Subscription fromPeer = aeron.addSubscription(RawAeronSetup.CHANNEL, RawAeronSetup.TO_DRIVER);
            awaitConnected(toPeer, fromPeer);
            final AeronLink link = new AeronLink(toPeer, fromPeer);

            if (plan.throughput())
            {
                ChildOutput.result(new ThroughputWorkload(link, link.streamAcks(), cpu, plan).run());
            }
            if (plan.pingPong())
            {
                ChildOutput.result(pingPong(link, plan, cpu));
            }
            for (final long size : plan.bandwidthSizes())
            {
                ChildOutput.result(new BandwidthWorkload(link, link.bulkAcks(), cpu, plan, size).run());
            }
            if (plan.firstRepeats() > 0)
            {
                ChildOutput.result(FirstAfterIdle.run(plan, () -> timedRoundTrip(link, plan)));
            }
            ChildOutput.idleReady();
            commands.shutdown().get(1, TimeUnit.HOURS);
        }
        catch (final Exception ex)
        {
            ex.printStackTrace();
            status = 1;
        }
        finally
        {
            CloseHelper.close(aeron);
        }
        System.exit(status);
    }

    private static void awaitConnected(final ExclusivePublication toPeer, final Subscription fromPeer)
    {
        final long deadline = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!toPeer.isConnected() || !fromPeer.isConnected())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("The raw Aeron peer did not connect within 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static ResultLine pingPong(final AeronLink link, final WorkloadPlan plan, final CpuMeter cpu)
    {
        final UnsafeBuffer ping = new UnsafeBuffer(Wire.message(Wire.PING, Wire.SMALL_MESSAGE_SIZE));
        final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(plan.ackTimeoutMs());
        link.send(new byte[] {Wire.MODE, 1});
        try
        {
            long phaseEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(plan.ppWarmupMs());
            while (System.nanoTime() - phaseEnd < 0)
            {
                roundTrip(link, ping, timeoutNs);
            }
            final Histogram histogram = PingPongOutcome.newHistogram();
            final long[] cpuBefore = cpu.snapshot();
            final long start = System.nanoTime();
            phaseEnd = start + TimeUnit.MILLISECONDS.toNanos(plan.ppMeasureMs());
            long now = start;
            while (histogram.getTotalCount() < plan.ppMaxRoundTrips() && now - phaseEnd < 0)
            {
                final long sentAt = System.nanoTime();
                roundTrip(link, ping, timeoutNs);
                now = System.nanoTime();
                histogram.recordValue(Math.min(now - sentAt, histogram.getHighestTrackableValue()));
            }
            final long elapsed = System.nanoTime() - start;
            return new PingPongOutcome(histogram, elapsed, cpuBefore, cpu.snapshot()).toResult(cpu);
        }
        catch (final WorkloadFailedException ex)
        {
            return ResultLine.failed(WorkloadPlan.pingPongId(), ex.getMessage());
        }
        finally
        {
            link.send(new byte[] {Wire.MODE, 0});
        }
    }

    /**
     * The first message after idle: one round trip while the peer backs off as it does when idle (no busy-spin
     * mode); this side spins for the pong, as in the ping-pong.
     */
    private static long timedRoundTrip(final AeronLink link, final WorkloadPlan plan)
    {
        final UnsafeBuffer ping = new UnsafeBuffer(Wire.message(Wire.PING, Wire.SMALL_MESSAGE_SIZE));
        final long start = System.nanoTime();
        roundTrip(link, ping, TimeUnit.MILLISECONDS.toNanos(plan.ackTimeoutMs()));
        return System.nanoTime() - start;
    }

    private static void roundTrip(final AeronLink link, final UnsafeBuffer ping, final long timeoutNs)
    {
        if (!link.pingPong(ping, timeoutNs))
        {
            throw new WorkloadFailedException("a pong did not come back within " +
                TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
        }
    }
}
