package io.pekkoshm.benchmarks.pekko;

import io.pekkoshm.benchmarks.workloads.CpuMeter;
import io.pekkoshm.benchmarks.workloads.PingPongOutcome;
import io.pekkoshm.benchmarks.workloads.Wire;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The driver node's actor at {@code /user/driver}, the sender of everything the driver sends: turns the peer's
 * acknowledgements into semaphore permits for the workload thread, and drives the ping-pong itself (a pong is
 * answered by the next ping from this actor, with no hop to another thread per round trip). A single timed ping
 * ({@link OnePing}, the first message after idle) is timed here too, from its send to its pong.
 */
final class DriverActor extends AbstractActor
{
    /** Starts a ping-pong: warm-up by time, then measure until the count or time bound; completes {@code done}. */
    record StartPings(ActorRef peer, long warmupMs, long measureMs, long maxRoundTrips, CpuMeter cpu,
        CompletableFuture<PingPongOutcome> done)
    {
    }

    /** Sends one ping now and completes {@code rttNs} with its round trip when the pong is back. */
    record OnePing(ActorRef peer, CompletableFuture<Long> rttNs)
    {
    }

    private final Semaphore streamAcks;
    private final Semaphore bulkAcks;
    private final byte[] ping = Wire.message(Wire.PING, Wire.SMALL_MESSAGE_SIZE);

    private StartPings pings;
    private OnePing onePing;
    private Histogram histogram;
    private boolean measuring;
    private long phaseEnd;
    private long measureStart;
    private long[] cpuBefore;
    private long sentAt;

    DriverActor(final Semaphore streamAcks, final Semaphore bulkAcks)
    {
        this.streamAcks = streamAcks;
        this.bulkAcks = bulkAcks;
    }

    @Override
    public Receive createReceive()
    {
        return receiveBuilder()
            .match(byte[].class, this::onBytes)
            .match(StartPings.class, this::onStartPings)
            .match(OnePing.class, this::onOnePing)
            .build();
    }

    private void onBytes(final byte[] message)
    {
        switch (message[0])
        {
            case Wire.ACK:
                streamAcks.release(Wire.ACK_EVERY);
                break;
            case Wire.BULK_ACK:
                bulkAcks.release();
                break;
            case Wire.PING:
                onPong(System.nanoTime());
                break;
            default:
                break;
        }
    }

    private void onStartPings(final StartPings start)
    {
        pings = start;
        histogram = PingPongOutcome.newHistogram();
        measuring = false;
        phaseEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(start.warmupMs());
        sendPing();
    }

    private void onOnePing(final OnePing start)
    {
        onePing = start;
        sentAt = System.nanoTime();
        start.peer().tell(ping, getSelf());
    }

    private void onPong(final long now)
    {
        if (null != onePing)
        {
            onePing.rttNs().complete(now - sentAt);
            onePing = null;
            return;
        }
        if (null == pings)
        {
            return;
        }
        if (measuring)
        {
            histogram.recordValue(Math.min(now - sentAt, histogram.getHighestTrackableValue()));
            if (histogram.getTotalCount() >= pings.maxRoundTrips() || now - phaseEnd >= 0)
            {
                final long elapsed = now - measureStart;
                final long[] cpuAfter = pings.cpu().snapshot();
                pings.done().complete(new PingPongOutcome(histogram, elapsed, cpuBefore, cpuAfter));
                pings = null;
                return;
            }
        }
        else if (now - phaseEnd >= 0)
        {
            measuring = true;
            cpuBefore = pings.cpu().snapshot();
            measureStart = System.nanoTime();
            phaseEnd = measureStart + TimeUnit.MILLISECONDS.toNanos(pings.measureMs());
        }
        sendPing();
    }

    private void sendPing()
    {
        sentAt = System.nanoTime();
        pings.peer().tell(ping, getSelf());
    }
}
