package io.pekkoshm.remote.transport;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A peer's {@link Doorbell} as its writers see it: its state word in the driver's CnC file and the address of its
 * wake-up channel. {@link #ring} after every publish into the peer's log: a full fence (the log write before the read
 * of the state word), then, only if the peer sleeps, one CAS to AWAKE and, for the writer that won it, one datagram.
 * The common case, a peer that polls, costs the fence and one read.
 * <p>
 * Before it CASes, a ring checks that the counter is still allocated and still this peer's (type, port and pid in
 * its key): a counter the driver freed is reused only after its free-to-reuse timeout, so a peer that went away is
 * not mistaken for another counter. A ring that cannot be delivered is counted and never throws into the writer.
 * <p>
 * Threading: immutable; {@link #ring} on any writer's thread.
 */
final class PeerDoorbell
{
    private final CountersReader counters;
    private final AtomicBuffer values;
    private final int counterId;
    private final int valueOffset;
    private final int port;
    private final long pid;
    private final InetSocketAddress wakeAddress;
    private final Doorbells doorbells;

    PeerDoorbell(final CountersReader counters, final int counterId, final int port, final long pid,
        final int wakePort, final Doorbells doorbells)
    {
        this.counters = counters;
        this.values = counters.valuesBuffer();
        this.counterId = counterId;
        this.valueOffset = CountersReader.counterOffset(counterId);
        this.port = port;
        this.pid = pid;
        this.wakeAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), wakePort);
        this.doorbells = doorbells;
    }

    /** {@return the peer's pid, as the counter's key says} */
    long pid()
    {
        return pid;
    }

    /** The caller has just published into the peer's log: wakes the peer if it sleeps. */
    void ring()
    {
        VarHandle.fullFence();
        if (Doorbell.SLEEPING == values.getLongVolatile(valueOffset))
        {
            ringSleeping();
        }
    }

    private void ringSleeping()
    {
        if (!isStillThePeers())
        {
            doorbells.failedRing();
            return;
        }
        if (values.compareAndSetLong(valueOffset, Doorbell.SLEEPING, Doorbell.AWAKE))
        {
            doorbells.send(wakeAddress);
        }
    }

    private boolean isStillThePeers()
    {
        return CountersReader.RECORD_ALLOCATED == counters.getCounterState(counterId) &&
            Doorbell.TYPE_ID == counters.getCounterTypeId(counterId) &&
            Doorbells.keyMatches(counters, counterId, port, pid);
    }

    @Override
    public String toString()
    {
        return "doorbell of node " + port + " (pid " + pid + ", counter " + counterId + ", " + wakeAddress + ")";
    }
}
