package io.pekkoshm.benchmarks.workloads;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The isolation workload's background stream, against a receiver made of a semaphore. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LargeStreamTest
{
    private static final long SIZE = 16 * Sizes.MIB;

    @Test
    void shouldKeepStreamingWithinItsWindowUntilStoppedThenDrain() throws InterruptedException
    {
        final Semaphore acks = new Semaphore(0);
        final AtomicInteger sent = new AtomicInteger();
        // the receiver acknowledges every message at once
        final MessageSink sink = message ->
        {
            sent.incrementAndGet();
            acks.release();
        };
        final LargeStream stream = new LargeStream(sink, (n, timeoutNs) ->
            acks.tryAcquire(n, timeoutNs, TimeUnit.NANOSECONDS), SIZE, 10_000);

        stream.start();
        assertTrue(stream.awaitRunning(10_000));
        awaitSent(sent, 5);
        stream.stop();

        assertTrue(stream.failure().isEmpty(), stream.failure().toString());
        assertEquals(0, acks.availablePermits(), "every acknowledgement taken: the stream drained");
        final String json = stream.putInto(new ResultLine("x")).toJson();
        assertTrue(json.contains("\"stream_message_bytes\":" + SIZE), json);
        assertTrue(json.contains("\"stream_window\":" + Wire.bulkWindow(SIZE)), json);
        assertTrue(json.contains("\"stream_messages\":"), json);
    }

    @Test
    void shouldFailWhenAMessageIsNotAcknowledgedInTime() throws InterruptedException
    {
        final LargeStream stream = new LargeStream(message -> { }, (n, timeoutNs) ->
        {
            TimeUnit.NANOSECONDS.sleep(Math.min(timeoutNs, TimeUnit.MILLISECONDS.toNanos(5)));
            return false;
        }, SIZE, 100);

        stream.start();
        assertFalse(stream.awaitRunning(10_000));
        stream.stop();

        assertTrue(stream.failure().orElse("").contains("no acknowledgement of a 16 MiB message within"),
            stream.failure().toString());
    }

    private static void awaitSent(final AtomicInteger sent, final int count) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sent.get() < count)
        {
            assertTrue(System.nanoTime() - deadline < 0, "only " + sent.get() + " messages sent");
            Thread.onSpinWait();
        }
    }
}
