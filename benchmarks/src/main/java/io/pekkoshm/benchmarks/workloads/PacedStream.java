package io.pekkoshm.benchmarks.workloads;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The background load of a mesh session's busy condition (issue 19): 64 B stream messages at a fixed, moderate rate
 * ({@link #RATE_PER_S}, in batches of {@link #BATCH} every 10 ms) with the throughput workload's window, on a thread
 * of its own until stopped. The receiver acknowledges every {@link Wire#ACK_EVERY} messages; the node's actor turns
 * each acknowledgement into {@link Wire#ACK_EVERY} permits of {@code acks}, which only this stream's thread takes.
 * <p>
 * Threading: {@link #start} and {@link #stop} are called from the node's command thread; the stream's own thread is
 * the only one that sends and takes permits. {@code onFirstAck} runs on the stream's thread.
 */
public final class PacedStream
{
    /** Messages per second each busy node sends. */
    public static final int RATE_PER_S = 2_000;
    /** Messages per tick; a tick every 10 ms gives {@link #RATE_PER_S}. */
    static final int BATCH = 20;
    private static final long TICK_NS = TimeUnit.SECONDS.toNanos(1) * BATCH / RATE_PER_S;

    private final MessageSink sink;
    private final Semaphore acks;
    private final long ackTimeoutNs;
    private final Runnable onFirstAck;
    private final byte[] message = Wire.message(Wire.STREAM, Wire.SMALL_MESSAGE_SIZE);
    private final Thread thread;
    private volatile boolean stopped;
    private volatile String failure;
    private long sent;
    private long acked;
    private long startNs;
    private long endNs;

    private PacedStream(final MessageSink sink, final Semaphore acks, final long ackTimeoutMs,
        final Runnable onFirstAck)
    {
        this.sink = sink;
        this.acks = acks;
        this.ackTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
        this.onFirstAck = onFirstAck;
        this.thread = new Thread(this::run, "bench-paced-stream");
        this.thread.setDaemon(true);
    }

    /**
     * Starts streaming.
     *
     * @param acks         permits released by the node's actor, {@link Wire#ACK_EVERY} per acknowledgement.
     * @param ackTimeoutMs how long the stream waits for an acknowledgement when its window is full before it fails.
     * @param onFirstAck   run once, when the first acknowledgement is back (the stream is known to flow).
     */
    public static PacedStream start(final MessageSink sink, final Semaphore acks, final long ackTimeoutMs,
        final Runnable onFirstAck)
    {
        final PacedStream stream = new PacedStream(sink, acks, ackTimeoutMs, onFirstAck);
        stream.thread.start();
        return stream;
    }

    /** Stops the stream, waits for its thread, and reports it: workload {@code stream}, acknowledged msgs/s. */
    public ResultLine stop() throws InterruptedException
    {
        stopped = true;
        thread.join(TimeUnit.NANOSECONDS.toMillis(ackTimeoutNs) + 5_000);
        if (null != failure)
        {
            return ResultLine.failed("stream", failure);
        }
        final double seconds = (endNs - startNs) / 1e9;
        return new ResultLine("stream")
            .put("messages", sent)
            .put("acknowledged", acked)
            .put("seconds", seconds)
            .put("msgs_per_s", acked / seconds);
    }

    private void run()
    {
        startNs = System.nanoTime();
        long nextTick = startNs;
        try
        {
            while (!stopped)
            {
                for (int i = 0; i < BATCH; i++)
                {
                    if (sent - acked >= Wire.WINDOW)
                    {
                        if (!acks.tryAcquire(Wire.ACK_EVERY, ackTimeoutNs, TimeUnit.NANOSECONDS))
                        {
                            failure = "no acknowledgement within " + TimeUnit.NANOSECONDS.toSeconds(ackTimeoutNs) +
                                " s with " + (sent - acked) + " messages unacknowledged";
                            return;
                        }
                        countAcked(Wire.ACK_EVERY);
                    }
                    sink.send(message);
                    sent++;
                }
                final int more = acks.drainPermits();
                if (more > 0)
                {
                    countAcked(more);
                }
                // a fixed rate: a late tick is not made up by a burst
                nextTick = Math.max(nextTick + TICK_NS, System.nanoTime());
                LockSupport.parkNanos(nextTick - System.nanoTime());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final RuntimeException ex)
        {
            failure = String.valueOf(ex);
        }
        finally
        {
            endNs = System.nanoTime();
        }
    }

    private void countAcked(final int messages)
    {
        final boolean first = 0 == acked;
        acked += messages;
        if (first)
        {
            onFirstAck.run();
        }
    }
}
