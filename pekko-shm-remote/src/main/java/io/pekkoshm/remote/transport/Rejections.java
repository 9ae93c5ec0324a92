package io.pekkoshm.remote.transport;

import org.agrona.collections.IntHashSet;
import org.apache.pekko.actor.Address;
import org.apache.pekko.event.LoggingAdapter;

/**
 * Frames from sessions that are not (or no longer) associations of this node: each is counted in
 * {@code frames rejected}, and each session is named in the log once, with what it may mean.
 * <p>
 * Threading: the node agent's only.
 */
final class Rejections
{
    private final IntHashSet loggedSessions = new IntHashSet();
    private final TransportCounters counters;
    private final LoggingAdapter log;
    private final Address localAddress;

    Rejections(final TransportCounters counters, final LoggingAdapter log, final Address localAddress)
    {
        this.counters = counters;
        this.log = log;
        this.localAddress = localAddress;
    }

    /** Counts a rejected frame of {@code sessionId}, logging the session the first time. */
    void reject(final int sessionId, final String reason)
    {
        counters.rejected.increment();
        if (loggedSessions.add(sessionId))
        {
            log.warning("Rejected frames from IPC session {} on {}: {}. Counted in 'frames rejected'. (Right after " +
                "this node started, these may be frames sent to an earlier node on the same port; otherwise a " +
                "process that is not a node of this directory writes into its stream.)",
                sessionId, localAddress, reason);
        }
    }

    /** The session's image went away: a later session with the same id is a new one. */
    void forget(final int sessionId)
    {
        loggedSessions.remove(sessionId);
    }

    /** The node attached to a new media driver: session ids start over. */
    void clear()
    {
        loggedSessions.clear();
    }
}
