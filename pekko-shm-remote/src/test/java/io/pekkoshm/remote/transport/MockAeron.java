package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.Counter;

import java.util.concurrent.locks.ReentrantLock;

import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** An Aeron client for tests without a driver: open, with a client lock, and counters that record what they get. */
final class MockAeron
{
    private MockAeron()
    {
    }

    /** {@return a mock client whose {@code addCounter} gives a fresh mock counter each time} */
    static Aeron withCounters()
    {
        final Aeron aeron = mock(Aeron.class);
        when(aeron.context()).thenReturn(new Aeron.Context().clientLock(new ReentrantLock()));
        when(aeron.addCounter(anyInt(), anyString())).thenAnswer(invocation -> mock(Counter.class));
        return aeron;
    }
}
