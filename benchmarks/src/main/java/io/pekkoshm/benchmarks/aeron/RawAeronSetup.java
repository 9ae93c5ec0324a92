package io.pekkoshm.benchmarks.aeron;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * The raw Aeron IPC floor's fixed choices, shared by both of its JVMs. One media driver (embedded in the peer JVM,
 * SHARED threading mode) serves both JVMs; the driver node publishes on {@link #TO_PEER}, the peer on
 * {@link #TO_DRIVER}; both use exclusive publications. Between workloads every poller backs off like Aeron's
 * default (spin, yield, then park up to 1 ms); only the ping-pong busy-spins, on both sides.
 */
final class RawAeronSetup
{
    static final String CHANNEL = "aeron:ipc";
    static final int TO_PEER = 1001;
    static final int TO_DRIVER = 1002;
    static final int FRAGMENT_LIMIT = 256;

    private RawAeronSetup()
    {
    }

    /** Aeron's default back-off: what a poller with nothing to do uses. */
    static IdleStrategy backoff()
    {
        return new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
    }
}
