package io.pekkoshm.remote.direct;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PerThreadCountTest
{
    @Test
    void shouldSumNothingBeforeAnyAdd()
    {
        assertEquals(0, new PerThreadCount().sum());
    }

    @Test
    @Timeout(60)
    void shouldLoseNoCountWhenManyThreadsAddAtOnceAndThenEnd() throws Exception
    {
        final PerThreadCount count = new PerThreadCount();
        final int threads = 8;
        final int adds = 100_000;
        final CyclicBarrier start = new CyclicBarrier(threads);
        final List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++)
        {
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
                for (int n = 0; n < adds; n++)
                {
                    count.increment();
                }
            });
            thread.start();
            started.add(thread);
        }
        for (final Thread thread : started)
        {
            thread.join();
        }

        assertEquals((long)threads * adds, count.sum());
    }

    @Test
    void shouldCountAThreadsAddsInOneCell()
    {
        final PerThreadCount count = new PerThreadCount();

        count.increment();
        count.increment();

        assertEquals(2, count.sum());
    }
}
