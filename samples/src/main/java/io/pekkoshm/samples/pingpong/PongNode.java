package io.pekkoshm.samples.pingpong;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.samples.support.SampleChild;
import io.pekkoshm.samples.support.Samples;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The second JVM of the ping-pong sample: answers every ping, exits when told. Started by {@link PingPong} with the
 * ping node's address as its argument.
 */
public final class PongNode
{
    private PongNode()
    {
    }

    static final class Ponger extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(PingPongProtocol.Ping.class, ping ->
                    getSender().tell(new PingPongProtocol.Pong(ping.sequence()), getSelf()))
                .match(PingPongProtocol.Stop.class, stop -> getContext().getSystem().terminate())
                .build();
        }
    }

    /**
     * @param args the ping node's address.
     */
    public static void main(final String[] args)
    {
        SampleChild.exitWhenParentExits();
        Samples.runAndExit("pong", () ->
        {
            final ActorSystem system = ActorSystem.create("pong", ConfigFactory.load("ping-pong"));
            final ActorRef ponger = system.actorOf(Props.create(Ponger.class), "pong");
            system.actorSelection(args[0] + "/user/ping").tell(new PingPongProtocol.Hello(), ponger);
            system.getWhenTerminated().toCompletableFuture().get(Duration.ofHours(1).toMillis(), TimeUnit.MILLISECONDS);
        });
    }
}
