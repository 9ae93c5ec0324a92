package io.pekkoshm.remote.direct;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;

/**
 * Each node's /system/pekko-shm-direct actor. Peers send it their ordering barriers, an {@code Identify} that
 * every actor answers by itself; it receives the answers to this node's own barriers and their timeouts, and flushes
 * the links that hold messages for a full log, and retires the idle links of nodes whose association ended.
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

    @Override
    @SuppressWarnings("deprecation") // DisassociatedEvent: classic remoting's, which this plugin is a transport of
    public Receive createReceive()
    {
        return receiveBuilder()
            .match(ActorIdentity.class, identity -> identity.correlationId() instanceof Long,
                identity -> path.onBarrierAnswered((Long)identity.correlationId()))
            .match(Timeout.class, timeout -> path.onBarrierTimeout(timeout.token()))
            .matchEquals(FLUSH, flush -> path.onFlush())
            .match(org.apache.pekko.remote.DisassociatedEvent.class, ended -> path.onDisassociated(ended.remoteAddress()))
            .build();
    }
}
