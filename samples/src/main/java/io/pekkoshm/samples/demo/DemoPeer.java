package io.pekkoshm.samples.demo;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.samples.support.SampleChild;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.time.Duration;

/**
 * The second JVM of the demo: echoes pings, acknowledges stream messages, exits when told. Started by
 * {@link TwoJvmDemo} with the main node's address as its argument.
 */
public final class DemoPeer
{
    private DemoPeer()
    {
    }

    static final class Peer extends AbstractActor
    {
        private long received;

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(DemoProtocol.Tick.class, tick ->
                {
                    if (++received % DemoProtocol.ACK_EVERY == 0)
                    {
                        getSender().tell(new DemoProtocol.Ack(received), getSelf());
                    }
                })
                .match(DemoProtocol.Ping.class, ping -> getSender().tell(ping, getSelf()))
                .match(DemoProtocol.Exit.class, exit -> getContext().getSystem().terminate())
                .build();
        }
    }

    /**
     * @param args the main node's address.
     * @throws Exception if the actor system does not terminate within ten minutes.
     */
    public static void main(final String[] args) throws Exception
    {
        SampleChild.exitWhenParentExits();
        final String mainAddress = args[0];
        final ActorSystem system = ActorSystem.create("demo-peer", ConfigFactory.load("demo"));
        final ActorRef peer = system.actorOf(Props.create(Peer.class), "peer");
        final ActorSelection main = system.actorSelection(mainAddress + "/user/main");
        main.tell(new DemoProtocol.Hello(), peer);
        system.getWhenTerminated().toCompletableFuture().get(Duration.ofMinutes(10).toMillis(),
            java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
