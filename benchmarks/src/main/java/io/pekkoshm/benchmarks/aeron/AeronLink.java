package io.pekkoshm.benchmarks.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.pekkoshm.benchmarks.workloads.AckCounter;
import io.pekkoshm.benchmarks.workloads.MessageSink;
import io.pekkoshm.benchmarks.workloads.Wire;
import io.pekkoshm.benchmarks.workloads.WorkloadFailedException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * The driver node's end of the raw Aeron floor, used by one thread: sends into {@link RawAeronSetup#TO_PEER} and
 * polls {@link RawAeronSetup#TO_DRIVER} for acknowledgements and pongs only when it waits for them (no other thread
 * is involved). Every {@code offer} result is handled: back-pressure and admin actions are retried for up to
 * {@link #MAX_OFFER_NS}, while polling acknowledgements; a closed publication fails the workload.
 */
final class AeronLink implements MessageSink
{
    private static final long MAX_OFFER_NS = TimeUnit.SECONDS.toNanos(30);

    private final ExclusivePublication toPeer;
    private final Subscription fromPeer;
    private final FragmentAssembler assembler = new FragmentAssembler(this::onMessage);
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(0, 0);
    private final IdleStrategy backoff = RawAeronSetup.backoff();
    private long streamAcked;
    private long bulkAcked;
    private long pongs;

    AeronLink(final ExclusivePublication toPeer, final Subscription fromPeer)
    {
        this.toPeer = toPeer;
        this.fromPeer = fromPeer;
    }

    /** Acknowledged stream messages, as the throughput workload takes them. */
    AckCounter streamAcks()
    {
        return (messages, timeoutNs) -> take(messages, timeoutNs, true);
    }

    /** Acknowledged bulk messages, as the bandwidth workload takes them. */
    AckCounter bulkAcks()
    {
        return (messages, timeoutNs) -> take(messages, timeoutNs, false);
    }

    @Override
    public void send(final byte[] message)
    {
        sendBuffer.wrap(message);
        offer(sendBuffer, message.length);
    }

    /** Sends a ping and busy-spins until its pong is back; returns false if it is not back within the timeout. */
    boolean pingPong(final UnsafeBuffer ping, final long timeoutNs)
    {
        final long expected = pongs + 1;
        offer(ping, ping.capacity());
        final long deadline = System.nanoTime() + timeoutNs;
        while (pongs < expected)
        {
            if (0 == fromPeer.poll(assembler, RawAeronSetup.FRAGMENT_LIMIT) && System.nanoTime() - deadline > 0)
            {
                return false;
            }
        }
        return true;
    }

    private boolean take(final int messages, final long timeoutNs, final boolean stream)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while ((stream ? streamAcked : bulkAcked) < messages)
        {
            final int fragments = fromPeer.poll(assembler, RawAeronSetup.FRAGMENT_LIMIT);
            if (0 == fragments && System.nanoTime() - deadline > 0)
            {
                return false;
            }
            backoff.idle(fragments);
        }
        backoff.reset();
        if (stream)
        {
            streamAcked -= messages;
        }
        else
        {
            bulkAcked -= messages;
        }
        return true;
    }

    void offer(final DirectBuffer buffer, final int length)
    {
        final long deadline = System.nanoTime() + MAX_OFFER_NS;
        while (true)
        {
            final long result = toPeer.offer(buffer, 0, length);
            if (result > 0)
            {
                return;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new WorkloadFailedException("the publication to the peer is over: offer returned " + result);
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new WorkloadFailedException("the publication to the peer stayed " +
                    (result == Publication.NOT_CONNECTED ? "not connected" : "back-pressured") + " for 30 s");
            }
            // BACK_PRESSURED, NOT_CONNECTED, ADMIN_ACTION: keep the peer's answers flowing, then retry
            fromPeer.poll(assembler, RawAeronSetup.FRAGMENT_LIMIT);
        }
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        switch (buffer.getByte(offset))
        {
            case Wire.ACK:
                streamAcked += Wire.ACK_EVERY;
                break;
            case Wire.BULK_ACK:
                bulkAcked++;
                break;
            case Wire.PING:
                pongs++;
                break;
            default:
                break;
        }
    }
}
