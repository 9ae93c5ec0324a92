package io.pekkoshm.remote.pekko.internal;

import io.pekkoshm.remote.direct.QuarantinedPeers;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.remote.QuarantinedEvent;

/**
 * Tells the direct path's {@link QuarantinedPeers} of every peer incarnation classic remoting quarantines: subscribed
 * to Pekko's {@code QuarantinedEvent} (a public {@code RemotingLifecycleEvent}, published by classic's endpoint manager
 * when it quarantines an address and uid) on the event stream, from before the direct path starts.
 */
@SuppressWarnings("deprecation") // QuarantinedEvent belongs to classic remoting, which Pekko marks deprecated
final class QuarantineListener extends AbstractActor
{
    /** The listener's name under /system. */
    static final String ACTOR_NAME = "pekko-shm-quarantine";

    private final QuarantinedPeers peers;

    private QuarantineListener(final QuarantinedPeers peers)
    {
        this.peers = peers;
    }

    /**
     * Starts the listener under /system and subscribes it before returning, so that no quarantine published after this
     * call is missed.
     */
    static ActorRef start(final ExtendedActorSystem system, final QuarantinedPeers peers)
    {
        final ActorRef listener = system.systemActorOf(
            Props.create(QuarantineListener.class, () -> new QuarantineListener(peers)), ACTOR_NAME);
        system.eventStream().subscribe(listener, QuarantinedEvent.class);
        return listener;
    }

    @Override
    public Receive createReceive()
    {
        return receiveBuilder()
            .match(QuarantinedEvent.class, event -> peers.quarantine(event.address(), event.longUid()))
            .build();
    }
}
