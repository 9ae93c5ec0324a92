package io.pekkoshm.remote.transport;

/**
 * A counter with one writer at a time: the node agent's thread, or whichever thread holds the lock of the
 * {@link Outbox} it belongs to (the lock orders the writers). A write is a plain read and an ordered store, with no
 * atomic instruction and no cache line shared with other writers; any thread may read it. Aeron's counters work the
 * same way.
 */
final class OwnedCount extends Count
{
    private static final long serialVersionUID = 1L;

    @Override
    public void increment()
    {
        setRelease(getPlain() + 1);
    }

    @Override
    public void decrement()
    {
        setRelease(getPlain() - 1);
    }

    @Override
    public void add(final long delta)
    {
        setRelease(getPlain() + delta);
    }
}
