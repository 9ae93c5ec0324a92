package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.blob.BlobReader;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.apache.pekko.actor.Address;
import org.apache.pekko.event.LoggingAdapter;

import java.util.ArrayList;

/**
 * The node's associations, found by the session key of the peer's publication ({@link Medium#sessionKey}: its session
 * id and the medium it came by) or, for an initiator still waiting for HELLO_ACK, by its own publication's session id;
 * and the one place where an association ends.
 * <p>
 * Ending never waits for a writer: if a thread is writing into the association's outbox (say, copying a large body
 * into a blob block) the outbox is only marked closing, so every later write answers CLOSED at once, and the agent
 * closes the publication on a later duty cycle ({@link #closePending()}).
 * <p>
 * Threading: the node agent's only.
 */
final class Associations
{
    private final ArrayList<Association> all = new ArrayList<>();
    private final Long2ObjectHashMap<Association> bySession = new Long2ObjectHashMap<>();
    private final Int2ObjectHashMap<Association> awaitingAck = new Int2ObjectHashMap<>();
    /** Inbound sessions of associations this node has ended: their late frames are expected, not hostile. */
    private final LongHashSet endedSessions = new LongHashSet();
    /** The peers of ended sessions that had one: a late BLOB frame's block is handed back to its owner. */
    private final Long2ObjectHashMap<NodeIdentity> endedPeers = new Long2ObjectHashMap<>();
    /** Ended associations whose outbox a writer held: closed as soon as it is free. */
    private final ArrayList<Closing> closing = new ArrayList<>();
    private final Address localAddress;
    private final TransportCounters counters;
    private final DirectRouteKeeper direct;
    private final BlobReader blobReader;
    private final LoggingAdapter log;

    Associations(
        final Address localAddress,
        final TransportCounters counters,
        final DirectRouteKeeper direct,
        final BlobReader blobReader,
        final LoggingAdapter log)
    {
        this.localAddress = localAddress;
        this.counters = counters;
        this.direct = direct;
        this.blobReader = blobReader;
        this.log = log;
    }

    /** An initiator's new association: found by its own session until the peer's HELLO_ACK names the peer's. */
    void addOutbound(final Association association)
    {
        awaitingAck.put(association.outbox().sessionId(), association);
        all.add(association);
        counters.associations.increment();
    }

    /** An acceptor's new association: found by the session of the peer's publication. */
    void addInbound(final Association association)
    {
        bySession.put(association.inboundSessionKey(), association);
        all.add(association);
        counters.associations.increment();
    }

    /** The initiator's association has the peer's session now. */
    void established(final Association association)
    {
        bySession.put(association.inboundSessionKey(), association);
    }

    /** The initiator waiting for HELLO_ACK on its session {@code initiatorSession}; removed from the waiting. */
    Association takeAwaitingAck(final int initiatorSession)
    {
        return awaitingAck.remove(initiatorSession);
    }

    /** Puts back an initiator whose reply turned out forged: the real reply may still come. */
    void keepAwaitingAck(final int initiatorSession, final Association association)
    {
        awaitingAck.put(initiatorSession, association);
    }

    Association bySession(final long sessionKey)
    {
        return bySession.get(sessionKey);
    }

    /** Whether {@code sessionKey} belonged to an association this node has ended. */
    boolean isEnded(final long sessionKey)
    {
        return endedSessions.contains(sessionKey);
    }

    /**
     * {@return the peer of an association this node has ended, by its inbound session; null if there was none}
     *
     * @param sessionKey the ended association's inbound session.
     */
    NodeIdentity endedPeer(final long sessionKey)
    {
        return endedPeers.get(sessionKey);
    }

    /** The session's image went away: its id may come back for a new publication. */
    void forgetSession(final long sessionKey)
    {
        endedSessions.remove(sessionKey);
        endedPeers.remove(sessionKey);
    }

    int size()
    {
        return all.size();
    }

    Association get(final int index)
    {
        return all.get(index);
    }

