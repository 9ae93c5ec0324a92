package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.blob.ReceivedBody;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;

import org.apache.pekko.event.LoggingAdapter;

import java.util.ArrayDeque;

/**
 * The order of one association's inbound deliveries while its large bodies are read off the node agent's thread.
 * <p>
 * Each large body takes a {@link Ticket} in stream order when it arrives and gives it back when its task has
 * completed (tasks of one association may complete in any order). A classic payload (the association's messages to
 * classic remoting: system messages, heartbeats, messages sent the classic way) waits until every ticket taken
 * before it is back, and classic payloads leave in the order they arrived; a classic payload that is itself a large
 * body waits for its own ticket too. So a {@code Terminated}, or the answer to the direct path's barrier, never
 * overtakes a message that arrived before it. The end of the association reaches classic remoting after the payloads
 * it holds. With no ticket out, a classic payload goes straight through: small traffic pays one branch.
 * <p>
 * The direct path's messages are ordered per recipient by the direct path itself ({@code InboundSession}), which
 * reports here, through {@link LargeBodies#held}, how many it holds.
 * <p>
 * Threading: the node agent's only.
 */
final class InboundOrder implements LargeBodies
{
    private final Association association;
    private final LargeBodyWorkers workers;
    private final TransportCounters counters;
    private final LoggingAdapter log;
    /** Tickets not yet given back, oldest first (a ticket given back early stays until those before it are back). */
    private final ArrayDeque<Ticket> open = new ArrayDeque<>();
    private final ArrayDeque<HeldPayload> classic = new ArrayDeque<>();
    private long lastSeq;
    private boolean endHeld;

    /** A large body's place in the association's order. */
    static final class Ticket
    {
        private final long seq;
        private boolean back;

        private Ticket(final long seq)
        {
            this.seq = seq;
        }
    }

    /** A classic payload waiting for the tickets taken before it (and, if it is a large body, for its own). */
    private static final class HeldPayload
    {
        private final long after;
        /** A large classic body (not counted in 'messages held'): its payload comes when its copy is done. */
        private final boolean large;
        private byte[] payload;
        /** A large classic body abandoned when the node stopped: passed over. */
        private boolean skipped;

        private HeldPayload(final long after, final boolean large, final byte[] payload)
        {
            this.after = after;
            this.large = large;
            this.payload = payload;
        }
    }

    InboundOrder(
        final Association association,
        final LargeBodyWorkers workers,
        final TransportCounters counters,
        final LoggingAdapter log)
    {
        this.association = association;
        this.workers = workers;
        this.counters = counters;
        this.log = log;
    }

    @Override
    public void submit(final LargeBodyTask task)
    {
        workers.submit(task, this, take());
    }

    @Override
    public void held(final int delta)
    {
        counters.held.add(delta);
    }

    /**
     * A classic payload, delivered now, or held behind the large bodies that arrived before it.
     *
     * @param payload the payload (this node's own copy).
     */
    void deliverClassic(final byte[] payload)
    {
        if (open.isEmpty() && classic.isEmpty())
        {
            association.deliver(payload);
            return;
        }
        classic.addLast(new HeldPayload(lastSeq, false, payload));
        counters.held.increment();
    }

    /**
     * A classic payload that came as a large body: copied out of its block off the agent's thread, delivered in its
     * place among the association's classic payloads.
     *
     * @param body the claimed block; released by the copy, or when the node stops.
     */
    void deliverClassicLarge(final ReceivedBody body)
    {
        deliverClassicLarge(body, this);
    }

    /**
     * As {@link #deliverClassicLarge(ReceivedBody)}, its copy submitted through {@code via}: this order, or the
     * {@link Deferred} of a body whose pieces are still arriving.
     */
    void deliverClassicLarge(final ReceivedBody body, final LargeBodies via)
    {
        final HeldPayload slot = new HeldPayload(lastSeq + 1, true, null); // the ticket via.submit takes next
        classic.addLast(slot);
        via.submit(new ClassicCopy(body, slot));
    }

    /**
     * {@return where a large body whose pieces are still arriving (from a peer of another host) is submitted: its
     * place in the order is taken now, at its first piece, and its reading runs once its last piece is in}
     */
    Deferred defer()
    {
        return new Deferred();
    }

    /**
     * The reading of a large body that is still arriving: {@link #submit} takes its place in the association's order
     * (at the body's first piece, in stream order) and holds the task; {@link #arrived} hands it to the large-body
     * threads, {@link #cutOff} reports it lost. Exactly one of the two, once.
     */
    final class Deferred implements LargeBodies
    {
        private Ticket ticket;
        private LargeBodyTask task;

