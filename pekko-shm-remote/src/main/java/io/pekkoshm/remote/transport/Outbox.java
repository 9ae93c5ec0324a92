package io.pekkoshm.remote.transport;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.pekkoshm.remote.blob.BlobBlock;
import io.pekkoshm.remote.blob.BlobPool;
import org.agrona.BufferUtil;
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
 * only a BLOB descriptor goes into the log, in order with the small messages.
 * <p>
 * Threading: any thread may call {@link #write}, {@link #flush} and {@link #sendControl}; they serialise on this
 * outbox's lock (classic remoting writes from the association's endpoint writer and its protocol layer, and the
 * node agent flushes and sends heartbeats).
 */
final class Outbox implements AutoCloseable
{
    /** What the last failed attempt to publish answered, when it ends the association. */
    private volatile long terminalResult;

    private final ReentrantLock lock = new ReentrantLock();
    /** The node's blob pool, or null when the blob store is off. */
    private final BlobPool blobs;
    private final int blobThreshold;
    /** The receiving peer, once known (blocks in flight are reclaimed if its process dies). */
    private volatile NodeIdentity peer;
    private final ExclusivePublication publication;
    private final TransportCounters counters;
    private final BufferClaim claim = new BufferClaim();
    private final UnsafeBuffer header = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer staging;
    private final int maxClaimLength;
    private int stagedLength;
    private int stagedCount;
    private boolean closed;

    Outbox(final ExclusivePublication publication, final int batchSize, final TransportCounters counters)
    {
        this(publication, batchSize, counters, null, 0);
    }

