package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.blob.BlobReader;
import io.pekkoshm.remote.blob.BlobStoreException;
import io.pekkoshm.remote.blob.ClaimedBlob;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import io.pekkoshm.remote.wire.ChunkFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import io.pekkoshm.remote.wire.MalformedFrameException;
import org.agrona.DirectBuffer;
import org.apache.pekko.event.LoggingAdapter;

/**
 * Takes each decoded frame where it belongs: handshakes to the {@link Handshake}, classic payloads to the upper
 * layer (through the association's link), direct-path envelopes to the association's {@link DirectSession},
 * bodies in the peer's blob blocks out of the block first, bodies sent in pieces once put together
 * ({@link InboundChunks}), and the end of an association to {@link Associations}.
 * <p>
 * Threading: the node agent's only.
 */
final class FrameRouter implements FrameHandler
{
    private final Handshake handshake;
    private final Associations associations;
    private final Rejections rejections;
    private final DirectRouteKeeper direct;
    /** Reads the peers' blob blocks; null when this node's blob store is off. */
    private final BlobReader blobReader;
    /** Reads large bodies off this thread; null when this node's blob store is off. */
    private final LargeBodyWorkers largeBodies;
    private final TransportCounters counters;
    private final LoggingAdapter log;
    /** The largest body this node takes in pieces from a peer of another host; 0: none. */
    private final long maxChunkedLength;
    private final ChunkFlyweight chunk = new ChunkFlyweight();
    private long nowNs;

    FrameRouter(
        final Handshake handshake,
        final Associations associations,
        final Rejections rejections,
        final DirectRouteKeeper direct,
        final BlobReader blobReader,
        final LargeBodyWorkers largeBodies,
        final TransportCounters counters,
        final long maxChunkedLength,
        final LoggingAdapter log)
    {
        this.maxChunkedLength = maxChunkedLength;
        this.handshake = handshake;
        this.associations = associations;
        this.rejections = rejections;
        this.direct = direct;
        this.blobReader = blobReader;
        this.largeBodies = largeBodies;
        this.counters = counters;
        this.log = log;
    }

