package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.apache.pekko.actor.Address;

/**
 * The direct path's way into one association: DIRECT frames written on the caller's thread into the association's
 * {@link Outbox}, in the same ordered stream as classic remoting's frames.
 */
public final class DirectRoute
{
    /** {@link #offer} answers: the frame was sent, or staged to be sent in order. */
    public static final int TAKEN = Outbox.TAKEN;
    /** {@link #offer} answers: back-pressured (the log and staging are full, or the blob cap is reached). */
    public static final int FULL = Outbox.FULL;
    /**
     * {@link #offer} answers: back-pressured for a body too large for one frame, to a node of another host (it goes in
     * pieces, and the route takes one such body at a time); {@link #refusesLargeBody()} says when to try again.
     */
    public static final int FULL_LARGE = Outbox.FULL_LARGE;
    /** {@link #offer} answers: the association has ended; this route is dead. */
    public static final int CLOSED = Outbox.CLOSED;
    /** {@link #offer} answers: larger than {@link #maxBodyLength()}. */
    public static final int TOO_LARGE = Outbox.TOO_LARGE;

    private final Outbox outbox;
    private final Address remoteAddress;
    private final long peerUid;
    /** Whether this is the peer's route ({@link DirectRoutes}): only then may the direct path write on it. */
    private volatile boolean current;
    /** The association ended; set and read under {@link DirectRoutes}' monitor. */
    boolean ended;

    DirectRoute(final Outbox outbox, final Address remoteAddress, final long peerUid)
    {
        this.outbox = outbox;
        this.remoteAddress = remoteAddress;
        this.peerUid = peerUid;
    }

    /**
     * Writes one DIRECT frame, on the caller's thread, in order with the association's other writers (any thread may
     * call; a body over the blob threshold is copied into its block before the outbox lock is taken).
     *
     * @param body the envelope and payload; asked for its length, then written straight into the log buffer, the
     * staging buffer or a blob block.
     * @return {@link #TAKEN}, {@link #FULL} or {@link #FULL_LARGE} (back-pressured: nothing taken, try again),
     * {@link #CLOSED} (the association has ended, or classic remoting writes to the peer on another association now:
     * this route is dead) or {@link #TOO_LARGE}.
     * @throws io.pekkoshm.remote.blob.BlobStoreException if the body belongs in the blob store and can never be
     * placed there (see its message); the route goes on.
     */
    public int offer(final FrameBody body)
    {
        if (!current)
        {
            return CLOSED; // classic writes to the peer on another association now (or this one ended)
        }
        return outbox.writeFrame(FrameHeaderFlyweight.DIRECT, body);
    }

    void current(final boolean current)
    {
        this.current = current;
    }

    /** {@return whether this is still the peer's route: false once its association ended or classic moved on} */
    public boolean isCurrent()
    {
        return current;
    }

    /**
     * {@return whether a body too large for one frame would be refused (FULL) now, to a node of another host} One is
     * going out in pieces (the route's room listener tells when it is out), or the log has no room for a first piece.
     * Always false on one host.
     */
    public boolean refusesLargeBody()
    {
        return outbox.refusesLargeBody();
    }

    /**
     * {@return whether a message would be refused (FULL) now: a writer found the staging full, and the staged batch
     * has not gone out since} The direct path asks before it serializes a message it holds again (which would be for
     * nothing), and then only {@link #flushStaged flushes} the batch. False once the route is dead (a write then
     * answers CLOSED). A cheap pre-check on any thread, not a promise.
     */
    public boolean isFull()
    {
        return current && outbox.isFull();
    }

    /**
     * Offers the staged batch of the route's association, if the log has room; never waits for the outbox's lock (a
     * writer that holds it flushes anyway). What a held message's flush tries while the route {@link #isFull is full},
     * instead of serializing the message only to be refused.
     *
     * @return true if a batch went out.
     */
    public boolean flushStaged()
    {
        return outbox.flush();
    }

    /** {@return the peer's address, with the full protocol} */
    public Address remoteAddress()
    {
        return remoteAddress;
    }

    /** What the route's association has sent (and dropped). */
    SendCounts sendCounts()
    {
        return outbox.sendCounts();
    }

    /** The peer actor system's uid (its incarnation as Pekko knows it). */
    long peerUid()
    {
        return peerUid;
    }

    /** {@return whether the peer is a node of this host (IPC), with which blob blocks and shared blobs are shared} */
    public boolean sharesMemory()
    {
        return Medium.IPC == outbox.medium();
    }

    /** {@return the largest body, in bytes, a frame of this route can carry (through the blob store, when it is on)} */
    public long maxBodyLength()
    {
        return outbox.maxBodyLength();
    }

    @Override
    public String toString()
    {
        return "DirectRoute(" + remoteAddress + ", session " + outbox.sessionId() + ")";
    }
}
