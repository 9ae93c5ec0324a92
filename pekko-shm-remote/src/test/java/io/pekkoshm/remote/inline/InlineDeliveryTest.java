package io.pekkoshm.remote.inline;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.ShmNodeState;
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
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inline delivery end to end: two actor systems of one JVM on the direct path, node B's actors on the inline
 * dispatcher (pekko.remote.shm.inline-dispatcher), so they run on B's node thread.
 */
@Timeout(120)
class InlineDeliveryTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String INLINE = "pekko.remote.shm.inline-dispatcher";

    private final EmbeddedSystems systems = new EmbeddedSystems("inline");

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

    /** The name of the node agent's thread of a system's node: its role name. */
    private static String nodeThread(final ActorSystem system)
    {
        return "pekko-shm-node-" + address(system).getPort().orElseThrow();
    }

    private static ActorRef identify(final ActorSystem from, final String path)
    {
        final TestKit probe = new TestKit(from);
        from.actorSelection(path).tell(new Identify(path), probe.getRef());
        return probe.expectMsgClass(WAIT, ActorIdentity.class).getActorRef().orElseThrow();
    }

    private static Object ask(final ActorRef target, final Object message) throws Exception
    {
        return Patterns.ask(target, message, WAIT).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void shouldAnswerAnAskFromAnotherNodeOnTheReceivingNodesThread() throws Exception
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        b.actorOf(Props.create(ThreadName.class).withDispatcher(INLINE), "where");
        final ActorRef where = identify(a, address(b) + "/user/where");

        for (int i = 0; i < 100; i++)
        {
            assertEquals(nodeThread(b), ask(where, "where do you run?"));
        }
        final ShmCountersSnapshot counters = ShmRemote.get(b).counters();
        assertTrue(counters.inlineTasksRun() >= 100, counters.toString());
        assertTrue(counters.directMessagesReceived() > 0, "the asks came on the direct path: " + counters);
        assertEquals(0, counters.inlineTasksFailed(), counters.toString());
    }

    /**
     * A node that sleeps on its doorbell as soon as it is idle, with its periodic duty an hour away: an inline actor
     * asked from a thread of its own JVM (no peer writes, nobody rings) still answers each time, because queueing the
     * task wakes the node (a task that waited for the periodic duty would time the ask out). Repeated, with the next
     * ask landing anywhere in the node's way to sleep.
     */
    @Test
    void shouldWakeASleepingNodeForATaskQueuedFromAnotherThread() throws Exception
    {
        final ActorSystem b = start("b", "pekko.remote.shm.idle-sleep-after = 0\n" +
            "pekko.remote.shm.heartbeat-interval = 1 h\npekko.remote.shm.peer-timeout = 3 h\n");
        final ActorRef where = b.actorOf(Props.create(ThreadName.class).withDispatcher(INLINE), "where");
        final long sleptBefore = ShmRemote.get(b).counters().idleSleeps();

        for (int i = 0; i < 300; i++)
        {
            assertEquals(nodeThread(b), ask(where, "where do you run?"), "ask " + i);
            for (int spin = ThreadLocalRandom.current().nextInt(2_000); spin > 0; spin--)
            {
                Thread.onSpinWait();
            }
        }
        assertTrue(ShmRemote.get(b).counters().idleSleeps() > sleptBefore,
            "the node should have slept between asks: " + ShmRemote.get(b).counters());
    }

    /**
     * One inline actor gets a remote sender's messages (node A, the direct path) while three threads of its own node
     * send to it locally (queued from foreign threads): every sender's messages arrive in the order it sent them, and
     * all are handled on the node's thread. Repeated with a fresh actor each round; the first round starts before the
     * association exists, so A's stream also switches from the classic path to the direct one under it.
     */
    @Test
    void shouldKeepEachSendersOrderAcrossTheDirectPathAndLocalSendersRepeatedly() throws Exception
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        // no association yet: in the first round A's first messages go the classic way (delivered by classic
        // remoting's endpoint reader, a Pekko thread, so queued from a foreign thread) and the rest direct
        final int rounds = 20;
        final int perSender = 2_000;
        final int localSenders = 3;
        final TestKit reports = new TestKit(b);
        for (int round = 0; round < rounds; round++)
        {
            final ActorRef reportTo = reports.getRef();
            final ActorRef recorder = b.actorOf(Props.create(Recorder.class,
                () -> new Recorder(reportTo, (localSenders + 1) * perSender)).withDispatcher(INLINE),
                "recorder-" + round);
            final ActorRef fromA = a.provider().resolveActorRef(recorder.path().toStringWithAddress(address(b)));
            final List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < localSenders; t++)
            {
                final String sender = "local" + t;
                senders.add(new Thread(() ->
                {
                    for (int i = 0; i < perSender; i++)
                    {
                        recorder.tell(sender + ":" + i, ActorRef.noSender());
                    }
                }, "test-sender-" + t));
            }
            senders.forEach(Thread::start);
            for (int i = 0; i < perSender; i++)
            {
                fromA.tell("remote:" + i, ActorRef.noSender());
            }
            for (final Thread sender : senders)
            {
                sender.join();
            }
            final Report report = reports.expectMsgClass(WAIT, Report.class);
            assertEquals(List.of(), report.violations(), "round " + round);
            assertEquals(Set.of(nodeThread(b)), report.threads(), "round " + round);
        }
        final ShmCountersSnapshot counters = ShmRemote.get(b).counters();
        assertEquals(0, counters.messagesDropped() + counters.inlineTasksFailed(), counters.toString());
    }

    /**
     * An inline actor that throws is restarted by its supervisor like any actor (the exception never reaches the
     * node's thread), and the node keeps delivering to it and to other actors.
     */
    @Test
    void shouldRestartAThrowingInlineActorAndKeepDeliveringToOthers() throws Exception
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        b.actorOf(Props.create(Fragile.class).withDispatcher(INLINE), "fragile");
        b.actorOf(Props.create(ThreadName.class).withDispatcher(INLINE), "other");
        final ActorRef fragile = identify(a, address(b) + "/user/fragile");
        final ActorRef other = identify(a, address(b) + "/user/other");

        assertEquals(1, ask(fragile, "count"));
        assertEquals(2, ask(fragile, "count"));
        for (int i = 0; i < 10; i++)
        {
            fragile.tell("boom", ActorRef.noSender());
            assertEquals(nodeThread(b), ask(other, "still served?"));
            assertEquals(1, ask(fragile, "count"), "a fresh instance after the restart");
        }
        final ShmCountersSnapshot counters = ShmRemote.get(b).counters();
        assertEquals(0, counters.inlineTasksFailed(), "supervision handled it: " + counters);
        assertEquals(0, counters.messagesDropped(), counters.toString());
    }

    /**
     * An inline actor that blocks the node's thread is reported while it blocks (stuck) and counted as slow when it
     * returns; then the node serves its peers again. The thresholds are tiny, but nothing depends on how long
     * anything takes: the actor blocks until the test has seen the watchdog's report.
     */
    @Test
    void shouldReportAnInlineActorThatBlocksAndServeAgainWhenItReturns() throws Exception
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b",
            "pekko.remote.shm.inline-task-warn = 10 ms\npekko.remote.shm.inline-task-stuck = 20 ms\n");
        final ActorRef blocker = b.actorOf(Props.create(Blocker.class).withDispatcher(INLINE), "blocker");
        b.actorOf(Props.create(ThreadName.class).withDispatcher(INLINE), "other");
        final ActorRef other = identify(a, address(b) + "/user/other");
        assertEquals(nodeThread(b), ask(other, "up?"));

        Blocker.entered = new CountDownLatch(1);
        Blocker.release = new CountDownLatch(1);
        blocker.tell("block", ActorRef.noSender());
        assertTrue(Blocker.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        Await.until(WAIT, () -> ShmRemote.get(b).counters().inlineTasksStuck() >= 1,
            () -> "the watchdog reports the blocked actor: " + ShmRemote.get(b).counters());
        Blocker.release.countDown();
        Await.until(WAIT, () -> ShmRemote.get(b).counters().inlineTasksSlow() >= 1,
            () -> "counted slow when it returned: " + ShmRemote.get(b).counters());

        assertEquals(nodeThread(b), ask(other, "served again?"));
        assertEquals(0, ShmRemote.get(b).counters().inlineTasksFailed());
    }

    /**
     * On one host the node's thread runs its Aeron client's conductor; an inline actor that holds that thread for
     * three of the driver's client liveness timeouts must not cost the node its client (the driver would drop it and
     * every association would end; with an embedded driver the node would stay detached): the transport's watchdog
     * runs the conductor meanwhile. After the actor returns, the node is still attached, serves again and dropped
     * nothing. The actor blocks for a set time: that is the case tested, not a wait for something to happen.
     */
    @Test
    void shouldKeepTheNodesAssociationsWhileAnInlineActorHoldsItsThreadPastTheDriversClientTimeout() throws Exception
    {
        final String liveness = "pekko.remote.shm.driver.client-liveness-timeout = 2 s\n";
        final ActorSystem a = start("a", liveness);
        final ActorSystem b = start("b", liveness + "pekko.remote.shm.inline-task-stuck = 20 ms\n");
        final ActorRef blocker = b.actorOf(Props.create(Blocker.class).withDispatcher(INLINE), "blocker");
        b.actorOf(Props.create(ThreadName.class).withDispatcher(INLINE), "other");
        final ActorRef other = identify(a, address(b) + "/user/other");
        assertEquals(nodeThread(b), ask(other, "up?"));

        Blocker.entered = new CountDownLatch(1);
        Blocker.release = new CountDownLatch(1);
        Blocker.heldMillis = 6_000;
        blocker.tell("hold", ActorRef.noSender());
        assertTrue(Blocker.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        Await.until(WAIT, () -> ShmRemote.get(b).counters().inlineTasksSlow() >= 1,
            () -> "the held task should have returned and been counted slow: " + ShmRemote.get(b).counters());

        assertEquals(nodeThread(b), ask(other, "served again?"));
        assertEquals(ShmNodeState.ATTACHED, ShmRemote.get(b).state(), "b should still be attached");
        assertEquals(0, ShmRemote.get(a).counters().messagesDropped() + ShmRemote.get(b).counters().messagesDropped());
    }

    /** A typed actor selects the inline dispatcher with DispatcherSelector.fromConfig and runs on the node's thread. */
    @Test
    void shouldRunATypedActorOnTheNodesThreadWhenItSelectsTheInlineDispatcher()
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        final TestKit probe = new TestKit(b);
        final ActorRef told = probe.getRef();
        Adapter.spawn(b, Behaviors.<String>receiveMessage(m ->
        {
            told.tell(Thread.currentThread().getName(), ActorRef.noSender());
            return Behaviors.same();
        }), "typed", DispatcherSelector.fromConfig(INLINE));
        final ActorRef typed = identify(a, address(b) + "/user/typed");

        typed.tell("where do you run?", ActorRef.noSender());

        assertEquals(nodeThread(b), probe.expectMsgClass(WAIT, String.class));
    }

    /** With the plugin off (a local actor system), inline actors still run: on the fallback threads. */
    @Test
    void shouldRunInlineActorsOnTheFallbackWhenNoNodeRuns() throws Exception
    {
        final ActorSystem local = ActorSystem.create("local",
            ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
        systems.add(local);
        final ActorRef where = local.actorOf(Props.create(ThreadName.class).withDispatcher(INLINE), "where");

        final Object thread = ask(where, "where do you run?");
        assertTrue(thread.toString().startsWith("pekko-shm-inline-fallback-local-"), thread.toString());
        assertTrue(InlineTasks.forSystem(local).counts().fallback() >= 1);
        assertEquals(0, InlineTasks.forSystem(local).counts().run());
    }

    /** Replies with the name of the thread it runs on. */
    public static final class ThreadName extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchAny(m -> getSender().tell(Thread.currentThread().getName(), getSelf()))
                .build();
        }
    }

    /** What a recorder saw: messages out of their sender's order, and the threads it ran on. */
    public record Report(List<String> violations, Set<String> threads)
    {
    }

    /** Checks "sender:seq" messages arrive in each sender's order; reports once it has had {@code expected}. */
    public static final class Recorder extends AbstractActor
    {
        private final ActorRef report;
        private final int expected;
        private final Map<String, Integer> next = new HashMap<>();
        private final List<String> violations = new ArrayList<>();
        private final Set<String> threads = new TreeSet<>();
        private int seen;

        Recorder(final ActorRef report, final int expected)
        {
            this.report = report;
            this.expected = expected;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(String.class, m ->
            {
                threads.add(Thread.currentThread().getName());
                final int colon = m.indexOf(':');
                final String sender = m.substring(0, colon);
                final int seq = Integer.parseInt(m.substring(colon + 1));
                final int want = next.getOrDefault(sender, 0);
                if (seq != want && violations.size() < 10)
                {
                    violations.add(sender + " sent " + seq + " where " + want + " was due");
                }
                next.put(sender, seq + 1);
                if (++seen == expected)
                {
                    report.tell(new Report(List.copyOf(violations), Set.copyOf(threads)), getSelf());
                }
            }).build();
        }
    }

    /** Counts the messages this instance has had; throws on "boom" (its supervisor restarts it). */
    public static final class Fragile extends AbstractActor
    {
        private int count;

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .matchEquals("boom", m ->
                {
                    throw new IllegalStateException("boom (thrown on purpose by the test)");
                })
                .matchAny(m -> getSender().tell(++count, getSelf()))
                .build();
        }
    }

    /** Blocks its thread until the test releases it: what an inline actor must never do. */
    public static final class Blocker extends AbstractActor
    {
        static volatile CountDownLatch entered;
        static volatile CountDownLatch release;
        static volatile long heldMillis;

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchEquals("block", m ->
            {
                entered.countDown();
                release.await();
            }).matchEquals("hold", m ->
            {
                entered.countDown();
                assertFalse(release.await(heldMillis, TimeUnit.MILLISECONDS), "nothing releases a held actor");
            }).build();
        }
    }
}