    Outbox(final ExclusivePublication publication, final int batchSize, final TransportCounters counters,
        final BlobPool blobs, final int blobThreshold)
    {
        this.publication = publication;
        this.counters = counters;
        this.blobs = blobs;
        this.blobThreshold = blobThreshold;
        this.staging = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            Math.min(batchSize, publication.maxMessageLength()), 64));
        this.maxClaimLength = publication.maxPayloadLength();
    }

    /** The largest payload a DATA frame can carry. */
    int maxPayloadLength()
    {
        return publication.maxMessageLength() - FrameHeader.LENGTH;
    }

    /** Whether a payload of this length goes through the blob store. */
    boolean isBlob(final int length)
    {
        return null != blobs && length > blobThreshold;
    }

    /** Sets the receiving peer once the handshake has named it. */
    void peer(final NodeIdentity peer)
    {
        this.peer = peer;
    }

    int sessionId()
    {
        return publication.sessionId();
    }

    /**
     * Sends or stages one message.
     *
     * @return true if the message was taken (sent, or staged to be sent in order); false if the log and the staging
     * buffer are full or the association is over, in which case nothing was taken.
     */
    boolean write(final byte[] bytes, final int offset, final int length)
    {
        lock.lock();
        try
        {
            if (closed || 0 != terminalResult)
            {
                return false;
            }
            if (isBlob(length))
            {
                return writeBlob(bytes, offset, length);
            }
            if (stagedCount > 0 && !flushStaged())
            {
                return stage(bytes, offset, length);
            }
            final long result = sendData(bytes, offset, length);
            if (result > 0)
            {
                counters.messagesSent.increment();
                counters.bytesSent.getAndAdd(length);
                return true;
            }
            return onNotSent(result) && stage(bytes, offset, length);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Sends what is staged, if the log has room. Never blocks on the lock: a writer that holds it flushes anyway.
     *
     * @return true if a batch was sent.
     */
    boolean flush()
    {
        if (stagedCount > 0 && lock.tryLock())
        {
            try
            {
                return !closed && stagedCount > 0 && flushStaged();
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
        return stagedCount > 0;
    }

    /**
     * Sends a frame with no payload, or a handshake frame with an identity body, behind anything staged.
     *
     * @return true if sent; false if it could not be sent now (the caller retries or gives up).
     */
    boolean sendControl(final byte type, final int argument, final NodeIdentity identity)
    {
        lock.lock();
        try
        {
            if (closed || (stagedCount > 0 && !flushStaged()))
            {
                return false;
            }
            final int length = FrameHeader.LENGTH + (null == identity ? 0 : HelloFlyweight.length(identity));
            final long result = publication.tryClaim(length, claim);
            if (result > 0)
            {
                FrameHeader.write(claim.buffer(), claim.offset(), type, argument);
                if (null != identity)
                {
                    HelloFlyweight.write(claim.buffer(), claim.offset() + FrameHeader.LENGTH, identity);
                }
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
            if (closed || stagedCount > 0 || !publication.isConnected())
            {
                return false;
            }
            final long result = publication.tryClaim(FrameHeader.LENGTH, claim);
            if (result > 0)
            {
                FrameHeader.write(claim.buffer(), claim.offset(), FrameHeader.HEARTBEAT, 0);
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

    /** Closes the publication; returns how many staged messages were never sent (counted as dropped). */
    int closeAndCountUnsent()
    {
        final int unsent = abandon();
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
            if (closed)
            {
                return 0;
            }
            closed = true;
            final int unsent = stagedCount;
            counters.dropped.getAndAdd(unsent);
            stagedCount = 0;
            stagedLength = 0;
            return unsent;
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public void close()
    {
        closeAndCountUnsent();
    }

    /**
     * A large payload: copied once into a block of the node's blob pool, and a BLOB descriptor published in its
     * place, in order (only when nothing is staged ahead of it). Answers false, taking nothing, while the pool's cap
     * or the log leaves no room.
     *
     * @throws io.pekkoshm.remote.blob.BlobStoreException if the payload can never be placed (see its message).
     */
    private boolean writeBlob(final byte[] bytes, final int offset, final int length)
    {
        final NodeIdentity receiver = peer;
        if (null == receiver || (stagedCount > 0 && !flushStaged()))
        {
            return false;
        }
        final BlobBlock block = blobs.acquire(length, System.nanoTime());
        if (null == block)
        {
            counters.backPressure.increment();
            return false;
        }
        block.data().putBytes(0, bytes, offset, length);
        final long result = publication.tryClaim(FrameHeader.BLOB_FRAME_LENGTH, claim);
        if (result > 0)
        {
            final int at = claim.offset();
            FrameHeader.write(claim.buffer(), at, FrameHeader.BLOB, 0);
            claim.buffer().putLong(at + FrameHeader.BLOB_ID_OFFSET, block.id());
            claim.buffer().putLong(at + FrameHeader.BLOB_GENERATION_OFFSET, block.generation());
            claim.buffer().putLong(at + FrameHeader.BLOB_LENGTH_OFFSET, length);
            blobs.sent(block, length, receiver.pid(), receiver.processStartMillis());
            claim.commit();
            counters.messagesSent.increment();
            counters.bytesSent.getAndAdd(length);
            counters.blobsSent.increment();
            return true;
        }
        blobs.abandon(block);
        onNotSent(result);
        return false;
    }

    private long sendData(final byte[] bytes, final int offset, final int length)
    {
        final int frameLength = FrameHeader.LENGTH + length;
        if (frameLength <= maxClaimLength)
        {
            final long result = publication.tryClaim(frameLength, claim);
            if (result > 0)
            {
                final int at = claim.offset();
                FrameHeader.write(claim.buffer(), at, FrameHeader.DATA, 0);
                claim.buffer().putBytes(at + FrameHeader.LENGTH, bytes, offset, length);
                claim.commit();
            }
            return result;
        }
        FrameHeader.write(header, 0, FrameHeader.DATA, 0);
        payloadView.wrap(bytes, offset, length);
        return publication.offer(header, 0, FrameHeader.LENGTH, payloadView, 0, length);
    }

    private boolean stage(final byte[] bytes, final int offset, final int length)
    {
        final int start = 0 == stagedCount ? FrameHeader.LENGTH : stagedLength;
        final int end = start + FrameHeader.BATCH_RECORD_HEADER_LENGTH + length;
        if (end > staging.capacity())
        {
            return false;
        }
        staging.putInt(start, length);
        staging.putBytes(start + FrameHeader.BATCH_RECORD_HEADER_LENGTH, bytes, offset, length);
        stagedLength = end;
        stagedCount++;
        return true;
    }

    private boolean flushStaged()
    {
        FrameHeader.write(staging, 0, FrameHeader.BATCH, stagedCount);
        final long result = publication.offer(staging, 0, stagedLength);
        if (result > 0)
        {
            counters.messagesSent.getAndAdd(stagedCount);
            counters.bytesSent.getAndAdd(stagedLength - FrameHeader.LENGTH -
                (long)stagedCount * FrameHeader.BATCH_RECORD_HEADER_LENGTH);
            counters.batchesSent.increment();
            stagedCount = 0;
            stagedLength = 0;
            return true;
        }
        onNotSent(result);
        return false;
    }

    /** Classifies a failed publication result; true when it is transient (worth staging and retrying). */
    private boolean onNotSent(final long result)
    {
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            counters.backPressure.increment();
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
