package io.pekkoshm.remote.transport;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.pekkoshm.remote.blob.BlobBlock;
import io.pekkoshm.remote.blob.BlobPool;
import io.pekkoshm.remote.blob.BlobStoreException;
import io.pekkoshm.remote.host.DoorbellIdleStrategy;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.wire.BlobDescriptorFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.BufferUtil;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending side of one association: frames go into the association's exclusive publication, i.e. straight into
 * the peer's pre-mapped log buffer.
 * <p>
 * A message that fits one IPC fragment is written in place with {@code tryClaim} (no intermediate copy); a larger
 * one is gathered from a header and the payload with a vectored {@code offer}. When the log is full
 * ({@code BACK_PRESSURED}, {@code ADMIN_ACTION}, or not yet connected during the handshake), messages are staged,
 * in order, in a buffer of {@code outbound-batch-size} that is sent as one BATCH frame as soon as the log has room;
 * while anything is staged every new message is staged behind it, so order always holds. Only when the staging
 * buffer is full too does a write answer false (the publication is really full), and then it has taken nothing.
 * {@code CLOSED} and {@code MAX_POSITION_EXCEEDED} end the association.
 * <p>
 * A payload larger than {@code blob.threshold} is copied once into a block of the node's {@link BlobPool} and
 * only a BLOB descriptor goes into the log, in order with the small messages. The copy is made before the lock is
 * taken (a GiB takes a good part of a second): other writers of the association, the node agent's flushes and its
 * heartbeats go on meanwhile, and the lock is held only to publish the descriptor, or to stage it when the log is
 * full, like any other message.
 * <p>
 * To a peer of another host (no blob store: nothing is shared) a body too large for one frame goes in pieces
 * ({@link OutboundPieces}), when the peer's handshake said it takes them: serialized once on the writer's thread
 * (before the lock), its first piece written in order like any message, the rest as the log has room, by the writer
 * and then by the node agent's duty cycle ({@link #sendPieces}); small messages go between the pieces, and one large
 * body is sent at a time per association (a second one answers FULL until the first is out).
 * <p>
 * Frames are DATA (a classic remoting payload, {@link #write}) or DIRECT (a direct-path envelope written in place by
 * its {@link FrameBody}, {@link #writeFrame}); both kinds share this one ordered stream.
 * <p>
 * After every publish the peer's {@link PeerDoorbell} is rung (a fence and a read; a datagram only when the peer
 * sleeps), except for heartbeats, which the peer reads at its own periodic wake-up; a write that is staged wakes this
 * node's agent, which flushes it (see {@link DoorbellIdleStrategy}).
 * <p>
 * Threading: any thread may call {@link #write}, {@link #writeFrame}, {@link #flush} and {@link #sendControl}; they
 * serialise on this outbox's lock, a large body's copy into its block excepted (classic remoting writes from the
 * association's endpoint writer and its protocol layer, the direct path from the sending actors' threads, and the
 * node agent flushes and sends heartbeats).
 */
final class Outbox implements AutoCloseable
{
    /** {@link #writeFrame} answers: the frame was sent, or staged to be sent in order. */
    static final int TAKEN = 1;
    /** {@link #writeFrame} answers: no room now (log and staging full, or the blob cap reached); nothing taken. */
    static final int FULL = 0;
    /**
     * {@link #writeFrame} answers: no room now for a body too large for one frame that goes in pieces (another is going
     * out, messages are staged, or the log has no room for its first piece); nothing taken.
     * {@link #refusesLargeBody} tells when it would be taken again.
     */
    static final int FULL_LARGE = 2;
    /** {@link #writeFrame} answers: the association is over. */
    static final int CLOSED = -1;
    /** {@link #writeFrame} answers: larger than the largest frame or blob this outbox can carry. */
    static final int TOO_LARGE = -2;
    /** {@link #tryClose} and {@link #tryAbandon} answer: a writer holds the outbox now; nothing done, try again. */
    static final int BUSY = -1;
    /** Under the lock: the body with its envelope is too large for one frame; it goes through the blob store. */
    private static final int NEEDS_BLOB = -3;
    /** How many bytes of pieces one call of {@link #sendPieces} (or a writer after its first piece) writes at most. */
    private static final int PIECES_PER_TURN = 256 * 1024;
    /**
     * How many bytes of pieces may wait in the log for the driver to send them: a small message written between
     * pieces goes out behind them, so this bounds how long it waits (about 1 ms at 250 MB/s), where the publication's
     * whole window (half a term) would make it wait for megabytes.
     */
    private static final int PIECES_AHEAD = 256 * 1024;

    /** What the last failed attempt to publish answered, when it ends the association. */
    private volatile long terminalResult;

    private final ReentrantLock lock = new ReentrantLock();
    /** The node's blob pool, or null when the blob store is off. */
    private final BlobPool blobs;
    private final int blobThreshold;
    private final long maxBlobLength;

    /** The receiving peer, once known (blocks in flight are reclaimed if its process dies). */
    private volatile NodeIdentity peer;
    private final ExclusivePublication publication;
    /** What carries the publication (read on the direct path's send, per message: decided once). */
    private final Medium medium;
    private final TransportCounters counters;
    /** What this outbox sent; written under {@link #lock} only. */
    private final SendCounts sent;
    private final BufferClaim claim = new BufferClaim();
    /** Writes the headers of the frames, under {@link #lock}. */
    private final FrameHeaderFlyweight frameHeader = new FrameHeaderFlyweight();
    private final BlobDescriptorFlyweight blobDescriptor = new BlobDescriptorFlyweight();
    private final UnsafeBuffer header = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final ClassicBody classicBody = new ClassicBody();
    /** Frames larger than one fragment, gathered before they are offered (grown on demand, up to the largest). */
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);
    private final StagedBatch staged;
    private final int maxClaimLength;
    private boolean closed;
    /** The peer reassembles bodies sent in pieces (its handshake said so); set once, before the route opens. */
    private volatile boolean peerTakesPieces;
    /** The large body being sent in pieces, or null; written under the lock, read anywhere (a cheap pre-check). */
    private volatile OutboundPieces pieces;
    /**
     * A writer was refused (FULL) because a large body was going out in pieces: the last piece runs
     * {@link #roomListener}. Set before the writer looks at {@link #pieces} and taken after the last piece cleared it
     * (both volatile), so a writer refused for pieces that just ended is never missed (at worst one listener call
     * is spare).
     */
    private volatile boolean writerWaitsForPieces;
    /**
     * A writer was refused (FULL) because the staging batch was full and the log had no room for it: set under the
     * lock when a write is refused while something is staged, cleared under the lock when the staged batch goes out
     * (so it is never set with nothing staged, which nothing would clear). Read anywhere ({@link #isFull}).
     */
    private volatile boolean stagingFull;
    /** Told when a large body's last piece is out and a writer was refused for it; null for none. */
    private volatile Runnable roomListener;
    /** Set by the node agent when the association ends: writes answer CLOSED from now on, without the lock. */
    private volatile boolean stopped;
    /** Finds the peer's doorbell and wakes this node's agent; null in tests that run an outbox alone. */
    private volatile Doorbells doorbells;
    /**
     * The peer's doorbell; null while not found (a peer that never sleeps, or one still starting), and once closed.
     * Rung only under the lock, and replaced and released only under it, so a ring never touches a released mapping.
     */
    private volatile PeerDoorbell peerDoorbell;

    Outbox(final ExclusivePublication publication, final int batchSize, final TransportCounters counters)
    {
        this(publication, batchSize, counters, null, 0, 0);
    }

    Outbox(final ExclusivePublication publication, final int batchSize, final TransportCounters counters,
        final BlobPool blobs, final int blobThreshold, final long maxBlobLength)
    {
        this.maxBlobLength = maxBlobLength;
        this.publication = publication;
        this.medium = mediumOf(publication);
        this.counters = counters;
        this.sent = counters.open();
        this.blobs = blobs;
        this.blobThreshold = blobThreshold;
        this.staged = new StagedBatch(Math.min(batchSize, publication.maxMessageLength()));
        this.maxClaimLength = publication.maxPayloadLength();
    }

    /** The largest payload a DATA frame can carry. */
    int maxPayloadLength()
    {
        return publication.maxMessageLength() - FrameHeaderFlyweight.LENGTH;
    }

    /**
     * The largest body this outbox can carry: through the blob store when it is on, in pieces to a peer of another
     * host that takes them (the same bound), else in one frame.
     */
    long maxBodyLength()
    {
        return null != blobs || sendsPieces() ? maxBlobLength : maxPayloadLength();
    }

    /** Whether a payload of this length goes through the blob store. */
    boolean isBlob(final int length)
    {
        return null != blobs && length > blobThreshold;
    }

    /** The peer's handshake said whether it reassembles bodies sent in pieces (a node of another host). */
    void peerTakesPieces(final boolean takes)
    {
        this.peerTakesPieces = takes;
    }

    /** Whether a body too large for one frame goes in pieces: no blob store, a peer that takes them, a bound. */
    private boolean sendsPieces()
    {
        return null == blobs && peerTakesPieces && maxBlobLength > 0;
    }

    /**
     * Tells {@code listener} when the last piece of a large body is out and a writer was refused (FULL) while it went
     * out, so that what the writer holds goes out now rather than when it next tries. It runs on the thread that sent
     * the last piece (the node agent, or a writer), under the outbox's lock: it must only hand the news on.
     *
     * @param listener what to tell, or null for nobody.
     */
    void roomListener(final Runnable listener)
    {
        this.roomListener = listener;
    }

    /**
     * {@return whether a body too large for one frame, to a peer of another host, would be refused (FULL) now} A large
     * body is going out in pieces, messages are staged, or the log has no room for a first piece. The direct path
     * asks before it serializes a large message it holds again. Any thread.
     */
    boolean refusesLargeBody()
    {
        return sendsPieces() &&
            (null != pieces || hasStaged() || publication.availableWindow() < publication.maxMessageLength());
    }

    /**
     * {@return whether a write would be refused (FULL) now} A writer was refused because the staging was full, and
     * the staged batch has not gone out since. The direct path asks before it serializes a message it holds again,
     * which would be for nothing, and then only {@link #flush flushes} the batch. Any thread; a cheap pre-check, not
     * a promise: a write it lets through may still be refused.
     */
    boolean isFull()
    {
        return stagingFull && !stopped;
    }

    /** {@return whether a large body is being sent in pieces (the node agent sends more as the log has room)} */
    boolean hasPieces()
    {
        return null != pieces;
    }

    /** Sets the receiving peer once the handshake has named it, and finds its doorbell if not found yet. */
    void peer(final NodeIdentity peer)
    {
        this.peer = peer;
        final Doorbells bells = doorbells;
        final PeerDoorbell known = peerDoorbell;
        if (null != bells && (null == known || known.pid() != peer.pid()))
        {
            replaceDoorbell(bells.find(NodeRegistry.portOfStream(publication.streamId()), peer.pid()));
        }
    }

    /**
     * Rings the peer after each publish and wakes this node after each staged write from now on; looks up the peer's
     * doorbell by its port (in the publication's stream id). Once, when the outbox is made, on the agent's thread.
     */
    void doorbells(final Doorbells doorbells)
    {
        this.doorbells = doorbells;
        replaceDoorbell(doorbells.find(NodeRegistry.portOfStream(publication.streamId()), 0));
    }

    /** Under the lock, so that no ring holds the doorbell it releases. A closed outbox keeps none. */
    private void replaceDoorbell(final PeerDoorbell fresh)
    {
        final PeerDoorbell old;
        final boolean refused;
        lock.lock();
        try
        {
            old = peerDoorbell;
            refused = closed;
            peerDoorbell = refused ? null : fresh;
        }
        finally
        {
            lock.unlock();
        }
        if (null != old)
        {
            old.release();
        }
        if (refused && null != fresh)
        {
            fresh.release();
        }
    }

    /** {@return what this outbox has sent: its association describes itself there, for the per-association view} */
    SendCounts sendCounts()
    {
        return sent;
    }

    int sessionId()
    {
        return publication.sessionId();
    }

    /** {@return what carries this outbox's publication} */
    Medium medium()
    {
        return medium;
    }

    /**
     * {@return what carries a publication: UDP for an {@code aeron:udp} channel, else IPC}
     *
     * @param publication a publication into a peer's stream.
     */
    static Medium mediumOf(final ExclusivePublication publication)
    {
        final String channel = publication.channel();
        return null != channel && channel.startsWith("aeron:udp") ? Medium.UDP : Medium.IPC;
    }

    /**
     * Sends or stages one classic remoting payload.
     *
     * @return true if the message was taken (sent, or staged to be sent in order); false if the log and the staging
     * buffer are full or the association is over, in which case nothing was taken.
     * @throws BlobStoreException if the payload belongs in the blob store and can never be placed there.
     */
    boolean write(final byte[] bytes, final int offset, final int length)
    {
        if (stopped)
        {
            return false;
        }
        if (isBlob(length))
        {
            final ClassicBody body = new ClassicBody(); // its own: it is written outside the lock
            body.wrap(bytes, offset, length);
            return TAKEN == writeBlob(FrameHeaderFlyweight.DATA, body);
        }
        if (length > maxPayloadLength() && sendsPieces())
        {
            final ClassicBody body = new ClassicBody();
            body.wrap(bytes, offset, length);
            return TAKEN == writePieces(FrameHeaderFlyweight.DATA, body);
        }
        lock.lock();
        try
        {
            classicBody.wrap(bytes, offset, length);
            return TAKEN == writeFrameLocked(FrameHeaderFlyweight.DATA, classicBody);
        }
        finally
        {
            classicBody.wrap(null, 0, 0);
            lock.unlock();
        }
    }

    /**
     * Sends or stages one DATA or DIRECT frame whose body is written in place (see {@link FrameBody}).
     *
     * @return {@link #TAKEN} (sent, or staged to be sent in order), {@link #FULL} (the log and the staging buffer,
     * or the blob store's cap, leave no room: nothing taken), {@link #CLOSED} (the association is over) or
     * {@link #TOO_LARGE} (larger than any frame or blob of this outbox can carry).
     * @throws BlobStoreException if the body belongs in the blob store and can never be placed there.
     */
    int writeFrame(final byte type, final FrameBody body)
    {
        if (stopped)
        {
            return CLOSED;
        }
        if (isBlob(body.payloadLength()))
        {
            return writeBlob(type, body);
        }
        final int result;
        lock.lock();
        try
        {
            result = writeFrameLocked(type, body);
        }
        finally
        {
            lock.unlock();
        }
        if (NEEDS_BLOB == result)
        {
            return null != blobs ? writeBlob(type, body) : writePieces(type, body);
        }
        return result;
    }

    private int writeFrameLocked(final byte type, final FrameBody body)
    {
        if (closed || stopped || 0 != terminalResult)
        {
            return CLOSED;
        }
        final int length = body.length();
        if (length > maxPayloadLength())
        {
            return null != blobs || sendsPieces() ? NEEDS_BLOB : TOO_LARGE;
        }
        if (!staged.isEmpty() && !flushStaged())
        {
            return stage(type, body, length);
        }
        final long result = send(type, body, length);
        if (result > 0)
        {
            ringPeer();
            body.committed();
            sent.messagesSent.increment();
            sent.bytesSent.add(length);
            countDirect(type, 1);
            return TAKEN;
        }
        return onNotSent(result) ? stage(type, body, length) : CLOSED;
    }

    /**
     * Sends what is staged, if the log has room. Never blocks on the lock: a writer that holds it flushes anyway.
     *
     * @return true if a batch was sent.
     */
    boolean flush()
    {
        if (!staged.isEmpty() && lock.tryLock())
        {
            try
            {
                return !closed && !staged.isEmpty() && flushStaged();
            }
            finally
            {
                lock.unlock();
            }
        }
        return false;
    }

    boolean hasStaged()
    {
        return !staged.isEmpty();
    }

    /**
     * Sends a frame with no payload, or a handshake frame with its body, behind anything staged.
     *
     * @return true if sent; false if it could not be sent now (the caller retries or gives up).
     */
    boolean sendControl(final byte type, final int argument, final byte[] body)
    {
        return sendControl(type, argument, body, (short)0);
    }

    /** As {@link #sendControl(byte, int, byte[])}, with header flags (handshakes). */
    boolean sendControl(final byte type, final int argument, final byte[] body, final short flags)
    {
        lock.lock();
        try
        {
            return sendControlLocked(type, argument, body, flags);
        }
        finally
        {
            lock.unlock();
        }
    }

    private boolean sendControlLocked(final byte type, final int argument, final byte[] body, final short flags)
    {
        if (closed || (!staged.isEmpty() && !flushStaged()))
        {
            return false;
        }
        final int length = FrameHeaderFlyweight.LENGTH + (null == body ? 0 : body.length);
        final long result = publication.tryClaim(length, claim);
        if (result > 0)
        {
            frameHeader.wrap(claim.buffer(), claim.offset()).write(type, argument, flags);
            if (null != body)
            {
                claim.buffer().putBytes(frameHeader.bodyOffset(), body);
            }
            claim.commit();
            ringPeer();
            return true;
        }
        onNotSent(result);
        return false;
    }

    /**
     * Sends a heartbeat unless a writer holds the outbox (it is sending, which proves liveness as well): the node
     * agent must never wait behind a writer that copies a large payload.
     *
     * @return true if a heartbeat was sent.
     */
    boolean tryHeartbeat()
    {
        if (!lock.tryLock())
        {
            return false;
        }
        try
        {
            if (closed || !staged.isEmpty() || !publication.isConnected())
            {
                return false;
            }
            final long result = publication.tryClaim(FrameHeaderFlyweight.LENGTH, claim);
            if (result > 0)
            {
                frameHeader.wrap(claim.buffer(), claim.offset()).write(FrameHeaderFlyweight.HEARTBEAT, 0);
                claim.commit();
                return true;
            }
            onNotSent(result);
            return false;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Whether the publication is connected to the peer's subscription. */
    boolean isConnected()
    {
        return publication.isConnected();
    }

    /** Non-zero once the publication answered CLOSED or MAX_POSITION_EXCEEDED. */
    long terminalResult()
    {
        return terminalResult;
    }

    /**
     * The association has ended: every write from now on answers CLOSED. Never waits; the outbox is closed by
     * {@link #tryClose} or {@link #tryAbandon} afterwards.
     */
    void stopTakingWrites()
    {
        stopped = true;
    }

    /**
     * Closes the outbox unless a writer holds it (the node agent never waits behind a writer that copies a large
     * body): optionally sends DISASSOCIATE behind what is staged, then closes the publication.
     *
     * @return how many staged messages were never sent (counted as dropped), or {@link #BUSY}: nothing done.
     */
    int tryClose(final boolean tellPeer)
    {
        if (!lock.tryLock())
        {
            return BUSY;
        }
        try
        {
            if (tellPeer && !closed)
            {
                sendControlLocked(FrameHeaderFlyweight.DISASSOCIATE, 0, null, (short)0);
            }
            return closeLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * As {@link #abandon()}, unless a writer holds the outbox.
     *
     * @return how many staged messages were never sent (counted as dropped), or {@link #BUSY}: nothing done.
     */
    int tryAbandon()
    {
        if (!lock.tryLock())
        {
            return BUSY;
        }
        try
        {
            return abandonLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Closes the publication, waiting for a writer that holds the outbox (only at shutdown); returns how many staged
     * messages were never sent (counted as dropped).
     */
    int closeAndCountUnsent()
    {
        lock.lock();
        try
        {
            return closeLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    private int closeLocked()
    {
        final int unsent = abandonLocked();
        if (!publication.isClosed())
        {
            publication.close();
        }
        return unsent;
    }

    /**
     * Stops taking writes without touching the publication (its client is closed and its log may be unmapped);
     * returns how many staged messages were never sent (counted as dropped).
     */
    int abandon()
    {
        lock.lock();
        try
        {
            return abandonLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    private int abandonLocked()
    {
        if (closed)
        {
            return 0;
        }
        closed = true;
        final PeerDoorbell bell = peerDoorbell;
        peerDoorbell = null;
        if (null != bell)
        {
            bell.release(); // under the lock, which every ring holds
        }
        final int unsent = staged.count() + (null != pieces ? 1 : 0);
        pieces = null;
        counters.dropped(sent, unsent);
        for (int i = 0, blobCount = staged.blobCount(); i < blobCount; i++)
        {
            blobs.abandon(staged.block(i));
        }
        staged.clear();
        stagingFull = false; // a closed outbox answers CLOSED, which the direct path must get to see
        counters.close(sent);
        return unsent;
    }

    @Override
    public void close()
    {
        closeAndCountUnsent();
    }

    /**
     * A body too large for one frame, to a peer of another host: serialized once before the lock is taken (unless a
     * large body is still going out, or messages are staged: then FULL_LARGE, taking nothing, before any work), then,
     * under the lock, its first piece written in order and as many more as the log takes now; the node agent sends the
     * rest. Answers FULL_LARGE, taking nothing, when the first piece finds no room.
     */
    private int writePieces(final byte type, final FrameBody body)
    {
        if (refusedForPieces() || hasStaged())
        {
            countBackPressure();
            return FULL_LARGE;
        }
        final int length = body.detach();
        if (length > maxBlobLength)
        {
            return TOO_LARGE;
        }
        final byte[] bytes;
        try
        {
            bytes = new byte[length];
        }
        catch (final OutOfMemoryError ex)
        {
            throw new BlobStoreException("the heap has no room for its serialized copy of " + length + " bytes (" +
                ex.getMessage() + "): give the JVM a larger -Xmx");
        }
        body.write(new UnsafeBuffer(bytes), 0);
        lock.lock();
        try
        {
            if (closed || stopped || 0 != terminalResult)
            {
                return CLOSED;
            }
            if (null != pieces || (!staged.isEmpty() && !flushStaged()))
            {
                if (null != pieces)
                {
                    writerWaitsForPieces = true; // under the lock, which the last piece holds
                }
                sent.backPressure.increment();
                return FULL_LARGE;
            }
            final OutboundPieces next = new OutboundPieces(type, bytes);
            final long result = next.sendFirst(publication, header);
            if (result > 0)
            {
                pieces = next;
                sendMorePieces();
                return TAKEN;
            }
            return onNotSent(result) ? FULL_LARGE : CLOSED;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Whether a large body is going out in pieces, so a writer of another must wait: then {@link #writerWaitsForPieces}
     * is set before the second look at {@link #pieces}, so that either the writer sees the last piece out, or the last
     * piece sees the writer waiting.
     */
    private boolean refusedForPieces()
    {
        if (null == pieces)
        {
            return false;
        }
        writerWaitsForPieces = true;
        return null != pieces;
    }

    /**
     * Sends more pieces of the large body going out, as far as the log has room (at most a turn's worth). Never waits
     * for the lock: a writer that holds it sends pieces as well, or soon will.
     *
     * @return true if a piece was sent.
     */
    boolean sendPieces()
    {
        if (null == pieces || !lock.tryLock())
        {
            return false;
        }
        try
        {
            return !closed && null != pieces && sendMorePieces() > 0;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Under the lock: pieces until the log is full or a turn's worth is out; the last one counts the message sent. */
    private int sendMorePieces()
    {
        final OutboundPieces going = pieces;
        int written = 0;
        final long window = publication.termBufferLength() / 2; // Aeron's window of a network publication
        while (!going.isDone() && written < PIECES_PER_TURN && window - publication.availableWindow() < PIECES_AHEAD)
        {
            final long result = going.sendNext(publication, claim);
            if (result <= 0)
            {
                onNotSent(result);
                break;
            }
            written += maxClaimLength;
        }
        if (going.isDone())
        {
            pieces = null;
            sent.messagesSent.increment();
            sent.bytesSent.add(going.length());
            countDirect(going.type(), 1);
            final Runnable listener = roomListener;
            if (writerWaitsForPieces && null != listener)
            {
                writerWaitsForPieces = false;
                listener.run();
            }
        }
        return written;
    }

    /**
     * A large body: copied once into a block of the node's blob pool before the lock is taken, then, under the lock,
     * a BLOB descriptor published in its place, in order (or staged behind what is staged, as a BLOB record). Answers
     * FULL, taking nothing, while the pool's cap leaves no room (or the staging buffer is full too).
     *
     * @throws BlobStoreException if the body can never be placed (see its message).
     */
    private int writeBlob(final byte type, final FrameBody body)
    {
        if (null == peer)
        {
            return FULL; // the handshake has not named the receiver yet
        }
        final int length = body.detach();
        // a DIRECT body's failure is reported by the direct path, with the message: one Dropped per message
        final BlobBlock block = blobs.acquire(length, System.nanoTime(), FrameHeaderFlyweight.DATA == type);
        if (null == block)
        {
            countBackPressure();
            return FULL;
        }
        int result = CLOSED;
        try
        {
            body.write(block.data(), 0);
            lock.lock();
            try
            {
                result = publishBlob(type, block, length);
            }
            finally
            {
                lock.unlock();
            }
            return result;
        }
        finally
        {
            if (TAKEN != result)
            {
                blobs.abandon(block);
            }
        }
    }

    /** Under the lock: the descriptor of a filled block goes into the log, or behind what is staged. */
    private int publishBlob(final byte type, final BlobBlock block, final int length)
    {
        if (closed || stopped || 0 != terminalResult)
        {
            return CLOSED;
        }
        if (staged.isEmpty() || flushStaged())
        {
            final long result = publication.tryClaim(BlobDescriptorFlyweight.FRAME_LENGTH, claim);
            if (result > 0)
            {
                frameHeader.wrap(claim.buffer(), claim.offset()).write(FrameHeaderFlyweight.BLOB, type);
                blobDescriptor.wrap(claim.buffer(), frameHeader.bodyOffset())
                    .blockId(block.id())
                    .generation(block.generation())
                    .bodyLength(length);
                markSent(block, length, System.nanoTime());
                // counted before the commit, which cannot fail: a receiver that answers at once must not find the
                // sender's counters without it (BlobTransferTest read 19 of 20 blobs sent after the 20th answer)
                sent.messagesSent.increment();
                sent.bytesSent.add(length);
                sent.blobsSent.increment();
                countDirect(type, 1);
                claim.commit();
                ringPeer();
                return TAKEN;
            }
            if (!onNotSent(result))
            {
                return CLOSED;
            }
        }
        if (staged.addBlob(type, block, length))
        {
            onStaged();
            return TAKEN;
        }
        stagingFull = true;
        sent.backPressure.increment();
        return FULL;
    }

    private void markSent(final BlobBlock block, final long length, final long nowNs)
    {
        final NodeIdentity receiver = peer;
        blobs.sent(block, length, receiver.pid(), receiver.processStartMillis(), nowNs, sent.blobBytesInUse);
    }

    private void countBackPressure()
    {
        lock.lock();
        try
        {
            sent.backPressure.increment();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Sends one frame: written in the claimed space when it fits a fragment, else gathered in scratch and offered. */
    private long send(final byte type, final FrameBody body, final int length)
    {
        final int frameLength = FrameHeaderFlyweight.LENGTH + length;
        if (frameLength <= maxClaimLength)
        {
            final long result = publication.tryClaim(frameLength, claim);
            if (result > 0)
            {
                frameHeader.wrap(claim.buffer(), claim.offset()).write(type, 0);
                body.write(claim.buffer(), frameHeader.bodyOffset());
                claim.commit();
            }
            return result;
        }
        if (body == classicBody)
        {
            frameHeader.wrap(header, 0).write(type, 0);
            return publication.offer(header, 0, FrameHeaderFlyweight.LENGTH, classicBody.view, 0, length);
        }
        scratch.checkLimit(frameLength);
        frameHeader.wrap(scratch, 0).write(type, 0);
        body.write(scratch, FrameHeaderFlyweight.LENGTH);
        return publication.offer(scratch, 0, frameLength);
    }

    private int stage(final byte type, final FrameBody body, final int length)
    {
        if (staged.add(type, body, length))
        {
            onStaged();
            return TAKEN;
        }
        // A body larger than the whole batch, refused with nothing staged, is refused by the log alone: no batch will
        // go out to say there is room, so the writer must keep trying it.
        stagingFull = !staged.isEmpty();
        return FULL;
    }

    /** After a publish: the fence and read of the peer's doorbell, and a wake-up if it sleeps. */
    private void ringPeer()
    {
        final PeerDoorbell bell = peerDoorbell;
        if (null != bell)
        {
            bell.ring();
        }
    }

    /**
     * Under the lock, after a write was staged: this node's agent must not sleep past it (it flushes staged writes).
     * Only the first of a batch wakes it: the agent never goes to sleep while anything is staged
     * ({@code NodeAgent.canSleep}), so a later one finds it awake, or woken by the first. A wake-up per staged write
     * cost a congested sender 13 % of its time in the selector's wake-up, against the agent waking from it.
     */
    private void onStaged()
    {
        final Doorbells bells = doorbells;
        if (null != bells && 1 == staged.count())
        {
            bells.wakeOwn();
        }
    }

    /**
     * Offers the staged batch. Blocks of its BLOB records are marked sent just before (a receiver may claim one as
     * soon as the batch is in the log) and taken back if the offer fails.
     */
    private boolean flushStaged()
    {
        final int blobCount = staged.blobCount();
        if (blobCount > 0)
        {
            final long now = System.nanoTime();
            for (int i = 0; i < blobCount; i++)
            {
                markSent(staged.block(i), staged.blockLength(i), now);
            }
        }
        final long result = publication.offer(staged.frame(), 0, staged.frameLength());
        if (result > 0)
        {
            ringPeer();
            sent.messagesSent.add(staged.count());
            sent.bytesSent.add(staged.payloadBytes());
            sent.batchesSent.increment();
            sent.directSent.add(staged.directCount());
            sent.blobsSent.add(blobCount);
            staged.clear();
            stagingFull = false;
            return true;
        }
        for (int i = 0; i < blobCount; i++)
        {
            blobs.recall(staged.block(i));
        }
        onNotSent(result);
        return false;
    }

    private void countDirect(final byte type, final int count)
    {
        if (FrameHeaderFlyweight.DIRECT == type)
        {
            sent.directSent.add(count);
        }
    }

    /** Classifies a failed publication result; true when it is transient (worth staging and retrying). */
    private boolean onNotSent(final long result)
    {
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            sent.backPressure.increment();
            final Doorbells bells = doorbells;
            if (null != bells)
            {
                bells.ringDriver(); // only the driver moves the limit; a sleeping one would move it at its deadline
            }
            return true;
        }
        if (result == Publication.NOT_CONNECTED)
        {
            return true; // the handshake is still connecting the publication, or the peer is going: it decides
        }
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
        {
            terminalResult = result;
        }
        return false;
    }

    static String describe(final long result)
    {
        if (result == Publication.NOT_CONNECTED)
        {
            return "NOT_CONNECTED";
        }
        if (result == Publication.BACK_PRESSURED)
        {
            return "BACK_PRESSURED";
        }
        if (result == Publication.ADMIN_ACTION)
        {
            return "ADMIN_ACTION";
        }
        if (result == Publication.CLOSED)
        {
            return "CLOSED";
        }
        if (result == Publication.MAX_POSITION_EXCEEDED)
        {
            return "MAX_POSITION_EXCEEDED";
        }
        return Long.toString(result);
    }
}
