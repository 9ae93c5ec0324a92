package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.jfr.BackPressure;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;

/**
 * What one {@link Outbox} has sent, counted under its lock (so each counter has one writer at a time and writers of
 * different associations never contend); {@link TransportCounters} sums the outboxes of a node, and keeps the counts
 * of closed ones in its totals, and lists the open ones per association ({@link TransportCounters#associations()}).
 * The association's drops and blob bytes in use are counted elsewhere (see theirs) and are not in the sums.
 * <p>
 * Back-pressure episodes are seen here, without the outbox's help: an episode starts with the first
 * {@link #backPressure} event and ends with the next message counted in {@link #messagesSent} (it got through), or
 * when the outbox closes ({@link #closed()}). The check on the send path is one plain read of a field the outbox's
 * lock already orders; the episode's flight-recorder event is built only while a recording has it enabled.
 */
final class SendCounts
{
    /** Messages sent; each count also ends a back-pressure episode, if one is on. */
    final Sent messagesSent = new Sent();
    final OwnedCount bytesSent = new OwnedCount();
    final OwnedCount batchesSent = new OwnedCount();
    /** Back-pressure events; the first of an episode starts it. */
    final Pressed backPressure = new Pressed();
    final OwnedCount blobsSent = new OwnedCount();
    final OwnedCount directSent = new OwnedCount();
    /**
     * Messages to or from the peer this association dropped (see {@link TransportCounters#dropped}); any thread, as
     * drops are counted where they happen (rarely), also outside the outbox's lock.
     */
    final Count dropped = new Count();
    /**
     * Bytes of the node's blob blocks sent on this association and not handed back yet; written under the blob
     * pool's lock ({@link io.pekkoshm.remote.blob.BlobPool#sent}), read by any thread.
     */
    final Count blobBytesInUse = new Count();

    /** The association's peer, as its address; set once the association exists, read by any thread. */
    private volatile String peerAddress = "";
    private volatile boolean outbound;
    private volatile String medium = Medium.IPC.label();
    private volatile long peerIncarnation;

    /** Under the outbox lock: whether a back-pressure episode is on, its event (null unless recorded), its start. */
    private boolean inEpisode;
    private BackPressure episode;
    private long eventsAtEpisodeStart;

    /** The association these counts belong to: its peer, direction and medium ({@link Medium#label()}). */
    void describe(final String peerAddress, final boolean outbound, final String medium)
    {
        this.peerAddress = peerAddress;
        this.outbound = outbound;
        this.medium = medium;
    }

    /** The handshake named the peer's incarnation. */
    void peerIncarnation(final long incarnation)
    {
        this.peerIncarnation = incarnation;
    }

    String peerAddress()
    {
        return peerAddress;
    }

    boolean outbound()
    {
        return outbound;
    }

    String medium()
    {
        return medium;
    }

    long peerIncarnation()
    {
        return peerIncarnation;
    }

    /** The outbox closed (under its lock): an episode still on ends here. */
    void closed()
    {
        endEpisode(false);
    }

    private void startEpisode()
    {
        inEpisode = true;
        eventsAtEpisodeStart = backPressure.getPlain();
        episode = ShmFlightRecorder.backPressureStarted();
    }

    private void endEpisode(final boolean sent)
    {
        if (inEpisode)
        {
            inEpisode = false;
            ShmFlightRecorder.backPressureEnded(episode, peerAddress, backPressure.getPlain() - eventsAtEpisodeStart,
                sent, medium);
            episode = null;
        }
    }

    /** The count of messages sent: a message that got through ends a back-pressure episode. */
    final class Sent extends Count
    {
        private static final long serialVersionUID = 1L;

        @Override
        public void increment()
        {
            setRelease(getPlain() + 1);
            if (inEpisode)
            {
                endEpisode(true);
            }
        }

        @Override
        public void add(final long delta)
        {
            setRelease(getPlain() + delta);
            if (inEpisode && delta > 0)
            {
                endEpisode(true);
            }
        }
    }

    /** The count of back-pressure events: the first while no episode is on starts one. */
    final class Pressed extends Count
    {
        private static final long serialVersionUID = 1L;

        @Override
        public void increment()
        {
            if (!inEpisode)
            {
                startEpisode();
            }
            setRelease(getPlain() + 1);
        }
    }
}
