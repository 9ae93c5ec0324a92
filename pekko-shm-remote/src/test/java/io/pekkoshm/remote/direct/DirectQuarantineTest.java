package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedSystems;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.remote.AddressUidExtension;
import org.apache.pekko.remote.QuarantinedEvent;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Direct messages from a peer incarnation that classic remoting has quarantined are not delivered; they are counted
 * as dropped. A new incarnation of the same node (restarted on the same port) is delivered.
 * <p>
 * The quarantine is announced the way classic remoting announces it, by publishing Pekko's {@code QuarantinedEvent}
 * on the receiving node's event stream, which is what the direct path listens to. A real
 * {@code provider.quarantine(...)} also makes classic disassociate the peer's handles, which ends the transport
 * association a moment later: direct frames sent in between are the defect, but that window cannot be held open in a
 * test; the event alone keeps the association up, so every direct frame after the quarantine can be accounted for.
 */
@Timeout(120)
@SuppressWarnings("deprecation") // QuarantinedEvent is classic remoting's
class DirectQuarantineTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int AFTER_QUARANTINE = 50;

    private final EmbeddedSystems systems = new EmbeddedSystems("quarantine");

    private ActorSystem start(final String name, final String extra)
    {
        return systems.start(name, extra);
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

    private static long uid(final ActorSystem system)
    {
        return AddressUidExtension.get(system).longAddressUid();
    }

    private static long dropped(final ActorSystem system)
    {
        return ShmRemote.get(system).counters().messagesDropped();
    }

    private static long directSent(final ActorSystem system)
    {
        return ShmRemote.get(system).counters().directMessagesSent();
    }

    /**
     * Announces on {@code at} that classic remoting quarantined an incarnation, and returns once the direct path's
     * listener has taken it in (the event and the Identify behind it reach the listener's mailbox in that order).
     */
    private static void quarantine(final ActorSystem at, final Address address, final long uid)
    {
        at.getEventStream().publish(new QuarantinedEvent(address, uid));
        final TestKit probe = new TestKit(at);
        at.actorSelection("/system/pekko-shm-quarantine").tell(new Identify("listener"), probe.getRef());
        assertTrue(probe.expectMsgClass(WAIT, ActorIdentity.class).getActorRef().isPresent(),
            "the direct path's quarantine listener runs");
    }

    /** Sends from {@code from} to {@code to} until one was sent direct and arrived; drains what arrived. */
    private static void awaitDirectDelivery(final ActorSystem from, final TestKit to, final ActorRef ref)
    {
        final long before = directSent(from);
        Await.until(WAIT, () ->
        {
            ref.tell("warm-up", ActorRef.noSender());
            to.expectMsgEquals(WAIT, "warm-up");
            return directSent(from) > before;
        }, () -> "no message from " + from.name() + " went direct");
    }

    /**
     * Sends from a quarantined incarnation: every direct message is counted as dropped at the receiver, none reaches
     * the recipient (a marker sent after them locally arrives first).
     */
    private static void assertDroppedNotDelivered(final ActorSystem receiver, final TestKit sink, final ActorRef ref)
    {
        final long droppedBefore = dropped(receiver);
        for (int i = 0; i < AFTER_QUARANTINE; i++)
        {
            ref.tell("after-quarantine-" + i, ActorRef.noSender());
        }
        Await.until(WAIT, () -> dropped(receiver) >= droppedBefore + AFTER_QUARANTINE,
            () -> "direct messages of the quarantined incarnation counted as dropped: " +
                (dropped(receiver) - droppedBefore) + " of " + AFTER_QUARANTINE);
        assertEquals(droppedBefore + AFTER_QUARANTINE, dropped(receiver), "each counted once");
        sink.getRef().tell("marker", ActorRef.noSender());
        for (Object received = sink.receiveOne(WAIT); !"marker".equals(received); received = sink.receiveOne(WAIT))
        {
            assertNotNull(received, "the marker arrives");
            assertFalse(received.toString().startsWith("after-quarantine"), "delivered: " + received);
        }
    }

    @Test
    void shouldDropDirectMessagesOfAnIncarnationQuarantinedWhileItsSessionIsOpenAndDeliverItsRestart()
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        final TestKit sink = new TestKit(a);
        final String sinkPath = sink.getRef().path().toStringWithAddress(address(a));
        final ActorRef sinkFromB = b.provider().resolveActorRef(sinkPath);
        awaitDirectDelivery(b, sink, sinkFromB);

        final Address addressOfB = address(b);
        final long oldUid = uid(b);
        quarantine(a, addressOfB, oldUid);
        assertDroppedNotDelivered(a, sink, sinkFromB);

        // the node restarts on the same port: a new incarnation, delivered
        systems.stop(b);
        final ActorSystem restarted = start("b", "pekko.remote.shm.port = " + addressOfB.getPort().get());
        assertEquals(addressOfB, address(restarted));
        assertNotEquals(oldUid, uid(restarted));
        final long droppedBefore = dropped(a);
        final ActorRef sinkFromRestarted = restarted.provider().resolveActorRef(sinkPath);
        awaitDirectDelivery(restarted, sink, sinkFromRestarted);
        for (int i = 0; i < AFTER_QUARANTINE; i++)
        {
            sinkFromRestarted.tell("new-incarnation-" + i, ActorRef.noSender());
        }
        for (int i = 0; i < AFTER_QUARANTINE; i++)
        {
            sink.expectMsgEquals(WAIT, "new-incarnation-" + i);
        }
        assertEquals(droppedBefore, dropped(a), "nothing of the new incarnation dropped");
    }

    @Test
    void shouldDropDirectMessagesOfAnIncarnationQuarantinedBeforeItsSessionOpens()
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        quarantine(a, address(b), uid(b));
        final TestKit sink = new TestKit(a);
        final ActorRef sinkFromB = b.provider().resolveActorRef(sink.getRef().path().toStringWithAddress(address(a)));
        // classic itself is not quarantined here, so the first messages (sent the classic way until the route and
        // its barrier are up) arrive; the first direct one opens the session, quarantined from the start
        final long droppedBefore = dropped(a);
        final long[] sent = {0};
        Await.until(WAIT, () ->
        {
            sinkFromB.tell("before-quarantine-" + sent[0]++, ActorRef.noSender());
            return dropped(a) > droppedBefore;
        }, () -> "no direct message of b was dropped at a");
        assertTrue(directSent(b) > 0, "b sent direct");
        for (int i = 0; i < AFTER_QUARANTINE; i++)
        {
            sinkFromB.tell("after-quarantine-" + i, ActorRef.noSender());
        }
        // each message is delivered (classic, before the switch) or dropped (direct), never both, in send order
        final long[] delivered = {0};
        Await.until(WAIT, () ->
        {
            while (sink.msgAvailable())
            {
                final Object message = sink.receiveOne(WAIT);
                assertEquals("before-quarantine-" + delivered[0], message, "delivered in order, classic only");
                delivered[0]++;
            }
            return delivered[0] + dropped(a) - droppedBefore >= sent[0] + AFTER_QUARANTINE;
        }, () -> "of " + (sent[0] + AFTER_QUARANTINE) + " messages " + delivered[0] + " delivered and " +
            (dropped(a) - droppedBefore) + " dropped");
        assertEquals(sent[0] + AFTER_QUARANTINE, delivered[0] + dropped(a) - droppedBefore);
        assertTrue(delivered[0] < sent[0], "the direct ones were dropped");
        sink.getRef().tell("marker", ActorRef.noSender());
        sink.expectMsgEquals(WAIT, "marker");
    }
}
