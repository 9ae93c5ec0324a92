package io.pekkoshm.benchmarks.workloads;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stream of large messages kept going on a thread of its own while something else is measured (the isolation
 * workload's background load): sends one message of {@code size} bytes after another to the receiver, at most
 * {@link Wire#bulkWindow(long)} unacknowledged (so memory stays bounded, as in the bandwidth workload), until
 * {@link #stop()}; then waits for every message sent to be acknowledged. The same payload array is sent every time.
 * <p>
 * Threading: {@link #start()}, {@link #awaitRunning(long)}, {@link #stop()} and the readers of the outcome are called
 * by one thread (the workload's); the stream's own thread is the only one that sends and takes acknowledgements. The
 * outcome is read after {@link #stop()} has joined that thread.
 */
public final class LargeStream
{
    /** How often the stream's thread looks at the stop flag while it waits for an acknowledgement. */
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final MessageSink sink;
    private final AckCounter acks;
    private final long size;
    private final int window;
    private final long ackTimeoutNs;
    private final CountDownLatch firstAck = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean acknowledged;

    // written by the stream's thread, read after it has been joined
    private String failure;
    private long firstAckNs;
    private long stopNs;
    private long ackedAfterFirst;

    /**
     * @param sink         where the messages go (called from the stream's thread only).
     * @param acks         the receiver's acknowledgements, one per message (taken by the stream's thread only).
     * @param size         bytes per message.
     * @param ackTimeoutMs how long one acknowledgement may take before the stream fails.
     */
    public LargeStream(final MessageSink sink, final AckCounter acks, final long size, final long ackTimeoutMs)
    {
        this.sink = sink;
        this.acks = acks;
        this.size = size;
        this.window = Wire.bulkWindow(size);
        this.ackTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
        this.thread = new Thread(this::run, "bench-large-stream");
        this.thread.setDaemon(true);
    }

    /** Starts sending. */
    public void start()
    {
        thread.start();
    }

    /**
     * Waits until the first message is acknowledged, so that the stream is under way before the measurement starts.
     *
     * @return true if it was; false if the stream failed or the time ran out (then {@link #stop()} and read
     * {@link #failure()}).
     */
    public boolean awaitRunning(final long timeoutMs) throws InterruptedException
    {
        return firstAck.await(timeoutMs, TimeUnit.MILLISECONDS) && acknowledged;
    }

    /** Stops sending, waits until every message sent is acknowledged (or the stream fails) and its thread ends. */
    public void stop() throws InterruptedException
    {
        stopping = true;
        thread.join();
    }

    /** Why the stream failed, after {@link #stop()}; empty if it ran until stopped and was drained. */
    public Optional<String> failure()
    {
        if (null != failure)
        {
            return Optional.of(failure);
        }
        return 0 == firstAckNs ? Optional.of("no " + Sizes.pretty(size) + " message was acknowledged") :
            Optional.empty();
    }

    /**
     * Puts what the stream did into {@code result}, after {@link #stop()}: its message size and window, and the
     * messages acknowledged from the first acknowledgement until it was told to stop, with their rate.
     */
    public ResultLine putInto(final ResultLine result)
    {
        final double seconds = firstAckNs > 0 ? (stopNs - firstAckNs) / 1e9 : 0;
        result.put("stream_message_bytes", size)
            .put("stream_window", window)
            .put("stream_messages", ackedAfterFirst)
            .put("stream_seconds", seconds);
        if (seconds > 0)
        {
            result.put("stream_mib_per_s", ackedAfterFirst * (double)size / Sizes.MIB / seconds);
        }
        return result;
    }

    private void run()
    {
        int inFlight = 0;
        try
        {
            final byte[] payload = Wire.message(Wire.BULK, Math.toIntExact(size));
            long waitingSince = System.nanoTime();
            while (!stopping)
            {
                if (inFlight < window)
                {
                    sink.send(payload);
                    inFlight++;
                    waitingSince = System.nanoTime();
                }
                else if (acks.take(1, POLL_NS))
                {
                    inFlight--;
                    waitingSince = onAck();
                }
                else if (System.nanoTime() - waitingSince > ackTimeoutNs)
                {
                    throw new WorkloadFailedException(timeoutReason(inFlight));
                }
            }
            stopNs = System.nanoTime();
            while (inFlight > 0)
            {
                if (!acks.take(1, ackTimeoutNs))
                {
                    throw new WorkloadFailedException(timeoutReason(inFlight) + " while draining");
                }
                inFlight--;
            }
        }
        catch (final InterruptedException ex)
        {
            failure = "interrupted";
        }
        catch (final WorkloadFailedException ex)
        {
            failure = ex.getMessage();
        }
        catch (final RuntimeException | OutOfMemoryError ex)
        {
            failure = String.valueOf(ex);
        }
        finally
        {
            if (0 == stopNs)
            {
                stopNs = System.nanoTime();
            }
            firstAck.countDown();
        }
    }

    private long onAck()
    {
        final long now = System.nanoTime();
        if (0 == firstAckNs)
        {
            firstAckNs = now;
            acknowledged = true;
            firstAck.countDown();
        }
        else
        {
            ackedAfterFirst++;
        }
        return now;
    }

    private String timeoutReason(final int inFlight)
    {
        return "no acknowledgement of a " + Sizes.pretty(size) + " message within " +
            TimeUnit.NANOSECONDS.toSeconds(ackTimeoutNs) + " s (" + inFlight + " unacknowledged)";
    }
}
