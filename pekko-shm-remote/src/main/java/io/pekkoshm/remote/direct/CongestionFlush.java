package io.pekkoshm.remote.direct;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Scheduler;
import scala.concurrent.ExecutionContext;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The congestion schedule: the links that hold messages because a peer's log is full are flushed on the direct-path
 * actor every scheduler tick (and by their next sender) until none holds any. At most one flush is scheduled at a
 * time, however many links are congested.
 * <p>
 * A link leaves the set only when a flush found it no longer congested, and is checked again after it left: a
 * sender may congest it again between the flush and the removal (its {@link #congested} then finds it still in the
 * set), and without the second look it would hold its messages with no flush to come, for good if no later message
 * goes to that peer.
 * <p>
 * Threading: {@link #congested} on any sending thread (under the congested link's monitor, after it became
 * congested); {@link #onFlush} on the direct-path actor ({@link BarrierActor}).
 */
final class CongestionFlush
{
    /** How soon a congested link is flushed again (the scheduler rounds up to its tick, 10 ms by default). */
    private static final Duration FLUSH_INTERVAL = Duration.ofMillis(1);

    /** What the schedule flushes: a {@link DirectLink}, or a test's. */
    interface Link
    {
        /**
         * Writes what it holds, as far as the log has room.
         *
         * @return true while it is still congested.
         */
        boolean flushCongested();

        /** {@return whether it holds messages for a full log now} */
        boolean isCongested();
    }

    private final Runnable schedule;
    private final Runnable flushNow;
    /** Links holding messages for a full log. */
    private final Set<Link> congestedLinks = ConcurrentHashMap.newKeySet();
    /** Whether a flush is scheduled. */
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    /**
     * @param scheduler    schedules the flushes.
     * @param dispatcher   runs the scheduler's sends.
     * @param barrierActor this node's direct-path actor, which runs the flushes.
     */
    CongestionFlush(final Scheduler scheduler, final ExecutionContext dispatcher, final ActorRef barrierActor)
    {
        this(() -> scheduler.scheduleOnce(FLUSH_INTERVAL, barrierActor, BarrierActor.FLUSH, dispatcher,
            ActorRef.noSender()), () -> barrierActor.tell(BarrierActor.FLUSH, ActorRef.noSender()));
    }

    /**
     * @param schedule makes {@link #onFlush} run once, at the next tick, on the flushing thread.
     * @param flushNow makes {@link #onFlush} run once, now, on the flushing thread.
     */
    CongestionFlush(final Runnable schedule, final Runnable flushNow)
    {
        this.schedule = schedule;
        this.flushNow = flushNow;
    }

    /**
     * The transport has room again for what a link holds (a large body's last piece is out, see
     * {@code DirectRoutes.roomListener}): the congested links are flushed now rather than at the next tick, which is
     * 10 ms away at Pekko's default and would leave the association idle until then. The scheduled flush still comes
     * (it finds less or nothing to do). Any thread; only hands the news on.
     */
    void roomMade()
    {
        if (!congestedLinks.isEmpty())
        {
            flushNow.run();
        }
    }

    /**
     * A link holds messages because the peer's log is full: it is flushed every scheduler tick until it is not.
     *
     * @param link the congested link.
     */
    void congested(final Link link)
    {
        congestedLinks.add(link);
        scheduleFlush();
    }

    /** On the direct-path actor: flushes the congested links, and comes back while any still is. */
    void onFlush()
    {
        flushScheduled.set(false);
        for (final Link link : congestedLinks)
        {
            if (!link.flushCongested())
            {
                congestedLinks.remove(link);
                if (link.isCongested())
                {
                    congestedLinks.add(link); // congested again by a sender between the flush and the removal
                }
            }
        }
        if (!congestedLinks.isEmpty())
        {
            scheduleFlush();
        }
    }

    /** {@return how many links wait for a flush (tests)} */
    int congestedCount()
    {
        return congestedLinks.size();
    }

    private void scheduleFlush()
    {
        if (flushScheduled.compareAndSet(false, true))
        {
            schedule.run();
        }
    }
}
