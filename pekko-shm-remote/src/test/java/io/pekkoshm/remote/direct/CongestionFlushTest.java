package io.pekkoshm.remote.direct;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CongestionFlushTest
{
    /** A link that stays congested until told otherwise. */
    private static final class HeldLink implements CongestionFlush.Link
    {
        private boolean congested = true;

        @Override
        public boolean flushCongested()
        {
            return congested;
        }

        @Override
        public boolean isCongested()
        {
            return congested;
        }
    }

    @Test
    void shouldFlushAtOnceWhenTheTransportMakesRoomWhileALinkHoldsMessages()
    {
        final AtomicInteger ticks = new AtomicInteger();
        final AtomicInteger now = new AtomicInteger();
        final CongestionFlush flush = new CongestionFlush(ticks::incrementAndGet, now::incrementAndGet);

        flush.roomMade();
        assertEquals(0, now.get(), "no link holds anything: nothing to flush");

        final HeldLink link = new HeldLink();
        flush.congested(link);
        assertEquals(1, ticks.get(), "a congested link is flushed at the next tick");
        flush.roomMade();
        assertEquals(1, now.get(), "and at once when the transport has room");

        link.congested = false;
        flush.onFlush();
        assertEquals(0, flush.congestedCount());
        flush.roomMade();
        assertEquals(1, now.get(), "flushed: nothing held any more");
    }
}
