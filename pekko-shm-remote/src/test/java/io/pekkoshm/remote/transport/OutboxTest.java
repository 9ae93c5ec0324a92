package io.pekkoshm.remote.transport;

import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.wire.BatchRecordFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The write path against a real (embedded) media driver whose log the test lets fill up. */
@Timeout(60)
class OutboxTest
{
    private static final int STREAM = 4242;
    private static final int MESSAGE_LENGTH = 100;

    private EmbeddedLog log;
    private TransportCounters counters;
    private Outbox outbox;
    private final List<Long> received = new ArrayList<>();
    private int batchFrames;

    @BeforeEach
    void start()
    {
        log = new EmbeddedLog("outbox", STREAM);
        counters = new TransportCounters(log.aeron, "test");
        outbox = new Outbox(log.publication, 64 * 1024, counters);
    }

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(outbox, counters, log);
    }

    @Test
    void shouldStageInOrderWhenTheLogIsFullAndAnswerFalseOnlyWhenStagingIsFullToo()
    {
        long next = 0;
        while (!outbox.hasStaged())
        {
            assertTrue(outbox.write(message(next), 0, MESSAGE_LENGTH), "a write before staging must be taken");
            next++;
        }
        final long firstStaged = next - 1;
        while (outbox.write(message(next), 0, MESSAGE_LENGTH))
        {
            next++;
        }
        final long refused = next;

        drainUntil(refused);

        assertInOrder(refused);
        assertTrue(firstStaged > 0, "some messages should have gone straight into the log");
        assertTrue(batchFrames >= 1, "staged messages travel as BATCH frames");
        assertTrue(counters.batchesSent() >= 1);
        assertTrue(counters.backPressure() >= 1);
        assertEquals(refused, counters.messagesSent());
        assertEquals(0, counters.dropped.get());

        assertTrue(outbox.write(message(refused), 0, MESSAGE_LENGTH),
            "the refused message is taken once there is room");
        drainUntil(refused + 1);
        assertInOrder(refused + 1);
    }

    @Test
    void shouldCountStagedMessagesAsDroppedWhenClosed()
    {
        final long next = writeUntilRefused();
        assertTrue(outbox.hasStaged());

        final int unsent = outbox.closeAndCountUnsent();

        assertTrue(unsent > 0);
        assertEquals(unsent, counters.dropped.get());
        assertEquals(unsent, outbox.sendCounts().dropped.get(), "the association counts its own drops too");
        assertFalse(outbox.write(message(next), 0, MESSAGE_LENGTH), "a closed outbox takes nothing");
    }

    /**
     * A writer refused because the staging is full makes the outbox say it is full (the direct path then holds what it
     * would write without serializing it again, and only flushes the staged batch) until the staged batch goes out.
     */
    @Test
    void shouldSayItIsFullFromARefusalUntilTheStagedBatchIsOut()
    {
        final long refused = writeUntilRefused();
        assertTrue(outbox.isFull(), "a write was refused with the staging full");
        assertFalse(outbox.write(message(refused), 0, MESSAGE_LENGTH), "still refused");
        assertTrue(outbox.isFull());

        drainUntil(refused);
        assertFalse(outbox.isFull(), "the staged batch is out");
        assertTrue(outbox.write(message(refused), 0, MESSAGE_LENGTH), "the refused message is taken now");
        drainUntil(refused + 1);
        assertInOrder(refused + 1);
    }

    /**
     * A message too large for the staging batch, refused while the log is full and nothing is staged, does not make
     * the outbox say it is full: no staged batch would ever go out to clear it, and the direct path would hold the
     * message (and every later one) for good. Once the log has room it is taken.
     */
    @Test
    void shouldNotSayItIsFullWhenARefusedMessageIsLargerThanTheStagingAndNothingIsStaged()
    {
        final int large = 2 * 1024;
        final Outbox smallStaging = new Outbox(log.publication, 1024, counters);
        try
        {
            long next = 0;
            while (smallStaging.write(message(next, large), 0, large))
            {
                next++;
            }
            assertFalse(smallStaging.hasStaged(), "too large to stage: refused by the full log alone");
            assertFalse(smallStaging.isFull(), "nothing staged whose going out would say there is room");

            final long refused = next;
            // the writer keeps trying it (what the direct path does when the outbox is not full) as the log drains:
            // taken once the driver has moved the log's limit
            final byte[] again = message(refused, large);
            log.drainUntil(outbox, this::onFrame, () -> smallStaging.write(again, 0, large),
                () -> "the refused message was never taken; received " + received.size());
            drainUntil(refused + 1);
            assertInOrder(refused + 1);
        }
        finally
        {
            smallStaging.close();
        }
    }

    /** A closed outbox is not full: a writer must get to see CLOSED (the direct path then sends the classic way). */
    @Test
    void shouldNotSayItIsFullOnceClosed()
    {
        writeUntilRefused();
        assertTrue(outbox.isFull());

        outbox.closeAndCountUnsent();

        assertFalse(outbox.isFull());
    }

    @Test
    void shouldCountADropInTheNodeAndInItsOwnAssociationOnlyWhenTwoAreOpen()
    {
        final SendCounts toA = counters.open();
        final SendCounts toB = counters.open();
        toA.describe("pekko.shm://a@localhost:1", true, "ipc");
        toB.describe("pekko.shm://b@localhost:2", true, "ipc");

        counters.dropped(toA, 2);
        counters.dropped(null, 1);

        final Map<String, Long> dropsByPeer = new HashMap<>();
        counters.associations().forEach(association ->
            dropsByPeer.put(association.peerAddress(), association.messagesDropped()));
        assertEquals(Map.of("pekko.shm://a@localhost:1", 2L, "pekko.shm://b@localhost:2", 0L), dropsByPeer);
        assertEquals(3, counters.snapshot().messagesDropped(), "the node counts every drop once");
        counters.close(toA);
        counters.close(toB);
    }

    @Test
    void shouldCarryAPayloadLargerThanOneFragment()
    {
        final int length = outbox.maxPayloadLength();
        final byte[] big = new byte[length];
        for (int i = 0; i < length; i++)
        {
            big[i] = (byte)i;
        }

        assertTrue(outbox.write(big, 0, length));

        final byte[][] got = new byte[1][];
        final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, frameLength, header) ->
        {
            assertEquals(FrameHeaderFlyweight.DATA, new FrameHeaderFlyweight().wrap(buffer, offset).type());
            got[0] = new byte[frameLength - FrameHeaderFlyweight.LENGTH];
            buffer.getBytes(offset + FrameHeaderFlyweight.LENGTH, got[0]);
        });
        Await.until(Duration.ofSeconds(10), () -> log.subscription.poll(assembler, 100) >= 0 && null != got[0],
            () -> "the large frame never arrived");
        assertEquals(length, got[0].length);
        for (int i = 0; i < length; i++)
        {
            assertEquals((byte)i, got[0][i]);
        }
    }

    /**
     * A writer refused because a large body is still going out in pieces is what the direct path then holds: the
     * last piece tells the outbox's room listener (once), so the direct path flushes it at once instead of at its
     * next scheduler tick. Without a refused writer the listener is not told.
     */
    @Test
    void shouldTellTheRoomListenerOnceWhenTheLastPieceIsOutAfterAWriterWasRefused()
    {
        final Outbox pieces = new Outbox(log.publication, 64 * 1024, counters, null, 0, 1024 * 1024);
        pieces.peerTakesPieces(true);
        final java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        pieces.roomListener(told::incrementAndGet);
        final byte[] large = new byte[256 * 1024];
        final FragmentAssembler ignore = new FragmentAssembler((buffer, offset, length, header) -> { });

        assertTrue(pieces.write(large, 0, large.length), "the first piece fits the empty log");
        assertTrue(pieces.hasPieces(), "256 KiB do not fit a log of 64 KiB terms at once");
        drainPieces(pieces, ignore);
        assertEquals(0, told.get(), "nobody was refused: nobody to tell");

        assertTrue(pieces.write(large, 0, large.length));
        assertTrue(pieces.hasPieces());
        assertFalse(pieces.write(large, 0, large.length), "one large body at a time: the second is refused");
        final ClassicBody second = new ClassicBody();
        second.wrap(large, 0, large.length);
        assertEquals(Outbox.FULL_LARGE, pieces.writeFrame(FrameHeaderFlyweight.DATA, second),
            "refused as a large body, which the direct path holds without serializing it again");
        assertTrue(pieces.refusesLargeBody());
        final ClassicBody small = new ClassicBody();
        small.wrap(message(7), 0, MESSAGE_LENGTH);
        assertEquals(Outbox.TAKEN, pieces.writeFrame(FrameHeaderFlyweight.DATA, small),
            "a small message goes between the pieces");
        assertEquals(0, told.get(), "not before the last piece");
        drainPieces(pieces, ignore);
        assertEquals(1, told.get(), "told once when the last piece of the body that refused them was out");
        Await.until(Duration.ofSeconds(30), () ->
            {
                log.subscription.poll(ignore, 256);
                pieces.flush(); // the small message may be staged
                return !pieces.refusesLargeBody();
            },
            () -> "once what is staged is out and the reader has read the log, a large body is taken again");
        assertTrue(pieces.write(large, 0, large.length), "room for the refused body now");
        drainPieces(pieces, ignore);
        assertEquals(1, told.get(), "nobody refused since");
        pieces.close();
    }

    private void drainPieces(final Outbox pieces, final FragmentAssembler handler)
    {
        Await.until(Duration.ofSeconds(30), () ->
        {
            log.subscription.poll(handler, 256);
            pieces.sendPieces();
            return !pieces.hasPieces();
        }, () -> "the pieces never all went out");
    }

    /**
     * Sends are counted per outbox under its lock and summed by the node: with several threads writing into two
     * outboxes while a third thread takes snapshots and one outbox closes mid-way, every snapshot is at least the one
     * before (none counts an outbox twice or misses one), and the final count is exactly what was taken.
     */
    @Test
    void shouldCountEverySendOfManyThreadsExactlyAndNeverBackwards() throws Exception
    {
        final ExclusivePublication second = log.aeron.addExclusivePublication("aeron:ipc?term-length=65536", STREAM);
        final Outbox other = new Outbox(second, 64 * 1024, counters);
        Await.until(Duration.ofSeconds(10), second::isConnected, () -> "second publication never connected");
        final int writers = 4;
        final int perWriter = 5_000;
        final java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++)
        {
            final Outbox target = 0 == w % 2 ? outbox : other;
            threads.add(new Thread(() ->
            {
                final byte[] payload = message(0);
                for (int i = 0; i < perWriter; i++)
                {
                    if (target.write(payload, 0, MESSAGE_LENGTH))
                    {
                        taken.incrementAndGet();
                    }
                    else
                    {
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        final Thread drainer = new Thread(() ->
        {
            final FragmentAssembler ignore = new FragmentAssembler((buffer, offset, length, header) -> { });
            while (!done.get())
            {
                log.subscription.poll(ignore, 256);
                outbox.flush();
                other.flush();
            }
        });
        drainer.start();
        threads.forEach(Thread::start);

        long previous = 0;
        boolean closedOther = false;
        while (threads.stream().anyMatch(Thread::isAlive))
        {
            final long now = counters.snapshot().messagesSent();
            assertTrue(now >= previous, "messages sent went back from " + previous + " to " + now);
            previous = now;
            if (!closedOther && now > perWriter)
            {
                other.close(); // its writers are refused from now on; what it sent stays counted
                closedOther = true;
            }
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        Await.until(Duration.ofSeconds(20), () -> !outbox.hasStaged(), () -> "staged messages never flushed");
        done.set(true);
        drainer.join();
        other.close();

        assertEquals(taken.get() - counters.dropped.get(), counters.messagesSent());
        assertEquals(counters.messagesSent(), counters.snapshot().messagesSent());
        assertTrue(counters.snapshot().messagesSent() >= previous);
    }

    /** Writes numbered messages until one is refused (the log and the staging are full); returns its number. */
    private long writeUntilRefused()
    {
        long next = 0;
        while (outbox.write(message(next), 0, MESSAGE_LENGTH))
        {
            assertFalse(outbox.isFull(), "not full while writes are taken");
            next++;
        }
        return next;
    }

    private void drainUntil(final long count)
    {
        log.drainUntil(outbox, this::onFrame, () -> received.size() >= count,
            () -> "received " + received.size() + " of " + count);
    }

    private void onFrame(final DirectBuffer buffer, final int offset, final int length,
        final io.aeron.logbuffer.Header header)
    {
        final byte type = new FrameHeaderFlyweight().wrap(buffer, offset).type();
        if (FrameHeaderFlyweight.DATA == type)
        {
            received.add(buffer.getLong(offset + FrameHeaderFlyweight.LENGTH, java.nio.ByteOrder.BIG_ENDIAN));
        }
        else if (FrameHeaderFlyweight.BATCH == type)
        {
            batchFrames++;
            int position = offset + FrameHeaderFlyweight.LENGTH;
            for (int i = 0, count = new FrameHeaderFlyweight().wrap(buffer, offset).argument(); i < count; i++)
            {
                final int payloadLength = buffer.getInt(position);
                assertEquals(MESSAGE_LENGTH, payloadLength);
                received.add(buffer.getLong(position + BatchRecordFlyweight.HEADER_LENGTH,
                    java.nio.ByteOrder.BIG_ENDIAN));
                position += BatchRecordFlyweight.HEADER_LENGTH + payloadLength;
            }
        }
    }

    private void assertInOrder(final long count)
    {
        assertEquals(count, received.size(), "every taken message arrives, once");
        for (int i = 0; i < count; i++)
        {
            assertEquals(i, received.get(i), "message " + i + " out of order");
        }
    }

    private static byte[] message(final long sequence)
    {
        return message(sequence, MESSAGE_LENGTH);
    }

    private static byte[] message(final long sequence, final int length)
    {
        return ByteBuffer.allocate(length).putLong(sequence).array();
    }
}
