package io.pekkoshm.remote.direct;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;

/**
 * What the direct path needs of Pekko beyond its public API, implemented in the version-pinned
 * {@code io.pekkoshm.remote.pekko.internal} package.
 */
public interface PekkoBridge
{
    /**
     * Resolves a recipient path that arrived on the direct path. Called on the node agent's thread.
     *
     * @param path the recipient's path in Pekko's serialization format.
     * @return a local actor, or deadLetters.
     */
    ActorRef resolveRecipient(String path);

    /**
     * Whether a resolved recipient may be kept in a decoding table.
     *
     * @param recipient what {@link #resolveRecipient} returned.
     * @return true for a live local actor.
     */
    boolean isCacheable(ActorRef recipient);

    /**
     * Resolves a sender path that arrived on the direct path. Called on the node agent's thread.
     *
     * @param path the sender's path in Pekko's serialization format.
     * @return the sender's ref (a direct remote ref for a remote actor).
     */
    ActorRef resolveSender(String path);

    /**
     * Puts an inbound message where classic remoting's dispatcher would, under the same (untrusted mode) rules.
     * Called on the node agent's thread.
     *
     * @param recipient        the resolved recipient.
     * @param recipientAddress the address in the recipient's path as the sender wrote it (classic's
     *                         {@code recipientAddress}), or null if that path names none: a recipient that resolved
     *                         to a remote actor (a child this node deployed on another node) is forwarded only when
     *                         this is one of this node's addresses.
     * @param message          the deserialized message.
     * @param sender           the resolved sender, or null for none.
     */
    void deliver(ActorRef recipient, Address recipientAddress, Object message, ActorRef sender);

    /**
     * @return the peer incarnations classic remoting has quarantined, kept up to date from Pekko's
     * {@code QuarantinedEvent}s: inbound sessions of those incarnations deliver nothing.
     */
    QuarantinedPeers quarantinedPeers();

    /**
     * Makes refs serialize with this node's address on the calling thread (Pekko's transport information), until
     * {@link #endSerialization}.
     *
     * @return what to hand {@link #endSerialization} afterwards.
     */
    Object beginSerialization();

    /**
     * Restores the calling thread's transport information after {@link #beginSerialization}.
     *
     * @param previous what {@link #beginSerialization} returned.
     */
    void endSerialization(Object previous);

    /**
     * Sends through classic remoting (an ordinary remote ref) to an actor of a node.
     *
     * @param address the node's address.
     * @param path    the actor's full path in Pekko's serialization format.
     * @param message the message.
     * @param sender  the sender.
     */
    void sendClassic(Address address, String path, Object message, ActorRef sender);
}
