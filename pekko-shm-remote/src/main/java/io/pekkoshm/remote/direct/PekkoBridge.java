package io.pekkoshm.remote.direct;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;

/**
 * What the direct path needs of Pekko beyond its public API, implemented in the version-pinned
 * {@code io.pekkoshm.remote.pekko.internal} package.
 */
public interface PekkoBridge
{
    /** Resolves a recipient path that arrived on the direct path (a local actor, or deadLetters). */
    ActorRef resolveRecipient(String path);

    /** Whether a resolved recipient may be kept in a decoding table (a live local actor). */
    boolean isCacheable(ActorRef recipient);

    /** Resolves a sender path that arrived on the direct path (a direct remote ref). */
    ActorRef resolveSender(String path);

    /** Puts an inbound message where classic remoting's dispatcher would, under the same (untrusted mode) rules. */
    void deliver(ActorRef recipient, Object message, ActorRef sender);

    /**
     * Makes refs serialize with this node's address on the calling thread (Pekko's transport information).
     *
     * @return what to hand {@link #endSerialization} afterwards.
     */
    Object beginSerialization();

    void endSerialization(Object previous);

    /** Sends through classic remoting (an ordinary remote ref) to the actor at {@code elements} of a node. */
    void sendClassic(Address address, String path, Object message, ActorRef sender);
}
