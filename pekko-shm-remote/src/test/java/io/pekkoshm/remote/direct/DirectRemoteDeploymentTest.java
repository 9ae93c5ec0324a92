package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.EmbeddedSystems;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Deploy;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.remote.RemoteScope;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Remote deployment on the direct path: node a deploys a child of its actor onto node b. The child's logical path
 * names a ({@code a/user/parent/child}) while it runs on b; a message sent to that path arrives at a and, as in
 * classic remoting's dispatcher, is forwarded to b because it was addressed to a.
 */
@Timeout(90)
class DirectRemoteDeploymentTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final EmbeddedSystems systems = new EmbeddedSystems("deploy");

    private ActorSystem start(final String name)
    {
        return systems.start(name, "");
    }

    @AfterEach
    void stop()
    {
        systems.close();
    }

    private static Address address(final ActorSystem system)
    {
        return ShmRemote.get(system).address().orElseThrow();
    }

    /** Round trips from {@code from} to an echo on {@code to} until one went the direct way. */
    private static void awaitDirect(final ActorSystem from, final ActorSystem to)
    {
        to.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo-for-" + from.name());
        final TestKit probe = new TestKit(from);
        from.actorSelection(address(to) + "/user/echo-for-" + from.name()).tell(new Identify(0), probe.getRef());
        final ActorRef echo = probe.expectMsgClass(WAIT, ActorIdentity.class).getActorRef().orElseThrow();
        Await.until(WAIT, () ->
        {
            echo.tell("warm-up", probe.getRef());
            probe.expectMsgEquals(WAIT, "warm-up");
            return ShmRemote.get(from).counters().directMessagesSent() > 0;
        }, () -> "no message from " + from.name() + " to " + to.name() + " went direct");
    }

    @Test
    void shouldForwardMessagesAddressedToTheDeployersPathOfARemoteDeployedChild()
    {
        final ActorSystem a = start("a");
        final ActorSystem b = start("b");
        final ActorSystem c = start("c");
        final TestKit parentProbe = new TestKit(a);
        final ActorRef parent = a.actorOf(Props.create(Parent.class, () -> new Parent(address(b))), "parent");
        parent.tell("deploy", parentProbe.getRef());
        final ActorRef child = parentProbe.expectMsgClass(WAIT, ActorRef.class);
        assertEquals(address(b), child.path().address(), "the child runs on b: " + child.path());

        // the parent talks to its child, and the child answers its parent (b -> a direct)
        awaitDirect(a, b);
        awaitDirect(b, a);
        parent.tell("to-child", parentProbe.getRef());
        parentProbe.expectMsgEquals(WAIT, "child got: from-parent");

        // a third node sends to the child's logical path, which names a: a forwards to b, the reply comes back
        awaitDirect(c, a);
        final long directBefore = ShmRemote.get(c).counters().directMessagesSent();
        final TestKit third = new TestKit(c);
        final ActorRef viaA = c.provider().resolveActorRef(address(a) + "/user/parent/child");
        for (int i = 0; i < 10; i++)
        {
            viaA.tell("m" + i, third.getRef());
        }
        for (int i = 0; i < 10; i++)
        {
            third.expectMsgEquals(WAIT, "m" + i);
            assertEquals(address(b), third.getLastSender().path().address(), "the reply comes from b");
        }
        assertTrue(ShmRemote.get(c).counters().directMessagesSent() >= directBefore + 10,
            "the messages to a went direct: " + ShmRemote.get(c).counters());
        assertEquals(0, ShmRemote.get(a).counters().messagesDropped());
    }

    /** Deploys a child on a node (a RemoteScope) when told, and relays between the test and its child. */
    static final class Parent extends AbstractActor
    {
        private final Address childNode;
        private ActorRef child;
        private ActorRef asker;

        Parent(final Address childNode)
        {
            this.childNode = childNode;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .matchEquals("deploy", m ->
                {
                    child = getContext().actorOf(Props.create(EmbeddedNodes.Echo.class)
                        .withDeploy(new Deploy(new RemoteScope(childNode))), "child");
                    getSender().tell(child, getSelf());
                })
                .matchEquals("to-child", m ->
                {
                    asker = getSender();
                    child.tell("from-parent", getSelf());
                })
                .matchEquals("from-parent", m -> asker.tell("child got: " + m, getSelf()))
                .build();
        }
    }
}
