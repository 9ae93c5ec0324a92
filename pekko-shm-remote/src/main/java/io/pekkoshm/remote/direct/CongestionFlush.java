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
 * Threading: {@link #congested} on any sending thread (under the congested link's monitor); {@link #onFlush} on the
 * direct-path actor ({@link BarrierActor}).
 */
final class CongestionFlush
{
    /** How soon a congested link is flushed again (the scheduler rounds up to its tick, 10 ms by default). */
    private static final Duration FLUSH_INTERVAL = Duration.ofMillis(1);

    private final Scheduler scheduler;
    private final ExecutionContext dispatcher;
    private final ActorRef barrierActor;
    /** Links holding messages for a full log. */
    private final Set<DirectLink> congestedLinks = ConcurrentHashMap.newKeySet();
    /** Whether a flush is scheduled. */
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    /**
     * @param scheduler    schedules the flushes.
     * @param dispatcher   runs the scheduler's sends.
     * @param barrierActor this node's direct-path actor, which runs the flushes.
     */
    CongestionFlush(final Scheduler scheduler, final ExecutionContext dispatcher, final ActorRef barrierActor)
    {
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
        this.barrierActor = barrierActor;
    }

    /**
     * A link holds messages because the peer's log is full: it is flushed every scheduler tick until it is not.
     *
     * @param link the congested link.
     */
    void congested(final DirectLink link)
    {
        congestedLinks.add(link);
        scheduleFlush();
    }

    /** On the direct-path actor: flushes the congested links, and comes back while any still is. */
    void onFlush()
    {
        flushScheduled.set(false);
        congestedLinks.removeIf(link -> !link.flushCongested());
        if (!congestedLinks.isEmpty())
        {
            scheduleFlush();
        }
    }

    private void scheduleFlush()
    {
        if (flushScheduled.compareAndSet(false, true))
        {
            scheduler.scheduleOnce(FLUSH_INTERVAL, barrierActor, BarrierActor.FLUSH, dispatcher, ActorRef.noSender());
        }
    }
}
