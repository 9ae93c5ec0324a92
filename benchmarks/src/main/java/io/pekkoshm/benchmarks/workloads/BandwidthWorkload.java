package io.pekkoshm.benchmarks.workloads;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One-way bandwidth of large messages of one size: the receiver acknowledges each, at most
 * {@link Wire#bulkWindow(long)} are unacknowledged. A warm-up of at least one message, then a measured run bounded by
 * time and bytes that sends at least {@code bwMinMessages}, taken as {@link BandwidthSamples#COUNT} samples one after
 * the other, each ending when every message it sent is acknowledged; the figure is the median sample's.
 * The same payload array is sent every time (nothing in a transport may keep or change it).
 */
public final class BandwidthWorkload
{
    private final MessageSink sink;
    private final AckCounter acks;
    private final CpuMeter cpu;
    private final WorkloadPlan plan;
    private final long size;
    private final int window;
    private int inFlight;

    public BandwidthWorkload(final MessageSink sink, final AckCounter acks, final CpuMeter cpu, final WorkloadPlan plan,
        final long size)
    {
        this.sink = sink;
        this.acks = acks;
        this.cpu = cpu;
        this.plan = plan;
        this.size = size;
        this.window = Wire.bulkWindow(size);
    }

    public ResultLine run() throws InterruptedException
    {
        final String id = WorkloadPlan.bandwidthId(size);
        try
        {
            final byte[] payload = Wire.message(Wire.BULK, Math.toIntExact(size));
            send(payload, 1, Long.MAX_VALUE, plan.bwWarmupMs());
            drain();
            final long[] cpuBefore = cpu.snapshot();
            final List<BandwidthSample> samples = BandwidthSamples.measure(plan, size, (min, max, ms) ->
            {
                final long sent = send(payload, min, max, ms);
                drain();
                return sent;
            });
            final long[] cpuAfter = cpu.snapshot();
            final ResultLine result = new ResultLine(id)
                .put("message_bytes", size)
                .put("window", window);
            cpu.putPerUnit(result, "msg", cpuBefore, cpuAfter, BandwidthSamples.messages(samples));
            BandwidthSamples.put(result, size, samples);
            return result;
        }
        catch (final OutOfMemoryError ex)
        {
            return ResultLine.failed(id, "the driver node ran out of memory: " + ex.getMessage());
        }
        catch (final WorkloadFailedException ex)
        {
            return ResultLine.failed(id, ex.getMessage());
        }
    }

    private long send(final byte[] payload, final long minMessages, final long maxMessages, final long maxMs)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
        long sent = 0;
        while (sent < minMessages || (sent < maxMessages && System.nanoTime() - deadline < 0))
        {
            if (inFlight >= window)
            {
                awaitAcks(1, sent);
            }
            sink.send(payload);
            inFlight++;
            sent++;
        }
        return sent;
    }

    private void drain() throws InterruptedException
    {
        while (inFlight > 0)
        {
            awaitAcks(1, -1);
        }
    }

    private void awaitAcks(final int messages, final long sentSoFar) throws InterruptedException
    {
        final long timeoutMs = plan.bandwidthAckTimeoutMs(size);
        if (!acks.take(messages, TimeUnit.MILLISECONDS.toNanos(timeoutMs)))
        {
            throw new WorkloadFailedException("no acknowledgement of a " + Sizes.pretty(size) + " message within " +
                timeoutMs / 1000 + " s, the bound per message (" + inFlight + " unacknowledged" +
                (sentSoFar >= 0 ? ", " + sentSoFar + " sent in this phase" : "") + ")");
        }
        inFlight -= messages;
    }
}
