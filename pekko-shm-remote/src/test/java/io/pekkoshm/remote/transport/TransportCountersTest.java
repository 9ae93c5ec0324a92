package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * Publishing a node's counters into the driver's CnC file never writes after the Aeron client unmapped it. Aeron's
 * client closes in this order: it marks itself closed, then takes its client lock, then unmaps the CnC file. The
 * tests play that conductor with a mock client whose counters record whether the file was unmapped when written.
 */
@Timeout(30)
class TransportCountersTest
{
    private final Aeron aeron = MockAeron.withCounters();
    private final Lock clientLock = aeron.context().clientLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean unmapped = new AtomicBoolean();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger writesAfterUnmap = new AtomicInteger();
    private final List<Counter> counters = new ArrayList<>();

    TransportCountersTest()
    {
        when(aeron.isClosed()).thenAnswer(invocation -> closed.get());
        when(aeron.addCounter(anyInt(), anyString())).thenAnswer(invocation ->
        {
            final Counter counter = mock(Counter.class);
            doAnswer(write ->
            {
                writes.incrementAndGet();
                if (unmapped.get())
                {
                    writesAfterUnmap.incrementAndGet();
                }
                return null;
            }).when(counter).setRelease(anyLong());
            counters.add(counter);
            return counter;
        });
    }

    /** What the client's conductor does when the client closes (driver gone, or closed by the node). */
    private void closeAsAeronDoes()
    {
        closed.set(true);
        clientLock.lock();
        try
        {
            unmapped.set(true);
        }
        finally
        {
            clientLock.unlock();
        }
    }

    @Test
    void shouldWriteEveryCounterWhileTheClientIsOpen()
    {
        final TransportCounters transport = new TransportCounters(aeron, "test");
        writes.set(0);

        transport.publish();

        assertEquals(counters.size(), writes.get());
        assertTrue(writes.get() > 20, "one write per counter");
    }

    @Test
    void shouldNotWriteOnceTheClientIsClosed()
    {
        final TransportCounters transport = new TransportCounters(aeron, "test");
        closeAsAeronDoes();
        writes.set(0);

        transport.publish();

        assertEquals(0, writes.get());
    }

    @Test
    void shouldNeverWriteAfterTheUnmapWhenTheClientClosesJustAfterTheCheck() throws Exception
    {
        final TransportCounters transport = new TransportCounters(aeron, "test");
        final Thread[] conductor = new Thread[1];
        // the client closes right after publish asked whether it is open: the conductor runs until it has unmapped
        // the file or waits for the client lock, whichever comes first
        when(aeron.isClosed()).thenAnswer(invocation ->
        {
            final boolean wasClosed = closed.get();
            if (null == conductor[0])
            {
                conductor[0] = new Thread(this::closeAsAeronDoes, "aeron-client-conductor");
                conductor[0].start();
                Thread.State state;
                while ((state = conductor[0].getState()) != Thread.State.TERMINATED && state != Thread.State.WAITING)
                {
                    Thread.onSpinWait();
                }
            }
            return wasClosed;
        });

        transport.publish();
        conductor[0].join();

        assertTrue(unmapped.get(), "the client closed meanwhile");
        assertEquals(0, writesAfterUnmap.get(), "no counter written into the unmapped file");
    }

    @Test
    void shouldSkipAPublishWhileAnotherThreadHoldsTheClientLock() throws Exception
    {
        final TransportCounters transport = new TransportCounters(aeron, "test");
        writes.set(0);
        final Thread holder = new Thread(clientLock::lock, "holder");
        holder.start();
        holder.join();
        assertFalse(clientLock.tryLock(), "another thread holds the lock");

        transport.publish();

        assertEquals(0, writes.get(), "the next duty publishes instead of waiting");
    }
}
