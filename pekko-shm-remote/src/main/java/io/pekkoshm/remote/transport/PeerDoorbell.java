package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.host.BellFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;

/**
 * A peer's {@link Doorbell} as its writers see it: the state word in the peer's {@link BellFile}, mapped by this
 * node, and the address of its wake-up channel. {@link #ring} after every publish into the peer's log
 * ({@link BellFile#claimWakeUp}: a fence and a read, a CAS and a datagram only when the peer sleeps).
 * <p>
 * The mapping is of one incarnation's file: a node that takes the port later writes a new file, so this one never
 * starts naming another node. After the peer has gone its word is read by nobody, and a ring of it costs a datagram
 * to a closed port at most. A ring that cannot be delivered is counted and never throws into the writer.
 * <p>
 * Threading: {@link #ring} on any writer's thread, always under the lock of the {@link Outbox} that owns this
 * doorbell; {@link #release} under the same lock (or once no thread can reach it), after which it is never rung.
 */
final class PeerDoorbell
{
    private final UnsafeBuffer bell;
    private final int port;
    private final long pid;
    private final InetSocketAddress wakeAddress;
    private final Doorbells doorbells;

    PeerDoorbell(final UnsafeBuffer bell, final Doorbells doorbells)
    {
        this.bell = bell;
        this.port = bell.getInt(BellFile.PORT_OFFSET);
        this.pid = bell.getLong(BellFile.PID_OFFSET);
        this.wakeAddress = BellFile.wakeAddress(bell);
        this.doorbells = doorbells;
    }

    /** {@return the peer's pid, as its bell file says} */
    long pid()
    {
        return pid;
    }

    /** Unmaps the bell file. The owning outbox calls it under its lock once it has let go of this doorbell. */
    void release()
    {
        BellFile.unmap(bell);
    }

    /** The caller has just published into the peer's log: wakes the peer if it sleeps. */
    void ring()
    {
        if (BellFile.claimWakeUp(bell))
        {
            doorbells.send(wakeAddress);
        }
    }

    @Override
    public String toString()
    {
        return "doorbell of node " + port + " (pid " + pid + ", " + wakeAddress + ")";
    }
}
