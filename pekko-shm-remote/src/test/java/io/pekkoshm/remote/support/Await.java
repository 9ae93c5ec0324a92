package io.pekkoshm.remote.support;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits for a condition with a deadline (the tests' replacement for sleeping). */
public final class Await
{
    private Await()
    {
    }

    /**
     * Polls {@code condition} until it holds, failing with {@code description} once {@code timeout} has passed.
     */
    public static void until(final Duration timeout, final BooleanSupplier condition,
        final Supplier<String> description)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long parkNs = TimeUnit.MICROSECONDS.toNanos(100);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("Not within " + timeout.toMillis() + " ms: " + description.get());
            }
            LockSupport.parkNanos(parkNs);
            parkNs = Math.min(parkNs * 2, TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
