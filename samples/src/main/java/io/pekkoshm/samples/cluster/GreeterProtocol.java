package io.pekkoshm.samples.cluster;

import io.pekkoshm.remote.serialization.KryoMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

import java.util.Map;

/** The cluster sample's typed service: its messages (registered in {@code cluster.conf}), its key and behaviour. */
final class GreeterProtocol
{
    /** The key the greeter is registered under with the receptionist, on every node the same. */
    static final ServiceKey<Greet> GREETER = ServiceKey.create(Greet.class, "greeter");

    /**
     * A request for a greeting; the reply goes to {@code replyTo}, a typed ref that travels inside the message.
     *
     * @param from    the asking node's name.
     * @param replyTo where the {@link Greeting} goes.
     */
    record Greet(String from, ActorRef<Greeting> replyTo) implements KryoMessage
    {
    }

    /**
     * The answer.
     *
     * @param text       the greeting.
     * @param answeredBy the name and address of the node whose greeter answered.
     */
    record Greeting(String text, String answeredBy) implements KryoMessage
    {
    }

    private GreeterProtocol()
    {
    }

    /**
     * @param self  this node's name and address, for the answers.
     * @param asked collects the names of the nodes that asked, each with the medium of this node's association to
     *              the asking node when it asked ({@link ClusterNode#mediumTo}).
     * @return the greeter.
     */
    static Behavior<Greet> greeter(final String self, final Map<String, String> asked)
    {
        return Behaviors.receive((context, greet) ->
        {
            greet.replyTo().tell(new Greeting("hello " + greet.from(), self));
            asked.put(greet.from(), ClusterNode.mediumTo(context.getSystem(), greet.replyTo().path().address()));
            return Behaviors.same();
        });
    }
}
