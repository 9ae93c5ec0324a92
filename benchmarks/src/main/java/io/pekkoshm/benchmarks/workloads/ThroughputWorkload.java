package io.pekkoshm.benchmarks.workloads;

import java.util.concurrent.TimeUnit;

/**
 * One-way throughput of 64-byte messages with flow control: at most {@link Wire#WINDOW} messages unacknowledged, the
 * receiver acknowledging every {@link Wire#ACK_EVERY}. A warm-up, then a measured run that ends when its count or
 * time bound is reached and every message sent has been acknowledged. CPU time of both nodes (and a media driver
 * process, if any) is taken over the measured run.
 */
public final class ThroughputWorkload
{
    private final MessageSink sink;
    private final AckCounter acks;
    private final CpuMeter cpu;
    private final WorkloadPlan plan;
    private final byte[] message = Wire.message(Wire.STREAM, Wire.SMALL_MESSAGE_SIZE);
    private int inFlight;

    public ThroughputWorkload(final MessageSink sink, final AckCounter acks, final CpuMeter cpu,
        final WorkloadPlan plan)
    {
        this.sink = sink;
        this.acks = acks;
        this.cpu = cpu;
        this.plan = plan;
    }

    public ResultLine run() throws InterruptedException
    {
        final String id = WorkloadPlan.throughputId();
        try
        {
            send(Long.MAX_VALUE, plan.tpWarmupMs());
            drain();
            final long[] cpuBefore = cpu.snapshot();
            final long start = System.nanoTime();
            final long sent = send(plan.tpMaxMessages(), plan.tpMeasureMs());
            drain();
            final long elapsed = System.nanoTime() - start;
            final long[] cpuAfter = cpu.snapshot();
            final double seconds = elapsed / 1e9;
            final ResultLine result = new ResultLine(id)
                .put("message_bytes", Wire.SMALL_MESSAGE_SIZE)
                .put("window", Wire.WINDOW)
                .put("messages", sent)
                .put("seconds", seconds)
                .put("msgs_per_s", sent / seconds)
                .put("mib_per_s", sent * (double)Wire.SMALL_MESSAGE_SIZE / Sizes.MIB / seconds);
            cpu.putPerUnit(result, "msg", cpuBefore, cpuAfter, sent);
            return result;
        }
        catch (final WorkloadFailedException ex)
        {
            return ResultLine.failed(id, ex.getMessage());
        }
    }

    /** Sends whole acknowledgement batches until {@code maxMessages} or {@code maxMs} is reached; returns the count. */
    private long send(final long maxMessages, final long maxMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
        long sent = 0;
        while (sent + Wire.ACK_EVERY <= maxMessages && System.nanoTime() - deadline < 0)
        {
            for (int i = 0; i < Wire.ACK_EVERY; i++)
            {
                if (inFlight >= Wire.WINDOW)
                {
                    awaitAcks(Wire.ACK_EVERY, sent + i);
                }
                sink.send(message);
                inFlight++;
            }
            sent += Wire.ACK_EVERY;
        }
        return sent;
    }

    private void drain() throws InterruptedException
    {
        awaitAcks(inFlight, -1);
    }

    private void awaitAcks(final int messages, final long sentSoFar) throws InterruptedException
    {
        if (messages > 0 && !acks.take(messages, TimeUnit.MILLISECONDS.toNanos(plan.ackTimeoutMs())))
        {
            throw new WorkloadFailedException("no acknowledgement from the receiver within " +
                plan.ackTimeoutMs() / 1000 + " s, the bound per acknowledgement (" + inFlight +
                " messages unacknowledged" + (sentSoFar >= 0 ? ", " + sentSoFar + " sent" : "") + ")");
        }
        inFlight -= messages;
    }
}
