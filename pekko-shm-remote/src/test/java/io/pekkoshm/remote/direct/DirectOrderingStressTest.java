package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.pekko.internal.DirectPathProvider;
import io.pekkoshm.remote.support.EmbeddedSystems;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pekko's ordering on the direct path, under the races of its switch from classic to direct, repeated: every round
 * starts a new node, so every link starts classic, goes through its ordering barrier and direct while several
 * sender actors (on several threads) send at once and stop in the middle of it, and both nodes associate with each
 * other at the same moment. Each receiver checks, per sender, that messages arrive in the order sent and that the
 * {@code Terminated} its stop causes comes after the last of them.
 * <p>
 * The races it repeats: a death notification (a system message, always classic) overtaking messages held behind
 * the barrier; a message decided classic and sent after a barrier another thread started meanwhile; classic and the
 * direct path writing on two different associations of the same pair of nodes when both associate at once.
 */
@Timeout(300)
class DirectOrderingStressTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ROUNDS = 12;
    private static final int SENDERS = 4;
    private static final int MESSAGES = 400;
    private static final String EXTRA = "pekko.remote.use-unsafe-remote-features-outside-cluster = on\n" +
        System.getProperty("stress.extra", "");

    private final EmbeddedSystems systems = new EmbeddedSystems("direct-stress");

    @AfterEach
    void stop()
    {
        systems.close();
    }

    /**
     * One way: a new node watches the senders of a long-lived one and starts them; the long-lived node's link to the
     * new one starts classic, and its senders' messages are held behind the barrier while they stop.
     */
    @Test
    void shouldDeliverTerminatedAfterTheLastMessageOfEachSenderStoppingDuringTheSwitchRepeatedly()
    {
        final ActorSystem stable = start("stable");
        for (int round = 0; round < ROUNDS; round++)
        {
            final ActorSystem fresh = start("fresh" + round);
            final TestKit reports = new TestKit(stable);
            final List<String> onStable = startSenders(stable, round);
            final ActorRef checker = fresh.actorOf(Props.create(Checker.class,
                () -> new Checker(reports.getRef(), onStable, true)), "checker-" + round);
            checker.tell(Checker.START, ActorRef.noSender());
            expectNoViolation(reports, round, checker);
            endRound(fresh);
        }
        assertWentDirect(stable);
    }

    /**
     * Both ways at once: each node starts the other's senders at the same moment, so both associate with each other
     * at once; every sender's messages must arrive in order on the one stream classic writes on.
     */
    @Test
    void shouldKeepEachSendersOrderWhenBothNodesAssociateAtOnceRepeatedly()
    {
        final ActorSystem stable = start("stable");
        for (int round = 0; round < ROUNDS; round++)
        {
            final ActorSystem fresh = start("fresh" + round);
            final TestKit reports = new TestKit(stable);
            final List<String> onFresh = startSenders(fresh, round);
            final List<String> onStable = startSenders(stable, round);
            final ActorRef checkerOnStable = stable.actorOf(Props.create(Checker.class,
                () -> new Checker(reports.getRef(), onFresh, false)), "checker-" + round);
            final ActorRef checkerOnFresh = fresh.actorOf(Props.create(Checker.class,
                () -> new Checker(reports.getRef(), onStable, false)), "checker-" + round);
            checkerOnStable.tell(Checker.START, ActorRef.noSender());
            checkerOnFresh.tell(Checker.START, ActorRef.noSender());
            expectNoViolation(reports, round, checkerOnStable);
            expectNoViolation(reports, round, checkerOnFresh);
            endRound(fresh);
        }
        assertWentDirect(stable);
    }

    /**
     * @return the senders' full paths with their uids (a remote watch by a path without uid is answered only when the
     * watchee is already gone: Pekko matches the death notification to the watch by uid).
     */
    private static List<String> startSenders(final ActorSystem system, final int round)
    {
        final Address address = ShmRemote.get(system).address().orElseThrow();
        final List<String> paths = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++)
        {
            paths.add(system.actorOf(Props.create(Sender.class), "sender-" + round + "-" + i).path()
                .toSerializationFormatWithAddress(address));
        }
        return paths;
    }

    private static void expectNoViolation(final TestKit reports, final int round, final ActorRef checker)
    {
        final Object first = reports.receiveOne(WAIT);
        if (!(first instanceof Report))
        {
            checker.tell(Checker.STATUS, reports.getRef()); // what it has seen so far, to say where it stopped
        }
        final Report report = first instanceof Report ? (Report)first : reports.expectMsgClass(WAIT, Report.class);
        assertTrue(first instanceof Report, "round " + round + ": no report within " + WAIT + "; " + report);
        assertEquals(List.of(), report.violations(), "round " + round + ", receiver " + report.receiver());
        assertEquals(SENDERS * MESSAGES, report.received(), "round " + round + ", receiver " + report.receiver());
    }

    private void endRound(final ActorSystem fresh)
    {
        systems.stop(fresh);
    }

    private static void assertWentDirect(final ActorSystem stable)
    {
        final ShmCountersSnapshot counters = ShmRemote.get(stable).counters();
        assertTrue(counters.directMessagesSent() > 0, "the rounds went through the switch to the direct path: " +
            counters);
        assertEquals(0, counters.messagesDropped(), counters.toString());
    }

    private ActorSystem start(final String name)
    {
        return systems.start(name, EXTRA);
    }

    /** What one receiver saw: empty violations when every sender's messages came in order, then its Terminated. */
    record Report(String receiver, int received, List<String> violations)
    {
    }

    /**
     * Sends 0..n-1 to whoever sends it n (or -n: pause halfway), in batches between which it lets other actors run,
     * then stops. One that pauses halfway sends its second half once the first has arrived: the first message of it,
     * then (once the link has gone through its barrier and writes direct) the rest, so that every round switches a link
     * to the direct path while the others' senders stop around it; one that does not pause usually stops while its
     * messages are still held behind the barrier.
     */
    public static final class Sender extends AbstractActor
    {
        static final String RESUME = "resume";
        private static final int BATCH = 25;
        private static final String MORE = "more";
        private static final String CHECK_DIRECT = "check-direct";
        private static final Duration CHECK_INTERVAL = Duration.ofMillis(2);
        private ActorRef target;
        private int next;
        private int stopAt;
        private int count;

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(Integer.class, go ->
                {
                    target = getSender();
                    count = Math.abs(go);
                    stopAt = go < 0 ? count / 2 : count;
                    sendBatch();
                })
                .matchEquals(MORE, more -> sendBatch())
                .matchEquals(RESUME, resume ->
                {
                    stopAt = count;
                    target.tell(next++, getSelf()); // a link with a route starts its barrier on this one
                    getSelf().tell(CHECK_DIRECT, getSelf());
                })
                .matchEquals(CHECK_DIRECT, check ->
                {
                    if (directPath().isDirectTo(target.path().address()) || next >= count - 1)
                    {
                        sendBatch(); // direct now (or nothing left to wait with): the rest, then stop
                    }
                    else
                    {
                        // one more at a time until the link is direct: a stopping neighbour's death notification
                        // sends the link back to classic, and only a send starts its next barrier
                        target.tell(next++, getSelf());
                        getContext().getSystem().scheduler().scheduleOnce(CHECK_INTERVAL, getSelf(), CHECK_DIRECT,
                            getContext().getDispatcher(), getSelf());
                    }
                })
                .build();
        }

        private DirectPath directPath()
        {
            final ExtendedActorSystem system = (ExtendedActorSystem)getContext().getSystem();
            return ((DirectPathProvider)system.provider()).directRefs().directPath();
        }

        private void sendBatch()
        {
            final int end = Math.min(stopAt, next + BATCH);
            for (; next < end; next++)
            {
                target.tell(next, getSelf());
            }
            if (next == count)
            {
                getContext().stop(getSelf());
            }
            else if (next < stopAt)
            {
                getSelf().tell(MORE, getSelf());
            }
        }
    }

    /**
     * Starts the remote senders (watching them first, if asked) and checks what arrives from each; reports once every
     * sender's Terminated (when watching) or last message (when not) is in.
     */
    public static final class Checker extends AbstractActor
    {
        static final String START = "start";
        static final String STATUS = "status";
        private static final String WATCHING = "watching";

        private final ActorRef report;
        private final List<String> senders;
        private final boolean watch;
        private final Map<String, Integer> received = new HashMap<>();
        private final List<String> violations = new ArrayList<>();
        private int terminated;
        private int total;

        Checker(final ActorRef report, final List<String> senders, final boolean watch)
        {
            this.report = report;
            this.senders = senders;
            this.watch = watch;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .matchEquals(START, start ->
                {
                    if (!watch)
                    {
                        go();
                        return;
                    }
                    for (final String path : senders)
                    {
                        getContext().watch(getContext().getSystem().provider().resolveActorRef(path));
                    }
                    // Remote watches go on the wire through the remote watcher; once it has answered this, each
                    // Watch is on its classic way, ahead of the senders' start (Pekko does not order a Watch with
                    // ordinary messages; a sender could otherwise stop before its Watch arrives, which plain classic
                    // remoting answers with no Terminated at all in some runs)
                    getContext().actorSelection("/system/remote-watcher").tell(new Identify(WATCHING), getSelf());
                })
                .match(ActorIdentity.class, identity -> WATCHING.equals(identity.correlationId()), identity -> go())
                .matchEquals(STATUS, status -> getSender().tell(new Report(getSelf().path() + " (so far: " +
                    received + ", " + terminated + " terminated)", total, List.copyOf(violations)), getSelf()))
                .match(Integer.class, i ->
                {
                    final String from = getSender().path().name();
                    final int expected = received.getOrDefault(from, 0);
                    if (i != expected && violations.size() < 10)
                    {
                        violations.add(from + ": got " + i + " where " + expected + " was next");
                    }
                    received.put(from, expected + 1);
                    if (expected + 1 == MESSAGES / 2)
                    {
                        getSender().tell(Sender.RESUME, getSelf()); // ignored by a sender that does not pause
                    }
                    if (++total == senders.size() * MESSAGES && !watch)
                    {
                        reportNow();
                    }
                })
                .match(Terminated.class, ended ->
                {
                    final String from = ended.actor().path().name();
                    final int count = received.getOrDefault(from, 0);
                    if (count != MESSAGES)
                    {
                        violations.add(from + ": Terminated after " + count + " of its " + MESSAGES + " messages");
                    }
                    if (++terminated == senders.size())
                    {
                        reportNow();
                    }
                })
                .build();
        }

        private void go()
        {
            for (int i = 0; i < senders.size(); i++)
            {
                getContext().getSystem().provider().resolveActorRef(senders.get(i))
                    .tell(1 == i % 2 ? -MESSAGES : MESSAGES, getSelf());
            }
        }

        private void reportNow()
        {
            report.tell(new Report(getSelf().path().toString(), total, List.copyOf(violations)), getSelf());
        }
    }
}
