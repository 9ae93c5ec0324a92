package io.pekkoshm.remote.driver;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/**
 * The Aeron client's awaiting idle strategy: how a thread that sent the driver a command waits for its answer. The
 * client resets it right after writing the command, so {@link #reset} rings the driver's doorbell (the command is in
 * the driver's ring buffer before the ring reads the driver's state word) and a sleeping driver answers at once; the
 * waiting itself is Aeron's default, a 1 ms sleep.
 * <p>
 * Threading: the client calls it under its client lock, one thread at a time.
 */
final class RingingAwaitStrategy implements IdleStrategy
{
    private static final long AWAIT_SLEEP_MS = 1;

    private final DriverBell bell;
    private final IdleStrategy sleeping = new SleepingMillisIdleStrategy(AWAIT_SLEEP_MS);

    RingingAwaitStrategy(final DriverBell bell)
    {
        this.bell = bell;
    }

    @Override
    public void idle(final int workCount)
    {
        sleeping.idle(workCount);
    }

    @Override
    public void idle()
    {
        sleeping.idle();
    }

    @Override
    public void reset()
    {
        bell.ring();
        sleeping.reset();
    }

    @Override
    public String alias()
    {
        return "ringing-" + sleeping.alias();
    }
}
