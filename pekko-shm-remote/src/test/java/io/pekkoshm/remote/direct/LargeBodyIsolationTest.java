package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.pekko.internal.DirectPathProvider;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedSystems;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large bodies are read off the receiving node's inbound thread: while one is being deserialized, messages to other
 * recipients (and from other peers) are delivered, the recipient's later messages wait behind it, and so does the
 * peer's classic traffic (a {@code Terminated} comes after the large message its actor sent last).
 */
@Timeout(180)
class LargeBodyIsolationTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CONFIG = "pekko.remote.shm.blob { threshold = 64 KiB, receive-threads = 3 }\n" +
        "pekko.actor.serializers.gated = \"" + GatedSerializer.class.getName() + "\"\n" +
        "pekko.actor.serialization-bindings { \"" + Gated.class.getName() + "\" = gated }\n";

    private final Path directory = ShmTestDirectory.newPath("large");
    private final List<ActorSystem> systems = new ArrayList<>();

    /** A message whose deserialization waits at a gate the test opens. */
    public record Gated(int id, byte[] body)
    {
    }

    /** The gate: deserializing a {@link Gated} says so ({@link #ENTERED}) and waits for {@link #OPEN}. */
    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile CountDownLatch open = new CountDownLatch(0);
    /** Calls of the serializer's toBinary (both forms), on every node of the JVM. */
    static final AtomicInteger SERIALIZATIONS = new AtomicInteger();

    /** Serializes {@link Gated}; reading one waits at the gate. A ByteBufferSerializer: it reads the block in place. */
    public static final class GatedSerializer extends SerializerWithStringManifest implements ByteBufferSerializer
    {
        @Override
        public int identifier()
        {
            return 4711;
        }

        @Override
        public String manifest(final Object o)
        {
            return "G";
        }

        @Override
        public byte[] toBinary(final Object o)
        {
            final Gated gated = (Gated)o;
            final ByteBuffer buffer = ByteBuffer.allocate(4 + gated.body().length);
            toBinary(o, buffer);
            return buffer.array();
        }

        @Override
        public void toBinary(final Object o, final ByteBuffer buffer)
        {
            SERIALIZATIONS.incrementAndGet();
            final Gated gated = (Gated)o;
            buffer.putInt(bigEndian(buffer, gated.id())).put(gated.body());
        }

        /** The id in big-endian whatever order the buffer is in (Pekko hands out little-endian buffers). */
        private static int bigEndian(final ByteBuffer buffer, final int value)
        {
            return ByteOrder.BIG_ENDIAN == buffer.order() ? value : Integer.reverseBytes(value);
        }

        @Override
        public Object fromBinary(final byte[] bytes, final String manifest)
        {
            return fromBinary(ByteBuffer.wrap(bytes), manifest);
        }

        @Override
        public Object fromBinary(final ByteBuffer buffer, final String manifest)
        {
            final int id = bigEndian(buffer, buffer.getInt());
            if (id < 0)
            {
                throw new OutOfMemoryError("Java heap space (thrown by the test)");
            }
            final byte[] body = new byte[buffer.remaining()];
            buffer.get(body);
            entered.countDown();
            try
            {
                if (!open.await(60, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("the test never opened the gate");
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
            return new Gated(id, body);
        }
    }

    /** Forwards what it gets to a probe; watches whoever says "watch me"; reports Terminated. */
    public static final class Recorder extends AbstractActor
    {
        private final ActorRef probe;

        Recorder(final ActorRef probe)
        {
            this.probe = probe;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .matchEquals("watch me", m ->
                {
                    getContext().watch(getSender());
                    probe.tell("watching", getSelf());
                })
                .match(Terminated.class, t -> probe.tell("terminated", getSelf()))
                .match(Gated.class, g -> probe.tell("gated " + g.id() + " of " + g.body().length, getSelf()))
                .matchAny(m -> probe.tell(m, getSelf()))
                .build();
        }
    }

    /** On "go": sends a large message to the recipient, then stops. */
    public static final class LastWords extends AbstractActor
    {
        private final ActorRef recipient;

        LastWords(final ActorRef recipient)
        {
            this.recipient = recipient;
        }

        @Override
        public void preStart()
        {
            recipient.tell("watch me", getSelf());
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchEquals("go", m ->
            {
                recipient.tell(new Gated(2, new byte[1024 * 1024]), getSelf());
                getContext().stop(getSelf());
            }).build();
        }
    }

    /** The next {@link Gated} to be deserialized waits at the gate until the test opens it. */
    private static void closeGate()
    {
        entered = new CountDownLatch(1);
        open = new CountDownLatch(1);
    }

    private ActorSystem start(final String name, final String extra)
    {
        final ActorSystem system = ActorSystem.create(name, EmbeddedSystems.config(directory, CONFIG + extra));
        systems.add(system);
        return system;
    }

    @AfterEach
    void stop()
    {
        open.countDown();
        for (int i = systems.size() - 1; i >= 0; i--)
        {
            TestKit.shutdownActorSystem(systems.get(i));
        }
        assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
    }

    private static Address address(final ActorSystem system)
    {
        return ShmRemote.get(system).address().orElseThrow();
    }

    private static ActorRef identify(final ActorSystem from, final ActorSystem on, final String name)
    {
        final String path = address(on) + "/user/" + name;
        final TestKit probe = new TestKit(from);
        from.actorSelection(path).tell(new Identify(path), probe.getRef());
        return probe.expectMsgClass(WAIT, ActorIdentity.class).getActorRef().orElseThrow();
    }

    /** Sends small messages to {@code ref} until {@code from}'s link to its node writes direct (each is answered). */
    private static void untilDirect(final ActorSystem from, final ActorRef ref, final TestKit answers)
    {
        final DirectPath path = ((DirectPathProvider)((org.apache.pekko.actor.ExtendedActorSystem)from).provider())
            .directRefs().directPath();
        Await.until(WAIT, () ->
        {
            ref.tell("ping", ActorRef.noSender());
            answers.expectMsg(WAIT, "ping");
            return path.isDirectTo(ref.path().address());
        }, () -> "the link to " + ref.path().address() + " never went direct");
    }

    /** A {@link Recorder} "recipient" on {@code a}, reporting to {@code probe}, which {@code b} sends to direct. */
    private static ActorRef directRecipient(final ActorSystem a, final ActorSystem b, final TestKit probe)
    {
        a.actorOf(Props.create(Recorder.class, probe.getRef()), "recipient");
        final ActorRef recipient = identify(b, a, "recipient");
        untilDirect(b, recipient, probe);
        return recipient;
    }

    private static ShmCountersSnapshot counters(final ActorSystem system)
    {
        return ShmRemote.get(system).counters();
    }

    @Test
    void shouldServeOtherRecipientsWhileALargeBodyIsReadAndKeepItsRecipientsOrder()
    {
        closeGate();
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        final TestKit first = new TestKit(a);
        final TestKit second = new TestKit(a);
        a.actorOf(Props.create(Recorder.class, first.getRef()), "first");
        a.actorOf(Props.create(Recorder.class, second.getRef()), "second");
        final ActorRef firstRef = identify(b, a, "first");
        final ActorRef secondRef = identify(b, a, "second");
        untilDirect(b, firstRef, first);
        secondRef.tell("ping", ActorRef.noSender());
        second.expectMsg(WAIT, "ping");

        firstRef.tell(new Gated(1, new byte[1024 * 1024]), ActorRef.noSender());
        firstRef.tell("after the large one", ActorRef.noSender());
        secondRef.tell("to another recipient", ActorRef.noSender());

        // were the large body read on the inbound thread, it would wait at the gate and this would never arrive
        second.expectMsg(WAIT, "to another recipient");
        Await.until(WAIT, () -> 0 == entered.getCount(), () -> "the large body never reached its deserializer");
        assertEquals(1, counters(a).messagesHeld(), "the first recipient's later message waits: " + counters(a));

        open.countDown();
        first.expectMsg(WAIT, "gated 1 of " + 1024 * 1024);
        first.expectMsg(WAIT, "after the large one");
        Await.until(WAIT, () -> 0 == counters(a).messagesHeld(), () -> "nothing held any more: " + counters(a));
        assertEquals(0, counters(a).messagesDropped() + counters(b).messagesDropped());
    }

    @Test
    void shouldDeliverTerminatedAfterTheLargeMessageTheStoppedActorSentLast()
    {
        closeGate();
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        final TestKit probe = new TestKit(a);
        final ActorRef recipient = directRecipient(a, b, probe);

        final ActorRef lastWords = b.actorOf(Props.create(LastWords.class, recipient), "last-words");
        probe.expectMsg(WAIT, "watching");
        lastWords.tell("go", ActorRef.noSender());
        Await.until(WAIT, () -> 0 == entered.getCount(), () -> "the large body never reached its deserializer");
        Await.until(WAIT, () -> counters(a).messagesHeld() > 0,
            () -> "the peer's classic traffic after the large body is held: " + counters(a));

        open.countDown();
        probe.expectMsg(WAIT, "gated 2 of " + 1024 * 1024);
        probe.expectMsg(WAIT, "terminated");
    }

    @Test
    void shouldDropALargeMessageTheHeapHasNoRoomForAndDeliverWhatFollows()
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        final TestKit probe = new TestKit(a);
        final ActorRef recipient = directRecipient(a, b, probe);
        final long droppedBefore = counters(a).messagesDropped();

        recipient.tell(new Gated(-1, new byte[512 * 1024]), ActorRef.noSender());
        recipient.tell("after the dropped one", ActorRef.noSender());

        probe.expectMsg(WAIT, "after the dropped one");
        assertEquals(droppedBefore + 1, counters(a).messagesDropped(), counters(a).toString());
        assertEquals(0, counters(a).messagesHeld());
    }

    @Test
    void shouldSerializeEachLargeMessageOnceAfterTheFirstOfItsClass()
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        final TestKit probe = new TestKit(a);
        final ActorRef recipient = directRecipient(a, b, probe);
        final int messages = 5;
        final int before = SERIALIZATIONS.get();

        for (int i = 0; i < messages; i++)
        {
            recipient.tell(new Gated(10 + i, new byte[2 * 1024 * 1024]), ActorRef.noSender());
        }
        for (int i = 0; i < messages; i++)
        {
            probe.expectMsg(WAIT, "gated " + (10 + i) + " of " + 2 * 1024 * 1024);
        }
        // the first of the class overflows the sending thread's 1 MiB buffer and is serialized again into an array;
        // every later one goes to an array at once
        assertEquals(messages + 1, SERIALIZATIONS.get() - before);
    }

    /** Several senders on two peers, large and small messages interleaved, to several recipients, many rounds. */
    @Test
    void shouldKeepEverySendersOrderPerRecipientWithLargeAndSmallMessagesInterleaved()
    {
        final ActorSystem a = start("a", "");
        final ActorSystem b = start("b", "");
        final ActorSystem c = start("c", "");
        final int recipients = 3;
        final TestKit reports = new TestKit(a);
        for (int r = 0; r < recipients; r++)
        {
            a.actorOf(Props.create(SequenceChecker.class, reports.getRef()), "checker-" + r);
        }
        final List<ActorRef[]> targets = new ArrayList<>();
        for (final ActorSystem sender : List.of(b, c))
        {
            final ActorRef[] refs = new ActorRef[recipients];
            for (int r = 0; r < recipients; r++)
            {
                refs[r] = identify(sender, a, "checker-" + r);
            }
            targets.add(refs);
        }

        final int rounds = 6;
        final int sendersPerNode = 3;
        final int perSender = 60;
        for (int round = 0; round < rounds; round++)
        {
            final List<Thread> threads = new ArrayList<>();
            for (int node = 0; node < 2; node++)
            {
                for (int s = 0; s < sendersPerNode; s++)
                {
                    final int senderId = round * 100 + node * 10 + s;
                    final ActorRef[] refs = targets.get(node);
                    final Thread thread = new Thread(() -> send(senderId, refs, perSender));
                    threads.add(thread);
                    thread.start();
                }
            }
            for (final Thread thread : threads)
            {
                join(thread);
            }
        }

        final int total = rounds * 2 * sendersPerNode * perSender;
        Await.until(WAIT.multipliedBy(2), () ->
        {
            long received = 0;
            for (int r = 0; r < recipients; r++)
            {
                a.actorSelection("/user/checker-" + r).tell("report", reports.getRef());
                final String report = reports.expectMsgClass(WAIT, String.class);
                assertTrue(report.startsWith("in order "), report);
                received += Long.parseLong(report.substring("in order ".length()));
            }
            return received == total;
        }, () -> "every message arrives: " + counters(a));
        assertEquals(0, counters(a).messagesHeld());
        assertEquals(0, counters(a).messagesDropped() + counters(b).messagesDropped() + counters(c).messagesDropped());
    }

    private static void send(final int senderId, final ActorRef[] refs, final int count)
    {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final int[] next = new int[refs.length];
        for (int i = 0; i < count; i++)
        {
            final int r = random.nextInt(refs.length);
            final boolean large = 0 == random.nextInt(4);
            final int size = large ? 65 * 1024 + random.nextInt(2 * 1024 * 1024) : 8 + random.nextInt(200);
            final ByteBuffer message = ByteBuffer.allocate(size);
            message.putInt(senderId).putInt(next[r]++);
            refs[r].tell(message.array(), ActorRef.noSender());
        }
    }

    private static void join(final Thread thread)
    {
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        assertFalse(thread.isAlive(), "a sender thread did not finish");
    }

    /** Checks that each sender's messages come in the order sent; answers "report" with what it saw. */
    public static final class SequenceChecker extends AbstractActor
    {
        private final Map<Integer, Integer> expected = new HashMap<>();
        private final ActorRef reports;
        private long received;
        private String violation;

        SequenceChecker(final ActorRef reports)
        {
            this.reports = reports;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(byte[].class, bytes ->
                {
                    final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    final int sender = buffer.getInt();
                    final int seq = buffer.getInt();
                    final int want = expected.getOrDefault(sender, 0);
                    if (seq != want && null == violation)
                    {
                        violation = "sender " + sender + ": message " + seq + " where " + want + " was due";
                    }
                    expected.put(sender, seq + 1);
                    received++;
                })
                .matchEquals("report", m -> reports.tell(null == violation ? "in order " + received : violation,
                    getSelf()))
                .build();
        }
    }
}
