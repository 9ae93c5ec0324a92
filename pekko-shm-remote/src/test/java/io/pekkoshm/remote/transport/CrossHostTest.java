package io.pekkoshm.remote.transport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.blob.SharedBlob;
import io.pekkoshm.remote.blob.ShmBlobs;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.tools.ShmStatus;
import io.pekkoshm.remote.tools.StatusReport;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two simulated hosts in one JVM: each has its own shared directory and embedded media driver, its nodes bind
 * 127.0.0.1 or 127.0.0.2. A node reaches a node of its own host over IPC and a node of the other host over UDP,
 * chosen per peer with nothing in the code or the configuration naming which, on the direct path both ways.
 */
@Timeout(120)
class CrossHostTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HOST_A = "127.0.0.1";
    private static final String HOST_B = "127.0.0.2";

    private final Path directoryA = ShmTestDirectory.newPath("host-a");
    private final Path directoryB = ShmTestDirectory.newPath("host-b");
    private final List<ActorSystem> systems = new ArrayList<>();
    @TempDir
    private Path secrets;

    @AfterEach
    void stop()
    {
        for (int i = systems.size() - 1; i >= 0; i--)
        {
            TestKit.shutdownActorSystem(systems.get(i));
        }
        assertFalse(Files.exists(directoryA), ShmTestDirectory.describe(directoryA));
        assertFalse(Files.exists(directoryB), ShmTestDirectory.describe(directoryB));
    }

    @Test
    void shouldReachANodeOfAnotherHostOverUdpAndANodeOfItsOwnHostOverIpc() throws Exception
    {
        final Path secret = secret("cluster", 1);
        final ActorSystem a1 = start("a1", directoryA, HOST_A, secret, "");
        final ActorSystem a2 = start("a2", directoryA, HOST_A, secret, "");
        final ActorSystem b1 = start("b1", directoryB, HOST_B, secret, "");
        a2.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        b1.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");

        assertEquals("across", ask(a1, b1, "across"));
        assertEquals("within", ask(a1, a2, "within"));

        assertEquals(Optional.of(ShmAssociationSnapshot.UDP), mediumTo(a1, b1), "a1 -> b1 is across hosts");
        assertEquals(Optional.of(ShmAssociationSnapshot.IPC), mediumTo(a1, a2), "a1 -> a2 is within host A");
        // the first messages to a new peer go classic until the direct path's ordering barrier is answered
        final ActorRef remoteEcho = a1.provider().resolveActorRef(
            ShmRemote.get(b1).address().orElseThrow() + "/user/echo");
        Await.until(WAIT, () ->
            {
                remoteEcho.tell("more", ActorRef.noSender());
                return ShmRemote.get(a1).associations().stream()
                    .anyMatch(s -> ShmAssociationSnapshot.UDP.equals(s.medium()) && s.directMessagesSent() > 0);
            },
            () -> "a1's messages to b1 went on the direct path over UDP: " + ShmRemote.get(a1).associations());

        // the status tool of host A shows the same, from the driver's stream counters
        final StatusReport status = ShmStatus.collect(directoryA, directoryA.resolve("aeron"), WAIT);
        final String a1Address = ShmRemote.get(a1).address().orElseThrow().toString();
        final List<StatusReport.Link> links = status.nodes().stream()
            .filter(n -> n.address().equals(a1Address)).findFirst().orElseThrow()
            .counters().orElseThrow().links();
        final String b1Endpoint = HOST_B + ":" + port(b1);
        assertTrue(links.stream().anyMatch(l -> l.outbound() && "udp".equals(l.medium()) &&
            b1Endpoint.equals(l.peer())), () -> "a1 publishes to b1 over UDP: " + links);
        assertTrue(links.stream().anyMatch(l -> l.outbound() && "ipc".equals(l.medium()) &&
            ShmRemote.get(a2).address().orElseThrow().toString().equals(l.peer())), () -> "to a2 over IPC: " + links);
        assertTrue(links.stream().anyMatch(l -> !l.outbound() && "udp".equals(l.medium())),
            () -> "a1 reads an image of b1's publication over UDP: " + links);
    }

    @Test
    void shouldDeliverInOrderAcrossHosts() throws Exception
    {
        final Path secret = secret("cluster", 2);
        final ActorSystem a1 = start("a1", directoryA, HOST_A, secret, "");
        final ActorSystem b1 = start("b1", directoryB, HOST_B, secret, "");
        final TestKit probe = new TestKit(b1);
        final ActorRef sink = b1.actorOf(Props.create(SequenceChecker.class, probe.getRef(), 20_000), "sink");
        final ActorRef remoteSink = resolve(a1, b1, sink);
        for (int i = 0; i < 20_000; i++)
        {
            remoteSink.tell(i, ActorRef.noSender());
        }
        probe.expectMsg(WAIT, "in order: 20000");
    }

    @Test
    void shouldDeliverTerminatedForAWatchedActorOfAnotherHost() throws Exception
    {
        final Path secret = secret("cluster", 3);
        final ActorSystem a1 = start("a1", directoryA, HOST_A, secret, "");
        final ActorSystem b1 = start("b1", directoryB, HOST_B, secret, "");
        final ActorRef target = b1.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        assertEquals("before", ask(a1, b1, "before"));

        final TestKit watcher = new TestKit(a1);
        // with its uid, as a ref that came in a message has it (Pekko matches a death notification by path and uid)
        final ActorRef remoteTarget = a1.provider().resolveActorRef(
            target.path().toSerializationFormatWithAddress(ShmRemote.get(b1).address().orElseThrow()));
        watcher.watch(remoteTarget);
        // the watch is a system message: once an ask after it is answered, b1 has had it (same sender, same order)
        remoteTarget.tell("after watch", watcher.getRef());
        watcher.expectMsg(WAIT, "after watch");
        b1.stop(target);
        watcher.expectTerminated(WAIT, remoteTarget);
    }

    @Test
    void shouldRefuseANodeOfAnotherHostWhoseSecretDiffers() throws Exception
    {
        final ActorSystem a1 = start("a1", directoryA, HOST_A, secret("ours", 4), "");
        final ActorSystem b1 = start("b1", directoryB, HOST_B, secret("theirs", 5),
            "pekko.remote.shm.handshake-timeout = 2 s\n");
        b1.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");

        final ActorRef remoteEcho = a1.provider().resolveActorRef(
            "pekko.shm://b1@" + HOST_B + ":" + port(b1) + "/user/echo");
        remoteEcho.tell("hello", ActorRef.noSender());
        Await.until(WAIT, () -> ShmRemote.get(b1).counters().framesRejected() > 0,
            () -> "b1 rejects a1's handshake: " + ShmRemote.get(b1).counters());
        assertTrue(ShmRemote.get(a1).associations().stream().noneMatch(s -> s.peerIncarnation() != 0),
            "no association was established: " + ShmRemote.get(a1).associations());
    }

    @Test
    void shouldCountAMessageLargerThanTheLargestAsDroppedAndKeepTheAssociation() throws Exception
    {
        final Path secret = secret("cluster", 6);
        final String small = "pekko.remote.shm.cross-host.term-length = 64 KiB\n" +
            "pekko.remote.shm.blob.max-bytes = 1 MiB\n";
        final ActorSystem a1 = start("a1", directoryA, HOST_A, secret, small);
        final ActorSystem b1 = start("b1", directoryB, HOST_B, secret, small);
        b1.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        assertEquals("before", ask(a1, b1, "before"));

        final ActorRef remoteEcho = a1.provider().resolveActorRef(
            "pekko.shm://b1@" + HOST_B + ":" + port(b1) + "/user/echo");
        final TestKit probe = new TestKit(a1);
        remoteEcho.tell(new byte[2 * 1024 * 1024], probe.getRef());
        Await.until(WAIT, () -> ShmRemote.get(a1).counters().messagesDropped() > 0,
            () -> "a1 counts the 2 MiB message as dropped (larger than blob.max-bytes allows): " +
                ShmRemote.get(a1).counters());
        assertEquals("after", ask(a1, b1, "after"), "the association carries on");
        final byte[] pieced = pattern(1, 1, 256 * 1024); // 32 frames' worth at 64 KiB terms
        final Object echoed = Patterns.ask(remoteEcho, pieced, WAIT).toCompletableFuture().get();
        assertTrue(echoed instanceof byte[] && java.util.Arrays.equals(pieced, (byte[])echoed),
            "a 256 KiB message goes and comes back whole in pieces");
    }

    /**
     * A large message refused because the one before it is still going out in pieces is held by the direct path, and
     * not serialized again for every later send or flush while it waits: each is serialized at most twice (the try
     * that was refused, the one that went), give or take one that a piece ended under. Every message arrives, in
     * order, whole.
     */
    @Test
    void shouldNotSerializeAHeldLargeMessageAgainWhileTheOneAheadGoesOutInPieces() throws Exception
    {
        final Path secret = secret("cluster", 9);
        final String counted = "pekko.actor.serializers.counted = \"" + CountingSerializer.class.getName() + "\"\n" +
            "pekko.actor.serialization-bindings { \"" + Counted.class.getName() + "\" = counted }\n";
        final ActorSystem a1 = start("a1", directoryA, HOST_A, secret, counted);
        final ActorSystem b1 = start("b1", directoryB, HOST_B, secret, counted);
        final ActorRef checker = b1.actorOf(Props.create(CountedChecker.class), "checker");
        final ActorRef remoteChecker = resolve(a1, b1, checker);
        final TestKit probe = new TestKit(a1);
        Await.until(WAIT, () ->
            {
                remoteChecker.tell("warm", probe.getRef());
                probe.expectMsg(WAIT, "warm");
                return ShmRemote.get(a1).associations().stream().anyMatch(s -> s.directMessagesSent() > 0);
            },
            () -> "the direct path to b1 opened: " + ShmRemote.get(a1).associations());
        final int messages = 16;
        CountingSerializer.SERIALIZED.set(0);

        for (int i = 0; i < messages; i++)
        {
            remoteChecker.tell(new Counted(i, pattern(0, i, 2 * 1024 * 1024)), probe.getRef());
        }
        for (int i = 0; i < messages; i++)
        {
            probe.expectMsg(WAIT, "whole " + i);
        }
        final int serialized = CountingSerializer.SERIALIZED.get();
        assertTrue(serialized <= 2 * messages + messages / 4, () -> serialized + " serializations of " + messages +
            " large messages held behind each other: a held one was serialized again while it could not go");
    }

    /** Answers "whole i" for a {@link Counted} whose bytes are whole, and echoes anything else. */
    static final class CountedChecker extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(Counted.class, c -> getSender().tell((java.util.Arrays.equals(pattern(0, c.index(),
                    c.bytes().length), c.bytes()) ? "whole " : "corrupt ") + c.index(), getSelf()))
                .matchAny(o -> getSender().tell(o, getSelf()))
                .build();
        }
    }

    /** A large message that counts its serializations. */
    public record Counted(int index, byte[] bytes)
    {
    }

    /** Serializes {@link Counted}, counting each time. */
    public static final class CountingSerializer extends org.apache.pekko.serialization.JSerializer
    {
        static final AtomicInteger SERIALIZED = new AtomicInteger();

        @Override
        public int identifier()
        {
            return 917_305;
        }

        @Override
        public boolean includeManifest()
        {
            return false;
        }

        @Override
        public byte[] toBinary(final Object o)
        {
            SERIALIZED.incrementAndGet();
            final Counted counted = (Counted)o;
            return java.nio.ByteBuffer.allocate(4 + counted.bytes().length).putInt(counted.index())
                .put(counted.bytes()).array();
        }

        @Override
        public Object fromBinaryJava(final byte[] bytes, final Class<?> manifest)
        {
            final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            final int index = buffer.getInt();
            final byte[] body = new byte[bytes.length - 4];
            buffer.get(body);
            return new Counted(index, body);
        }
    }

    /**
     * A SharedBlob lends memory of its host: sent to a node of another host on the direct path it is refused at the
     * sender (counted, published as Dropped, naming why), and stays the sender's to use or release.
     */
    @Test
    void shouldRefuseToSendASharedBlobToANodeOfAnotherHost() throws Exception
    {
        final Path secret = secret("cluster", 8);
        final ActorSystem a1 = start("a1", directoryA, HOST_A, secret, "");
        final ActorSystem b1 = start("b1", directoryB, HOST_B, secret, "");
        b1.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        final ActorRef remoteEcho = a1.provider().resolveActorRef(ShmRemote.get(b1).address().orElseThrow() +
            "/user/echo");
        assertEquals("before", ask(a1, b1, "before"));
        Await.until(WAIT, () ->
            {
                remoteEcho.tell("more", ActorRef.noSender());
                return ShmRemote.get(a1).associations().stream().anyMatch(a -> a.directMessagesSent() > 0);
            },
            () -> "the direct path to b1 is open: " + ShmRemote.get(a1).associations());
        final TestKit dropped = new TestKit(a1);
        a1.getEventStream().subscribe(dropped.getRef(), Dropped.class);

        final SharedBlob blob = ShmBlobs.get(a1).allocate(64 * 1024);
        remoteEcho.tell(blob, ActorRef.noSender());

        final Dropped drop = dropped.expectMsgClass(WAIT, Dropped.class);
        assertTrue(drop.message() instanceof SharedBlob, "the blob is the message dropped: " + drop);
        assertTrue(drop.reason().contains("another host"), drop.reason());
        blob.release(); // never handed over: still the sender's
        assertEquals("after", ask(a1, b1, "after"), "the association carries on");
    }

    /**
     * Large messages go in pieces across hosts, several senders at once, each interleaving large and small messages:
     * each sender's messages arrive in the order sent, every large one whole; classic mode and the direct path.
     */
    @ParameterizedTest
    @ValueSource(strings = { "direct", "classic" })
    void shouldDeliverLargeMessagesAcrossHostsWholeAndInOrderWithSmallOnes(final String mode) throws Exception
    {
        final Path secret = secret("cluster", 7);
        final String provider = "classic".equals(mode) ? "pekko.actor.provider = remote\n" : "";
        final ActorSystem a1 = start("a1", directoryA, HOST_A, secret, provider);
        final ActorSystem b1 = start("b1", directoryB, HOST_B, secret, provider);
        final int senders = 3;
        final int rounds = 3;
        final int perSender = rounds * 3;
        final TestKit probe = new TestKit(b1);
        final ActorRef collector = b1.actorOf(Props.create(LargeCollector.class, probe.getRef()), "collector");
        final ActorRef remoteCollector = a1.provider().resolveActorRef(
            collector.path().toSerializationFormatWithAddress(ShmRemote.get(b1).address().orElseThrow()));
        final List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++)
        {
            final int sender = s;
            final ActorRef from = new TestKit(a1).getRef();
            threads.add(new Thread(() ->
            {
                for (int r = 0; r < rounds; r++)
                {
                    remoteCollector.tell("s" + sender + ":" + (3 * r), from);
                    remoteCollector.tell(pattern(sender, 3 * r + 1, (r + 1) * 3 * 1024 * 1024 + sender), from);
                    remoteCollector.tell("s" + sender + ":" + (3 * r + 2), from);
                }
            }, "sender-" + s));
        }
        threads.forEach(Thread::start);
        for (final Thread thread : threads)
        {
            thread.join();
        }
        final java.util.Map<Integer, List<String>> arrived = new java.util.TreeMap<>();
        for (int i = 0; i < senders * perSender; i++)
        {
            final String record = probe.expectMsgClass(WAIT, String.class);
            final int sender = Integer.parseInt(record.substring(1, record.indexOf(':')));
            arrived.computeIfAbsent(sender, k -> new ArrayList<>()).add(record);
        }
        for (int s = 0; s < senders; s++)
        {
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < perSender; i++)
            {
                expected.add("s" + s + ":" + i);
            }
            assertEquals(expected, arrived.get(s), "sender " + s + "'s messages, in order, large ones whole");
        }
        assertTrue(ShmRemote.get(a1).associations().stream().anyMatch(a -> ShmAssociationSnapshot.UDP.equals(
            a.medium()) && a.bytesSent() > senders * rounds * 3L * 1024 * 1024), () -> "the bytes went over UDP: " +
            ShmRemote.get(a1).associations());
    }

    /** A body whose bytes say who sent it and which message it is: the sender, its index, then a pattern. */
    static byte[] pattern(final int sender, final int index, final int length)
    {
        final byte[] bytes = new byte[length];
        bytes[0] = (byte)sender;
        bytes[1] = (byte)index;
        for (int i = 2; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + sender * 7 + index);
        }
        return bytes;
    }

    /** Tells its probe "s&lt;sender&gt;:&lt;index&gt;" for each message, a large one only if its bytes are whole. */
    static final class LargeCollector extends AbstractActor
    {
        private final ActorRef probe;

        LargeCollector(final ActorRef probe)
        {
            this.probe = probe;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(String.class, s -> probe.tell(s, getSelf()))
                .match(byte[].class, b ->
                {
                    final byte[] expected = pattern(b[0], b[1], b.length);
                    probe.tell(java.util.Arrays.equals(expected, b) ? "s" + b[0] + ":" + b[1] :
                        "s" + b[0] + ":corrupt " + b[1], getSelf());
                }).build();
        }
    }

    private ActorSystem start(final String name, final Path directory, final String host, final Path secret,
        final String extra)
    {
        final Config config = ConfigFactory.parseString(
            "pekko.actor.provider = \"io.pekkoshm.remote.ShmRemoteProvider\"\n" +
            "pekko.remote.shm.hostname = \"" + host + "\"\n" +
            "pekko.remote.shm.cross-host.enabled = on\n" +
            "pekko.remote.shm.cross-host.secret-file = \"" + secret + "\"\n" + extra)
            .withFallback(EmbeddedNodes.config(directory, 0));
        final ActorSystem system = ActorSystem.create(name, config);
        systems.add(system);
        return system;
    }

    private Path secret(final String name, final int seed) throws IOException
    {
        final byte[] bytes = new byte[32];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(seed * 31 + i);
        }
        return Files.write(secrets.resolve(name), bytes);
    }

    private static int port(final ActorSystem system)
    {
        return (Integer)ShmRemote.get(system).address().orElseThrow().port().get();
    }

    private static ActorRef resolve(final ActorSystem from, final ActorSystem to, final ActorRef local)
    {
        final Address address = ShmRemote.get(to).address().orElseThrow();
        return from.provider().resolveActorRef(local.path().toStringWithAddress(address));
    }

    private static Object ask(final ActorSystem from, final ActorSystem to, final Object message) throws Exception
    {
        final ActorRef echo = from.provider().resolveActorRef(
            ShmRemote.get(to).address().orElseThrow() + "/user/echo");
        return Patterns.ask(echo, message, WAIT).toCompletableFuture().get();
    }

    private static Optional<String> mediumTo(final ActorSystem from, final ActorSystem to)
    {
        final String peer = ShmRemote.get(to).address().orElseThrow().toString();
        return ShmRemote.get(from).associations().stream()
            .filter(s -> s.peerAddress().equals(peer))
            .map(ShmAssociationSnapshot::medium)
            .findFirst();
    }

    /** Tells its probe "in order: N" once it has had 0 .. N-1 in order, or the first number out of order. */
    static final class SequenceChecker extends AbstractActor
    {
        private final ActorRef probe;
        private final int expected;
        private int next;

        SequenceChecker(final ActorRef probe, final int expected)
        {
            this.probe = probe;
            this.expected = expected;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(Integer.class, n ->
            {
                if (n != next)
                {
                    probe.tell("out of order: expected " + next + ", got " + n, getSelf());
                }
                next = n + 1;
                if (next == expected)
                {
                    probe.tell("in order: " + expected, getSelf());
                }
            }).build();
        }
    }
}