        @Override
        public void submit(final LargeBodyTask deferredTask)
        {
            ticket = take();
            task = deferredTask;
        }

        @Override
        public void held(final int delta)
        {
            InboundOrder.this.held(delta);
        }

        /** The last piece is in: the body is read off the agent's thread, as a blob would be. */
        void arrived()
        {
            if (null != task)
            {
                workers.submit(task, InboundOrder.this, ticket);
                task = null;
            }
        }

        /** The body will never be whole: it is reported dropped and what waited behind it goes on. */
        void cutOff(final String reason)
        {
            if (null != task)
            {
                final LargeBodyTask lost = task;
                task = null;
                lost.incomplete(reason);
                done(ticket);
            }
        }
    }

    /**
     * The association ended: classic remoting is told after the payloads held for it.
     *
     * @return whether the end waits behind held payloads (it is then delivered by the last of them).
     */
    boolean holdEnd()
    {
        if (classic.isEmpty())
        {
            return false;
        }
        endHeld = true;
        return true;
    }

    /** {@return whether classic payloads wait here now} */
    boolean holdsClassic()
    {
        return !classic.isEmpty();
    }

    /** {@return tickets taken and not yet given back} */
    int openTickets()
    {
        return open.size();
    }

    /** The ticket's task completed: payloads that waited only for it (and those before) go on. */
    void done(final Ticket ticket)
    {
        ticket.back = true;
        while (!open.isEmpty() && open.peekFirst().back)
        {
            open.pollFirst();
        }
        drain();
    }

    /** The ticket's task was abandoned (the node stops): as {@link #done}, its payload, if classic, passed over. */
    void abandoned(final Ticket ticket)
    {
        for (final HeldPayload held : classic)
        {
            if (held.large && held.after == ticket.seq && null == held.payload)
            {
                held.skipped = true;
            }
        }
        done(ticket);
    }

    private Ticket take()
    {
        final Ticket ticket = new Ticket(++lastSeq);
        open.addLast(ticket);
        return ticket;
    }

    private void drain()
    {
        while (!classic.isEmpty())
        {
            final HeldPayload next = classic.peekFirst();
            if (!next.skipped && (null == next.payload || (!open.isEmpty() && open.peekFirst().seq <= next.after)))
            {
                break;
            }
            classic.pollFirst();
            if (!next.large)
            {
                counters.held.decrement();
            }
            if (!next.skipped)
            {
                association.deliver(next.payload);
            }
        }
        if (endHeld && classic.isEmpty())
        {
            endHeld = false;
            association.deliverEndedNow();
        }
    }

    /** Copies a large classic payload out of its block, off the agent's thread. */
    private final class ClassicCopy implements LargeBodyTask
    {
        private final ReceivedBody body;
        private final HeldPayload slot;
        private byte[] copy;
        private OutOfMemoryError failure;

        private ClassicCopy(final ReceivedBody body, final HeldPayload slot)
        {
            this.body = body;
            this.slot = slot;
        }

        @Override
        public void runOffThread()
        {
            try
            {
                if (body instanceof AssembledBody assembled)
                {
                    copy = assembled.array(); // already this node's own heap copy
                    return;
                }
                final byte[] bytes = new byte[body.length()];
                body.body().getBytes(0, bytes);
                copy = bytes;
            }
            catch (final OutOfMemoryError ex)
            {
                failure = ex;
            }
            finally
            {
                body.release();
            }
        }

        @Override
        public void completeOnAgent()
        {
            if (null != copy)
            {
                slot.payload = copy;
                return;
            }
            slot.skipped = true;
            counters.dropped(association.outbox().sendCounts(), 1);
            ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_NO_HEAP, 1,
                Association.fullAddress(association.remoteAddress()), body.length() + " bytes");
            log.error("Dropped a message of {} bytes from {}: the heap has no room for it ({}). Counted in " +
                "'messages dropped'. Give the JVM a larger -Xmx, or send it through the zero-copy API (ShmBlobs).",
                body.length(), association.remoteAddress(), failure.getMessage());
        }

        @Override
        public void incomplete(final String reason)
        {
            body.release();
            slot.skipped = true;
            counters.dropped(association.outbox().sendCounts(), 1);
            ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_ASSOCIATION_ENDED, 1,
                Association.fullAddress(association.remoteAddress()), "incomplete large message");
            log.warning("Dropped a large message of {} bytes from {}: {}. Counted in 'messages dropped'.",
                body.length(), association.remoteAddress(), reason);
        }

        @Override
        public void abandon()
        {
            body.release();
        }
    }
}
