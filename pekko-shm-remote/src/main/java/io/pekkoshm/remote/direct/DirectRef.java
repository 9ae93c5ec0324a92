package io.pekkoshm.remote.direct;

import org.apache.pekko.actor.ActorRef;

/** A remote actor ref whose ordinary messages may take the direct path (implemented by the provider's refs). */
public interface DirectRef
{
    /** {@return the ref itself, as an {@code ActorRef}} */
    ActorRef actorRef();

    /** {@return this ref's link, cached by the ref; null until the first send} */
    DirectLink cachedLink();

    /**
     * Caches this ref's link; the direct path calls it on the first send (any thread: make the field volatile).
     *
     * @param link the link to the ref's node, the same for every ref to that node.
     */
    void cacheLink(DirectLink link);

    /**
     * Sends through classic remoting, as an ordinary remote ref would (the direct path hands a message back this way).
     *
     * @param message the message.
     * @param sender  the sender, or null for none.
     */
    void sendClassic(Object message, ActorRef sender);
}
