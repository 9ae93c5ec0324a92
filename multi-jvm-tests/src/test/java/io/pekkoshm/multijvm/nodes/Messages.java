package io.pekkoshm.multijvm.nodes;

import org.apache.pekko.actor.ActorRef;

/** Messages of the scripted nodes that carry actor refs (classic and typed) across JVMs. */
public final class Messages
{
    private Messages()
    {
    }

    /** Asks a relay to answer {@code replyTo}, a ref that travelled inside the message. */
    public record RelayRequest(String text, ActorRef replyTo) implements JsonMessage
    {
    }

    public record RelayReply(String text, String from) implements JsonMessage
    {
    }

    /** A typed request whose reply goes to the typed ref inside it. */
    public record Greet(String name, org.apache.pekko.actor.typed.ActorRef<Greeting> replyTo) implements JsonMessage
    {
    }

    public record Greeting(String text) implements JsonMessage
    {
    }
}