    /**
     * Ends an association: optionally tells the peer, closes the publication (counting staged messages that were
     * never sent as dropped), and tells the upper layer (the link's reader, or a failed associate).
     *
     * @param tellPeer  send DISASSOCIATE behind what is staged, if the handshake got that far.
     * @param tellLocal tell the upper layer the association is gone (not when it asked for the end itself).
     */
    void end(final Association association, final String reason, final boolean tellPeer, final boolean tellLocal)
    {
        final boolean peerKnowsIt = association.handshakeSent();
        if (!association.end(reason))
        {
            return;
        }
        forget(association);
        all.remove(association);
        awaitingAck.remove(association.outbox().sessionId());
        if (Association.NO_SESSION != association.inboundSessionKey())
        {
            bySession.remove(association.inboundSessionKey());
            endedSessions.add(association.inboundSessionKey());
            if (null != association.peer())
            {
                endedPeers.put(association.inboundSessionKey(), association.peer());
            }
        }
        closeOutbox(new Closing(association, tellPeer && peerKnowsIt, true, reason));

        if (association.failAssociate(new AssociationException(
            "Could not associate with " + association.remoteAddress() + ": " + reason)))
        {
            log.info("Could not associate with {}: {}", association.remoteAddress(), reason);
            return;
        }
        log.info("Association {} <-> {} ended: {}", localAddress, association.remoteAddress(), reason);
        if (tellLocal && null != association.link())
        {
            association.deliverEnded();
        }
    }

    /**
     * The node lost its media driver: every association ends without touching its publication (its client is closed
     * and its log may be unmapped); the upper layer is told, staged messages are counted as dropped.
     */
    void abandonAll()
    {
        for (int i = all.size() - 1; i >= 0; i--)
        {
            final Association association = all.get(i);
            association.end("media driver connection lost");
            forget(association);
            closeOutbox(new Closing(association, false, false, "media driver connection lost"));
            if (!association.failAssociate(new AssociationException("media driver connection lost")) &&
                null != association.link())
            {
                association.deliverEnded();
            }
        }
        all.clear();
        bySession.clear();
        awaitingAck.clear();
    }

    /** The node is attached to a new media driver: session ids start over. */
    void clearEndedSessions()
    {
        endedSessions.clear();
        endedPeers.clear();
    }

    /**
     * Closes the outboxes that writers held when their associations ended.
     *
     * @return how many were closed.
     */
    int closePending()
    {
        int closed = 0;
        for (int i = closing.size() - 1; i >= 0; i--)
        {
            if (tryClose(closing.get(i)))
            {
                closing.remove(i);
                closed++;
            }
        }
        return closed;
    }

    /** Whether outboxes still wait to be closed. */
    boolean hasPendingCloses()
    {
        return !closing.isEmpty();
    }

    /** At shutdown: closes the remaining outboxes, waiting for their writers (they are short). */
    void closePendingBlocking()
    {
        for (final Closing pending : closing)
        {
            report(pending, pending.touchPublication ?
                pending.association.outbox().closeAndCountUnsent() : pending.association.outbox().abandon());
        }
        closing.clear();
    }

    private void forget(final Association association)
    {
        direct.end(association);
        counters.associations.decrement();
        if (null != blobReader && null != association.peer())
        {
            blobReader.forgetPeer(association.peer().pid(), association.peer().incarnation());
        }
    }

    private void closeOutbox(final Closing pending)
    {
        pending.association.outbox().stopTakingWrites();
        if (!tryClose(pending))
        {
            closing.add(pending);
        }
    }

    private boolean tryClose(final Closing pending)
    {
        final Outbox outbox = pending.association.outbox();
        final int unsent = pending.touchPublication ? outbox.tryClose(pending.tellPeer) : outbox.tryAbandon();
        if (Outbox.BUSY == unsent)
        {
            return false;
        }
        report(pending, unsent);
        return true;
    }

    private void report(final Closing pending, final int unsent)
    {
        if (unsent > 0)
        {
            ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_ASSOCIATION_ENDED, unsent,
                Association.fullAddress(pending.association.remoteAddress()), pending.reason);
            log.warning("{} message(s) to {} were waiting for room in its log and were not sent: {}. Counted as " +
                "dropped.", unsent, pending.association.remoteAddress(), pending.reason);
        }
    }

    /** An ended association whose outbox is still to be closed. */
    private record Closing(Association association, boolean tellPeer, boolean touchPublication, String reason)
    {
    }
}
