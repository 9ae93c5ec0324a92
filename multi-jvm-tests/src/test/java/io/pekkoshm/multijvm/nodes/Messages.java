package io.pekkoshm.multijvm.nodes;

import io.pekkoshm.remote.serialization.KryoMessage;
import org.apache.pekko.actor.ActorRef;

/**
 * Messages of the scripted nodes that carry actor refs (classic and typed) across JVMs, serialized with the plugin's
 * Kryo serializer (registered in the tests' application.conf).
 */
public final class Messages
{
    private Messages()
    {
    }

    /** Asks a relay to answer {@code replyTo}, a ref that travelled inside the message. */
    public record RelayRequest(String text, ActorRef replyTo) implements KryoMessage
    {
    }

    public record RelayReply(String text, String from) implements KryoMessage
    {
    }

    /** A typed request whose reply goes to the typed ref inside it. */
    public record Greet(String name, org.apache.pekko.actor.typed.ActorRef<Greeting> replyTo) implements KryoMessage
    {
    }

    public record Greeting(String text) implements KryoMessage
    {
    }
}
