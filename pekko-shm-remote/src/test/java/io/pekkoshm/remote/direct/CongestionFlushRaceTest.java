package io.pekkoshm.remote.direct;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Senders congest links while the flusher flushes them: once everybody stops and the flusher has run every flush it
 * was given, no link may still hold messages (a link congested again between a flush and its removal from the set,
 * and never flushed after, held its last messages for good: MeshTest's 117 messages that never arrived).
 */
@Timeout(120)
class CongestionFlushRaceTest
{
    private static final int ROUNDS = 300;
    private static final int SENDERS = 3;
    private static final int LINKS = 4;
    private static final int CONGESTIONS_PER_SENDER = 2_000;

    /** A link that any flush empties, and a sender congests again. */
    private static final class FakeLink implements CongestionFlush.Link
    {
        private boolean congested;

        synchronized void congest(final CongestionFlush flush)
        {
            congested = true;
            flush.congested(this); // under the link's monitor, after it became congested, as DirectLink does
        }

        @Override
        public synchronized boolean flushCongested()
        {
            congested = false;
            return false;
        }

        @Override
        public synchronized boolean isCongested()
        {
            return congested;
        }
    }

    @Test
    void shouldNeverLeaveACongestedLinkWithoutAFlush() throws Exception
    {
        for (int round = 0; round < ROUNDS; round++)
        {
            runRound(round);
        }
    }

    private static void runRound(final int round) throws Exception
    {
        final AtomicInteger scheduled = new AtomicInteger();
        final CongestionFlush flush = new CongestionFlush(scheduled::incrementAndGet, scheduled::incrementAndGet);
        final List<FakeLink> links = new ArrayList<>();
        for (int i = 0; i < LINKS; i++)
        {
            links.add(new FakeLink());
        }
        final AtomicBoolean sending = new AtomicBoolean(true);
        final CyclicBarrier start = new CyclicBarrier(SENDERS + 1);
        final List<Thread> senders = new ArrayList<>();
        final AtomicInteger running = new AtomicInteger(SENDERS);
        for (int s = 0; s < SENDERS; s++)
        {
            final Thread sender = new Thread(() ->
            {
                try
                {
                    start.await();
                    for (int i = 0; i < CONGESTIONS_PER_SENDER; i++)
                    {
                        links.get(ThreadLocalRandom.current().nextInt(LINKS)).congest(flush);
                    }
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
                finally
                {
                    if (0 == running.decrementAndGet())
                    {
                        sending.set(false);
                    }
                }
            }, "congesting-sender-" + s);
            senders.add(sender);
            sender.start();
        }
        start.await();
        // The flusher: runs each flush it was scheduled, as the direct-path actor does, while the senders run and
        // after they stopped, until none is scheduled any more.
        while (sending.get() || scheduled.get() > 0)
        {
            if (scheduled.get() > 0)
            {
                scheduled.decrementAndGet();
                flush.onFlush();
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        for (final Thread sender : senders)
        {
            sender.join();
        }
        while (scheduled.get() > 0)
        {
            scheduled.decrementAndGet();
            flush.onFlush();
        }
        for (int i = 0; i < LINKS; i++)
        {
            assertFalse(links.get(i).isCongested(), "round " + round + ": link " + i + " still holds messages " +
                "and no flush is scheduled for it");
        }
        assertEquals(0, flush.congestedCount(), "round " + round + ": nothing should wait for a flush");
    }
}
