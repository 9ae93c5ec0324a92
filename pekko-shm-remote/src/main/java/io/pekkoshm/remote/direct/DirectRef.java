package io.pekkoshm.remote.direct;

import org.apache.pekko.actor.ActorRef;

/** A remote actor ref whose ordinary messages may take the direct path (implemented by the provider's refs). */
public interface DirectRef
{
    /** The ref itself. */
    ActorRef actorRef();

    /** This ref's link, cached by the ref; null until the first send. */
    DirectLink cachedLink();

    void cacheLink(DirectLink link);

    /** Sends through classic remoting, as an ordinary remote ref would. */
    void sendClassic(Object message, ActorRef sender);
}
