package io.pekkoshm.remote.direct;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.Address;

/**
 * Each node's /system/pekko-shm-direct actor. Peers send it their ordering barriers, an {@code Identify} that
 * every actor answers by itself; it receives the answers to this node's own barriers and their timeouts (handed to
 * {@link Barriers}), flushes the links that hold messages for a full log ({@link CongestionFlush}), and retires the
 * idle links of nodes whose route ended. What it calls runs on this actor, one message at a time.
 */
final class BarrierActor extends AbstractActor
{
    /** Flush the links that hold messages for a full log. */
    static final Object FLUSH = new Object();

    /** A barrier's deadline has passed. */
    record Timeout(long token)
    {
    }

    private final DirectPath path;

    BarrierActor(final DirectPath path)
    {
        this.path = path;
    }

    /** A node's route ended: retire its link if idle. */
    record RouteEnded(Address address)
    {
    }

    @Override
    public Receive createReceive()
    {
        return receiveBuilder()
            .match(ActorIdentity.class, identity -> identity.correlationId() instanceof Long,
                identity -> path.barriers().onAnswered((Long)identity.correlationId()))
            .match(Timeout.class, timeout -> path.barriers().onTimeout(timeout.token()))
            .matchEquals(FLUSH, flush -> path.congestion().onFlush())
            .match(RouteEnded.class, ended -> path.onRouteEnded(ended.address()))
            .build();
    }

    /** The direct path stops with its actor system: the repeats of errors not logged yet are summarized now. */
    @Override
    public void postStop()
    {
        path.errors().flush();
    }
}
