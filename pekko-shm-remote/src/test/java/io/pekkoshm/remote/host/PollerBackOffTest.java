package io.pekkoshm.remote.host;

import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PollerBackOffTest
{
    private static final long YIELD_NS = 50_000;
    private static final long MIN_PARK_NS = 1_000;
    private static final long MAX_PARK_NS = 8_000;

    private long now;
    private final NanoClock clock = () -> now;

    @Test
    void shouldSpinThenYieldUntilItsTimeIsUpThenPark()
    {
        final PollerBackOff backOff = new PollerBackOff(3, YIELD_NS, MIN_PARK_NS, MAX_PARK_NS, clock);
        for (int i = 0; i < 3; i++)
        {
            backOff.idle(0);
            assertEquals(PollerBackOff.State.SPINNING, backOff.state(), "idle cycle " + i);
        }
        backOff.idle(0);
        assertEquals(PollerBackOff.State.YIELDING, backOff.state(), "after the spins");
        for (int i = 0; i < 1_000; i++)
        {
            backOff.idle(0);
            assertEquals(PollerBackOff.State.YIELDING, backOff.state(), "however many yields, before its time is up");
        }
        now += YIELD_NS - 1;
        backOff.idle(0);
        assertEquals(PollerBackOff.State.YIELDING, backOff.state(), "a nanosecond before its time is up");
        now += 1;
        backOff.idle(0);
        assertEquals(PollerBackOff.State.PARKING, backOff.state(), "once its time is up");
        assertEquals(2 * MIN_PARK_NS, backOff.nextParkNs(), "the first park is the shortest, the next twice as long");
    }

    @Test
    void shouldDoubleEachParkUpToTheLongest()
    {
        final PollerBackOff backOff = new PollerBackOff(0, 0, MIN_PARK_NS, MAX_PARK_NS, clock);
        backOff.idle(0);
        assertEquals(PollerBackOff.State.PARKING, backOff.state(), "no spins and no yield time: parks at once");
        final long[] expected = { 4_000, 8_000, 8_000, 8_000 };
        for (final long next : expected)
        {
            backOff.idle(0);
            assertEquals(next, backOff.nextParkNs());
        }
    }

    @Test
    void shouldStartOverWithSpinsAfterWork()
    {
        final PollerBackOff backOff = new PollerBackOff(2, YIELD_NS, MIN_PARK_NS, MAX_PARK_NS, clock);
        for (int i = 0; i < 3; i++)
        {
            backOff.idle(0);
        }
        now += YIELD_NS;
        backOff.idle(0);
        assertEquals(PollerBackOff.State.PARKING, backOff.state());

        backOff.idle(1);
        assertEquals(PollerBackOff.State.NOT_IDLE, backOff.state(), "work resets it");
        backOff.idle(0);
        backOff.idle(0);
        assertEquals(PollerBackOff.State.SPINNING, backOff.state(), "spins again after work");
        backOff.idle(0);
        assertEquals(PollerBackOff.State.YIELDING, backOff.state(), "and yields for its whole time again");
        now += YIELD_NS - 1;
        backOff.idle(0);
        assertEquals(PollerBackOff.State.YIELDING, backOff.state(), "the yield time counts from the end of the spins");
    }

    @Test
    void shouldRefuseAParkLongerThanItsLongestOrNone()
    {
        assertThrows(IllegalArgumentException.class, () -> new PollerBackOff(1, 1, 2_000, 1_000, clock));
        assertThrows(IllegalArgumentException.class, () -> new PollerBackOff(1, 1, 0, 1_000, clock));
        assertThrows(IllegalArgumentException.class, () -> new PollerBackOff(-1, 1, 1, 1_000, clock));
    }
}
