package com.example.outside;

import io.pekkoshm.remote.serialization.KryoMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A typed actor of the kind a user tests across JVMs: it answers every {@link Greet} with a {@link Greeted} that
 * names the JVM it runs in, so that a test can tell the answer came from the other node.
 * <p>
 * Its messages go to other JVMs with the plugin's Kryo serializer: they implement {@link KryoMessage} and their
 * classes are registered under {@code pekko.remote.shm.kryo.classes} (see {@link GreeterAcrossJvmsTest}); the typed
 * {@code ActorRef} inside {@link Greet} is one of the serializer's built-in types.
 */
public final class Greeter
{
    private Greeter()
    {
    }

    /** Asks for a greeting of {@code whom}, answered to {@code replyTo}. */
    public record Greet(String whom, ActorRef<Greeted> replyTo) implements KryoMessage
    {
    }

    /** The greeting, and the pid of the JVM whose greeter wrote it. */
    public record Greeted(String greeting, long pid) implements KryoMessage
    {
    }

    /** {@return the greeter's behaviour} */
    public static Behavior<Greet> create()
    {
        return Behaviors.receiveMessage(greet ->
        {
            greet.replyTo().tell(new Greeted("Hello, " + greet.whom() + "!", ProcessHandle.current().pid()));
            return Behaviors.same();
        });
    }
}
