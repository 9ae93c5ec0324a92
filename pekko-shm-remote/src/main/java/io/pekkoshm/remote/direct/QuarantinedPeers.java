package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import io.pekkoshm.remote.transport.DirectRoutes;
import org.apache.pekko.actor.Address;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.function.Function;

/**
 * The peer incarnations (address and Pekko system uid) that classic remoting has quarantined, as far as the direct
 * path's receiving side needs them: an {@link InboundSession} of a quarantined incarnation delivers nothing, as
 * classic refuses that incarnation's classic traffic.
 * <p>
 * Two moments matter, and both are handled here: a session opens for an incarnation already quarantined (a peer that
 * associates again after it was quarantined), and a quarantine arrives for an incarnation whose session is open.
 * In both, the session's volatile flag is set; the per-message check is that flag, not a lookup here.
 * <p>
 * Bounded: an entry is forgotten once it is older than the retention (classic's
 * {@code pekko.remote.classic.quarantine-duration}, after which classic forgets it too), and beyond
 * {@link #capacity} entries the oldest is forgotten first.
 * <p>
 * Threading: quarantines come from an actor ({@code DirectRefs}' event stream subscriber), sessions open and close on
 * the node agent's thread; every method takes this object's monitor. Each is rare (per quarantine or association).
 */
public final class QuarantinedPeers
{
    private final long retentionNs;
    private final int capacity;
    /** Incarnation to when it was recorded (System.nanoTime), oldest first. */
    private final LinkedHashMap<Incarnation, Long> quarantined = new LinkedHashMap<>();
    private final Set<InboundSession> open = new HashSet<>();
    private final Function<Address, String> mediumOf;

    /**
     * @param retentionNs how long an entry is kept, in nanoseconds (classic's quarantine duration).
     * @param capacity    how many entries are kept at most (more are unlikely: each is a node incarnation).
     */
    public QuarantinedPeers(final long retentionNs, final int capacity)
    {
        this(retentionNs, capacity, address -> DirectRoutes.UNKNOWN_MEDIUM);
    }

    /**
     * @param retentionNs how long an entry is kept, in nanoseconds (classic's quarantine duration).
     * @param capacity    how many entries are kept at most.
     * @param mediumOf    what carried a peer's association ("ipc", "udp"), for the flight recorder's event.
     */
    public QuarantinedPeers(final long retentionNs, final int capacity, final Function<Address, String> mediumOf)
    {
        this.mediumOf = mediumOf;
        if (retentionNs <= 0 || capacity <= 0)
        {
            throw new IllegalArgumentException("retention " + retentionNs + " ns and capacity " + capacity +
                " must be positive");
        }
        this.retentionNs = retentionNs;
        this.capacity = capacity;
    }

    /**
     * Records that classic remoting quarantined a peer incarnation, and stops delivery on its open sessions.
     *
     * @param address the peer's address, with the full protocol (as in Pekko's {@code QuarantinedEvent}).
     * @param uid     the quarantined incarnation's Pekko system uid.
     */
    public synchronized void quarantine(final Address address, final long uid)
    {
        final long nowNs = System.nanoTime();
        forgetExpired(nowNs);
        final Incarnation incarnation = new Incarnation(address, uid);
        quarantined.remove(incarnation);
        quarantined.put(incarnation, nowNs);
        ShmFlightRecorder.quarantined(address, uid, mediumOf.apply(address));
        if (quarantined.size() > capacity)
        {
            final Iterator<Incarnation> oldest = quarantined.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        for (final InboundSession session : open)
        {
            if (session.remoteUid() == uid && session.remoteAddress().equals(address))
            {
                session.quarantined();
            }
        }
    }

    /** @return how many incarnations are remembered. */
    public synchronized int size()
    {
        return quarantined.size();
    }

    /** A session opened: flagged at once if its incarnation is quarantined, and told of later quarantines. */
    synchronized void opened(final InboundSession session)
    {
        forgetExpired(System.nanoTime());
        open.add(session);
        if (quarantined.containsKey(new Incarnation(session.remoteAddress(), session.remoteUid())))
        {
            session.quarantined();
        }
    }

    synchronized void closed(final InboundSession session)
    {
        open.remove(session);
    }

    private void forgetExpired(final long nowNs)
    {
        final Iterator<Long> recorded = quarantined.values().iterator();
        while (recorded.hasNext() && nowNs - recorded.next() > retentionNs)
        {
            recorded.remove();
        }
    }

    private record Incarnation(Address address, long uid)
    {
    }
}
