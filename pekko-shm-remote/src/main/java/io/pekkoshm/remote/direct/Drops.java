package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.log.ErrorLog;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import io.pekkoshm.remote.serialization.KryoDeserializationException;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Dropped;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Everything the direct path cannot deliver ends here: counted (in the node's 'messages dropped' and in the peer's
 * route's association, in the direct path's own count, and in its count per peer), published as {@link Dropped}
 * where Pekko's contract asks for it, and reported through the direct path's {@link ErrorLog} (each distinct kind of
 * drop logged in full once, with what to do, then summarized).
 * <p>
 * Threading: any thread (sending threads, the direct-path actor, the node agent's poller). The direct path's own
 * count is single-writer per thread ({@link PerThreadCount}); the count per peer is a map entry per peer, made at the
 * peer's first drop; the error log takes its monitor only when something is dropped.
 */
final class Drops
{
    /** A drop's kind, part of its error-log key: larger than the largest message the route can carry. */
    static final String TOO_LARGE = "too-large";
    /** A drop's kind: the blob store could not place the message. */
    static final String BLOB = "blob";
    /** A drop's kind: more messages held for a node than {@code direct.pending-limit}. */
    static final String PENDING_LIMIT = "pending-limit";

    private final Consumer<Address> countNodeDrop;
    private final Consumer<Address> countRouteDrop;
    private final Consumer<Object> publish;
    private final ErrorLog errors;
    private final PerThreadCount count = new PerThreadCount();
    private final ConcurrentHashMap<Address, LongAdder> byPeer = new ConcurrentHashMap<>();

    /**
     * @param countNodeDrop  counts one drop for a peer in the node's 'messages dropped' and in the association that is
     *                       the peer's route, if one is (the transport's routes do); any thread.
     * @param countRouteDrop counts one drop for a peer in its route's association only, for a drop the node has
     *                       counted already; any thread.
     * @param publish        publishes on the actor system's event stream (where {@link Dropped} goes); any thread.
     * @param errors         where drops are reported.
     */
    Drops(final Consumer<Address> countNodeDrop, final Consumer<Address> countRouteDrop,
        final Consumer<Object> publish, final ErrorLog errors)
    {
        this.countNodeDrop = countNodeDrop;
        this.countRouteDrop = countRouteDrop;
        this.publish = publish;
        this.errors = errors;
    }

    /** {@return how many messages the direct path has dropped (each also counted in the node's 'messages dropped')} */
    long count()
    {
        return count.sum();
    }

    /**
     * The direct path's drops per peer since it started, whatever association was open: messages to the peer it could
     * not send, messages from the peer it could not decode, frames of a quarantined incarnation of the peer. Any
     * thread.
     *
     * @return drops by peer address ({@code pekko.shm://system@host:port}), one entry per peer that had one.
     */
    Map<String, Long> byPeer()
    {
        final Map<String, Long> drops = new HashMap<>();
        byPeer.forEach((peer, dropped) -> drops.put(peer.toString(), dropped.sum()));
        return drops;
    }

    /**
     * Drops an outbound message the direct path cannot send: counted, published as {@link Dropped}, reported.
     *
     * @param kind      what went wrong ({@link #TOO_LARGE}, {@link #BLOB}, {@link #PENDING_LIMIT}).
     * @param message   the message.
     * @param sender    its sender, or null for none.
     * @param recipient its recipient.
     * @param reason    why, and what to do about it (what {@link Dropped} says).
     */
    void drop(final String kind, final Object message, final ActorRef sender, final ActorRef recipient,
        final String reason)
    {
        countAndPublish(message, sender, recipient, reason);
        final String className = message.getClass().getName();
        ShmFlightRecorder.dropped(kind, 1, recipient.path().address(), className);
        errors.record(ErrorLog.Severity.WARNING, key(kind, className, recipient),
            () -> "Dropped a message of class " + className + " to " + recipient + ": " + reason + ". (" + count() +
            " dropped by the direct path so far; each is published as Dropped.)", null);
    }

    /**
     * Drops an outbound message that could not be serialized: counted, published as {@link Dropped}, reported as an
     * error with its cause.
     *
     * @param message   the message.
     * @param sender    its sender, or null for none.
     * @param recipient its recipient.
     * @param cause     what the serializer threw.
     */
    void unserializable(final Object message, final ActorRef sender, final ActorRef recipient,
        final RuntimeException cause)
    {
        final String reason = "it could not be serialized: " + cause;
        countAndPublish(message, sender, recipient, reason);
        final String className = message.getClass().getName();
        ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_UNSERIALIZABLE, 1, recipient.path().address(), className);
        final String problem = cause.getMessage();
        errors.record(ErrorLog.Severity.ERROR, key("unserializable", className, recipient),
            () -> "Could not serialize a message of class " + className + " for " + recipient + ": " + problem +
            ". Dropped it (" + count() + " dropped by the direct path so far; each is published as Dropped).", cause);
    }

    /**
     * An inbound large body whose pieces stopped coming (its association ended before the last one): counted and
     * reported; what waited behind it is delivered.
     *
     * @param from      the peer that sent it.
     * @param recipient its resolved recipient.
     * @param reason    why it never came whole.
     */
    void cutOff(final Address from, final ActorRef recipient, final String reason)
    {
        countNodeDrop.accept(from);
        ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_ASSOCIATION_ENDED, 1, from, "incomplete large message");
        count.increment();
        countForPeer(from);
        errors.record(ErrorLog.Severity.WARNING, "cut-off:" + from,
            () -> "Dropped a large message from " + from + " to " + recipient + ": " + reason + ". Messages sent " +
            "after it are delivered; the sender's side counts nothing, so resend it if it matters.", null);
    }

    /**
     * An inbound payload that could not be deserialized (on the node agent's thread): counted and reported; the
     * association goes on.
     *
     * @param from         the peer that sent it.
     * @param recipient    its resolved recipient.
     * @param serializerId the serializer id in its envelope.
     * @param manifest     the manifest in its envelope.
     * @param cause        what the serializer threw.
     */
    void undecodable(final Address from, final ActorRef recipient, final int serializerId, final String manifest,
        final Exception cause)
    {
        if (cause instanceof KryoDeserializationException)
        {
            countRouteDrop.accept(from); // the Kryo serializer counts its own failures in the node (and records them)
        }
        else
        {
            countNodeDrop.accept(from);
            ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_UNDECODABLE, 1, from, manifest);
        }
        count.increment();
        countForPeer(from);
        final String problem = cause.toString();
        errors.record(ErrorLog.Severity.WARNING, "undecodable:" + from + ':' + serializerId + ':' + manifest,
            () -> "Dropped a message from " + from + " to " + recipient + ": it could not be deserialized " +
            "(serializer id " + serializerId + ", manifest [" + manifest + "]): " + problem + ". Both nodes need the " +
            "same serializers and classes.", null);
    }

    /**
     * The error-log key of a quarantined incarnation's drops; a session makes it once, as it may drop every frame.
     *
     * @param from the peer's address.
     * @param uid  the incarnation's Pekko system uid.
     * @return the key for {@link #quarantined}.
     */
    static String quarantineKey(final Address from, final long uid)
    {
        return "quarantined:" + from + ':' + uid;
    }

    /**
     * A direct frame of a peer incarnation classic remoting has quarantined (on the node agent's thread): not
     * decoded, counted in the node's 'messages dropped' and for the peer (not in the direct path's own count),
     * reported.
     *
     * @param key  {@link #quarantineKey} of the incarnation.
     * @param from the peer's address.
     * @param uid  the quarantined incarnation's Pekko system uid.
     */
    void quarantined(final String key, final Address from, final long uid)
    {
        countNodeDrop.accept(from);
        countForPeer(from);
        ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_QUARANTINED, 1, from, null);
        errors.record(ErrorLog.Severity.WARNING, key,
            () -> "Dropping direct messages from " + from + " (Pekko uid " + uid + "): classic remoting has " +
            "quarantined that incarnation of the node (see its QuarantinedEvent), so its messages are not " +
            "delivered, neither classic nor direct ones. Each is counted in 'messages dropped'. Restarting that " +
            "node (a new uid) makes it reachable again.", null);
    }

    private void countAndPublish(final Object message, final ActorRef sender, final ActorRef recipient,
        final String reason)
    {
        final Address peer = recipient.path().address();
        countNodeDrop.accept(peer);
        count.increment();
        countForPeer(peer);
        publish.accept(new Dropped(message, reason, null == sender ? ActorRef.noSender() : sender, recipient));
    }

    private void countForPeer(final Address peer)
    {
        byPeer.computeIfAbsent(peer, address -> new LongAdder()).increment();
    }

    private static String key(final String kind, final String className, final ActorRef recipient)
    {
        return kind + ':' + className + ':' + recipient.path().address();
    }
}