    /** The duty cycle's clock, set before the node's stream is polled. */
    void now(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    @Override
    public void onHello(final long sessionKey, final DirectBuffer buffer, final int offset, final int length)
    {
        handshake.onHello(sessionKey, buffer, offset, length, nowNs);
    }

    @Override
    public void onHelloAck(final long sessionKey, final DirectBuffer buffer, final int offset, final int length)
    {
        handshake.onHelloAck(sessionKey, buffer, offset, length, nowNs);
    }

    @Override
    public void onData(final Association association, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        counters.messagesReceived.increment();
        counters.bytesReceived.add(length);
        final InboundOrder order = association.inboundOrder();
        if (null == order)
        {
            association.deliver(bytes);
        }
        else
        {
            order.deliverClassic(bytes);
        }
    }

    /**
     * One direct-path envelope: decoded and handed to the recipient by the provider's {@link DirectSession} for this
     * association, opened on the first DIRECT frame. A malformed envelope ends the association.
     */
    @Override
    public void onDirect(final Association association, final DirectBuffer buffer, final int offset, final int length)
    {
        counters.messagesReceived.increment();
        counters.bytesReceived.add(length);
        counters.directReceived.increment();
        direct.session(association).onFrame(buffer, offset, length);
    }

    /**
     * A body in the peer's blob block: claimed here, in stream order, and read off this thread by a large-body
     * thread ({@link LargeBodyWorkers}); what must come after it waits ({@link InboundOrder}, and the direct path's
     * per-recipient order), everything else goes on.
     */
    @Override
    public void onBlob(
        final Association association,
        final byte bodyType,
        final long blockId,
        final long generation,
        final long length)
    {
        if (null == blobReader)
        {
            throw new MalformedFrameException(
                "a blob descriptor, but this node's blob store is off (pekko.remote.shm.blob.max-bytes = 0)");
        }
        final ClaimedBlob body;
        try
        {
            body = blobReader.claim(association.peer().pid(), association.peer().incarnation(), blockId, generation,
                length, nowNs);
        }
        catch (final BlobStoreException ex)
        {
            throw new MalformedFrameException(ex.getMessage());
        }
        counters.blobsReceived.increment();
        counters.messagesReceived.increment();
        counters.bytesReceived.add(length);
        final InboundOrder order = orderOf(association);
        if (FrameHeaderFlyweight.DIRECT == bodyType)
        {
            counters.directReceived.increment();
            try
            {
                direct.session(association).onBlobFrame(body, order);
            }
            catch (final RuntimeException ex)
            {
                body.release(); // thrown before anything was submitted (DirectSession's contract)
                throw ex;
            }
            return;
        }
        order.deliverClassicLarge(body);
    }

    /**
     * One piece of a body a peer of another host sends in pieces ({@link InboundChunks}): at its first piece the body
     * takes its place in the association's order (a DIRECT body's envelope is decoded, in its recipient's lane), and
     * it is read off this thread once its last piece is in, as a blob body is.
     */
    @Override
    public void onChunk(final Association association, final byte bodyType, final DirectBuffer buffer,
        final int offset, final int length)
    {
        if (null == largeBodies || maxChunkedLength <= 0)
        {
            throw new MalformedFrameException("a chunk, but this node reads no bodies in pieces " +
                "(pekko.remote.shm.blob.max-bytes = 0)");
        }
        chunk.wrap(buffer, offset, length);
        final InboundChunks chunks = association.inboundChunks(maxChunkedLength);
        final AssembledBody body;
        try
        {
            body = chunks.onPiece(chunk);
        }
        catch (final InboundChunks.BodyRefused refused)
        {
            counters.messagesReceived.increment();
            counters.dropped(association.outbox().sendCounts(), 1);
            ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_TOO_LARGE, 1,
                Association.fullAddress(association.remoteAddress()), refused.length() + " bytes");
            log.error("Dropped a message of {} bytes from {}: {}. Counted in 'messages dropped'; its pieces are " +
                "passed over and the association goes on.", refused.length(), association.remoteAddress(),
                refused.getMessage());
            return;
        }
        if (null == body)
        {
            return;
        }
        counters.messagesReceived.increment();
        counters.bytesReceived.add(body.length());
        final InboundOrder order = orderOf(association);
        final InboundOrder.Deferred reading = order.defer();
        if (FrameHeaderFlyweight.DIRECT == bodyType)
        {
            counters.directReceived.increment();
            try
            {
                direct.session(association).onBlobFrame(body, reading);
            }
            catch (final IndexOutOfBoundsException ex)
            {
                throw new MalformedFrameException("the envelope of a direct message of " + body.length() +
                    " bytes runs past its first piece (" + body.filled() + " bytes)");
            }
        }
        else
        {
            order.deliverClassicLarge(body, reading);
        }
        chunks.reading(reading);
    }

    private InboundOrder orderOf(final Association association)
    {
        InboundOrder order = association.inboundOrder();
        if (null == order)
        {
            order = new InboundOrder(association, largeBodies, counters, log);
            association.inboundOrder(order);
        }
        return order;
    }

    @Override
    public void onDisassociate(final Association association)
    {
        associations.end(association, "the peer ended it", false, true);
    }

    @Override
    public void onLateMessages(final long sessionKey, final int count)
    {
        counters.dropped.add(count);
        ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_LATE, count, null, Medium.describe(sessionKey));
        log.debug("Dropped {} message(s) that arrived after their association had ended", count);
    }

    /**
     * The block of a BLOB frame whose association has ended goes back to its owner at once: claimed (if it is still
     * the fill the descriptor names and waiting for this node) and freed unread. Its owner would otherwise keep it
     * until {@code blob.claim-timeout}.
     */
    @Override
    public void onLateBlob(final long sessionKey, final long blockId, final long generation, final long length)
    {
        final NodeIdentity peer = associations.endedPeer(sessionKey);
        if (null == blobReader || null == peer)
        {
            return;
        }
        if (blobReader.handBack(peer.pid(), peer.incarnation(), blockId, generation, length, nowNs))
        {
            log.debug("Handed blob block {} back to {}: its message arrived after the association had ended",
                blockId, peer);
        }
    }

    @Override
    public void onMalformed(final Association association, final String reason)
    {
        counters.rejected.increment();
        associations.end(association, reason, true, true);
    }

    @Override
    public void onRejected(final long sessionKey, final String reason)
    {
        rejections.reject(sessionKey, reason);
    }
}
