package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedSystems;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer's log that stays full, on one host: the receiving node's thread is held by an inline actor, so nothing
 * reads its log while the sender goes on sending. What the direct path holds then is serialized once on its way,
 * not once more for every later send, and everything arrives in order once the receiver reads again.
 */
@Timeout(120)
class FullLogTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String INLINE = "pekko.remote.shm.inline-dispatcher";
    /** Far more than a 256 KiB term and a 16 KiB staging batch hold (about 1,500 of these), well below the bound. */
    private static final int MESSAGES = 20_000;

    private final EmbeddedSystems systems = new EmbeddedSystems("full-log");

    private ActorSystem start(final String name)
    {
        return systems.start(name, String.join("\n",
            "pekko.remote.shm.term-length = 256 KiB",
            "pekko.remote.shm.outbound-batch-size = 16 KiB",
            "pekko.remote.shm.inline-task-stuck = 60 s",
            "pekko.actor.serializers.counted = \"" + CrossHostTest.CountingSerializer.class.getName() + "\"",
            "pekko.actor.serialization-bindings { \"" + CrossHostTest.Counted.class.getName() + "\" = counted }"));
    }

    @AfterEach
    void stop()
    {
        systems.close();
    }

    @Test
    void shouldSerializeAMessageHeldForAFullLogOnceOnItsWayAndDeliverAllInOrder() throws Exception
    {
        final ActorSystem a = start("a");
        final ActorSystem b = start("b");
        final ActorRef holder = b.actorOf(Props.create(Holder.class).withDispatcher(INLINE), "holder");
        b.actorOf(Props.create(InOrder.class), "in-order");
        final Address addressOfB = ShmRemote.get(b).address().orElseThrow();
        final ActorRef inOrder = identify(a, addressOfB + "/user/in-order");
        final TestKit probe = new TestKit(a);
        Await.until(WAIT, () ->
            {
                inOrder.tell(new CrossHostTest.Counted(-1, new byte[0]), probe.getRef());
                probe.expectMsg(WAIT, "warm");
                return ShmRemote.get(a).associations().stream().anyMatch(s -> s.directMessagesSent() > 0);
            },
            () -> "the direct path to b opened: " + ShmRemote.get(a).associations());

        Holder.entered = new CountDownLatch(1);
        Holder.release = new CountDownLatch(1);
        holder.tell("hold", ActorRef.noSender());
        assertTrue(Holder.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "b's node thread is held");
        CrossHostTest.CountingSerializer.SERIALIZED.set(0);
        final byte[] body = new byte[16];
        for (int i = 0; i < MESSAGES; i++)
        {
            inOrder.tell(new CrossHostTest.Counted(i, body), probe.getRef());
        }
        final int heldAtMost = ShmRemote.get(a).directPending().values().stream().mapToInt(Integer::intValue).sum();
        Holder.release.countDown();

        probe.expectMsg(WAIT, "all " + MESSAGES + " in order");
        final int serialized = CrossHostTest.CountingSerializer.SERIALIZED.get();
        assertTrue(heldAtMost > MESSAGES / 2, () -> "the log should have been full for most of the messages (" +
            heldAtMost + " held)");
        assertTrue(serialized <= MESSAGES + MESSAGES / 20, () -> serialized + " serializations of " + MESSAGES +
            " messages, most of them held for a full log: a held one was serialized again while it could not go");
        assertEquals(0, ShmRemote.get(a).counters().messagesDropped());
    }

    private static ActorRef identify(final ActorSystem from, final String path)
    {
        final TestKit probe = new TestKit(from);
        from.actorSelection(path).tell(new Identify(path), probe.getRef());
        return probe.expectMsgClass(WAIT, ActorIdentity.class).getActorRef().orElseThrow();
    }

    /** Holds its node's thread (it runs inline) until the test releases it. */
    public static final class Holder extends AbstractActor
    {
        static volatile CountDownLatch entered;
        static volatile CountDownLatch release;

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchEquals("hold", m ->
            {
                entered.countDown();
                assertTrue(release.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the test releases the holder");
            }).build();
        }
    }

    /** Answers "warm" to index -1; checks the order of the rest and answers once all came, in order or not. */
    public static final class InOrder extends AbstractActor
    {
        private int next;
        private boolean inOrder = true;

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(CrossHostTest.Counted.class, c ->
            {
                if (c.index() < 0)
                {
                    getSender().tell("warm", getSelf());
                    return;
                }
                inOrder &= c.index() == next;
                next++;
                if (MESSAGES == next)
                {
                    getSender().tell(inOrder ? "all " + MESSAGES + " in order" : "out of order", getSelf());
                }
            }).build();
        }
    }
}
