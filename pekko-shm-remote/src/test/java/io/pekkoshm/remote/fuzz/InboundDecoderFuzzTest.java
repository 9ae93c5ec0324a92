package io.pekkoshm.remote.fuzz;

import io.aeron.ExclusivePublication;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.blob.BlobPool;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import io.pekkoshm.remote.wire.BlobHeaderFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A black-box fuzz campaign against a node's inbound decoder. A {@link RawPeer} (an Aeron client of the node's media
 * driver, not a node) writes hostile frames into the node's IPC stream, knowing only the documented wire format:
 * <ol>
 * <li>from a session that never did a handshake: random bytes, truncated and oversized frames, unknown versions and
 * types, every frame type without a handshake, malformed handshakes (lying name lengths, bad ports) and handshakes
 * naming another host. Each one must be rejected and counted, none may start an association;</li>
 * <li>in sessions that completed a handshake (one per round): a killer frame, i.e. a truncated frame, an unknown
 * version or type, a BATCH whose count or record lengths lie, a BLOB descriptor that is too short, names a block that
 * does not exist, lies about its length (past the block's end, negative), has a stale generation, names a block that
 * is not waiting (FREE), or a file that is not a blob (a symlink to random bytes, a truncated file, a header whose
 * capacity lies). Each must be rejected (counted once) and end the association;</li>
 * <li>"soup" rounds: well-formed frames with garbage payloads, which reach Pekko's protocol layer but never an
 * actor, mixed with anything of the above.</li>
 * </ol>
 * Throughout: the JVM and the node survive, nothing reaches an actor, and afterwards a legitimate actor system
 * associates with the node and exchanges messages with it.
 * <p>
 * Bounded in the default build (a fixed seed, a few thousand frames, a few seconds). The {@code fuzz} Maven profile
 * runs a longer campaign with a random seed: {@code mvn -Pfuzz -pl pekko-shm-remote verify}; every run prints its
 * seed, and {@code -Dfuzz.seed=<seed>} (with {@code -Dfuzz.frames} and {@code -Dfuzz.rounds}) replays it.
 */
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class InboundDecoderFuzzTest
{
    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final long DEFAULT_SEED = 0x5EED_2026_1127L;
    /** The stream the raw peer reads (the port its handshakes name): outside the range nodes take for port 0. */
    private static final int RAW_PEER_PORT = 61_777;
    private static final long FAKE_INCARNATION = 0xFA4EL;

    /** Messages that reached the node's one actor; there must never be any. */
    static final AtomicLong DELIVERED = new AtomicLong();

    private Path directory;
    private ActorSystem target;
    private RawPeer peer;
    private int targetStream;
    private Path fakeBlobs;

    /** Counts whatever reaches it. */
    static final class Recorder extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchAny(m -> DELIVERED.incrementAndGet()).build();
        }
    }

    @BeforeEach
    void start() throws IOException
    {
        DELIVERED.set(0);
        directory = ShmTestDirectory.newPath("fuzz");
        target = ActorSystem.create("target", EmbeddedNodes.config(directory, 0));
        target.actorOf(Props.create(Recorder.class), "recorder");
        target.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        targetStream = EmbeddedNodes.streamOf(directory,
            (Integer)ShmRemote.get(target).address().orElseThrow().port().get());
        fakeBlobs = layOutFakeBlobs();
        peer = new RawPeer(directory.resolve("aeron"), RAW_PEER_PORT, AWAIT);
    }

    @AfterEach
    void stop()
    {
        if (null != peer)
        {
            peer.close();
        }
        if (null != fakeBlobs)
        {
            ShmTestDirectory.deleteRecursively(fakeBlobs);
        }
        TestKit.shutdownActorSystem(target);
        assertFalse(Files.exists(directory), () -> "the shared-memory directory should be gone: " +
            ShmTestDirectory.describe(directory));
    }

    @Test
    void shouldRejectAndCountHostileFramesDeliverNothingAndStayUsable()
    {
        final long seed = seed();
        final int frames = Integer.getInteger("fuzz.frames", 3_000);
        final int rounds = Integer.getInteger("fuzz.rounds", 100);
        System.out.println("InboundDecoderFuzzTest: seed=" + seed + " frames=" + frames + " rounds=" + rounds +
            " (replay with -Dfuzz.seed=" + seed + " -Dfuzz.frames=" + frames + " -Dfuzz.rounds=" + rounds + ")");
        final FuzzFrames fuzz = new FuzzFrames(seed);
        final SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        final long start = System.nanoTime();

        // 1. A session that never did a handshake: every frame rejected and counted, no association. It ends with a
        // real handshake, whose reply proves the node has read every frame before it (one session, read in order).
        final long rejectedBefore = counters().framesRejected();
        final List<String> kinds = new ArrayList<>();
        try (ExclusivePublication stranger = peer.openSession(targetStream))
        {
            for (int i = 0; i < frames; i++)
            {
                final FuzzFrames.Frame frame = fuzz.unauthenticated();
                kinds.add(frame.kind());
                peer.send(stranger, frame.bytes());
            }
            handshake(stranger, random);
            final ShmCountersSnapshot afterStranger = counters();
            assertTrue(afterStranger.framesRejected() - rejectedBefore >= frames, () -> "each of the " + frames +
                " frames of a session without handshake must be rejected and counted, but 'frames rejected' rose by " +
                (afterStranger.framesRejected() - rejectedBefore));
            assertEquals(1, afterStranger.associations(), "no frame of a stranger may start an association");
        }
        awaitCounters("the stranger's association ended with its session", c -> 0 == c.associations());

        final long strangerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // 2. Sessions with a handshake, one per round: a few heartbeats, then a killer frame, rejected exactly once.
        for (int round = 0; round < rounds; round++)
        {
            final long rejected = counters().framesRejected();
            try (ExclusivePublication session = peer.openSession(targetStream))
            {
                handshake(session, random);
                final List<String> sent = new ArrayList<>();
                for (int i = random.nextInt(0, 3); i > 0; i--)
                {
                    sent.add("heartbeat");
                    peer.send(session, FuzzFrames.frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.HEARTBEAT,
                        0, new byte[0]));
                }
                final FuzzFrames.Frame killer = fuzz.killer();
                sent.add(killer.kind());
                peer.send(session, killer.bytes());
                final ShmCountersSnapshot after = awaitCounters("the association of round " + round + " " + sent +
                    " ended", c -> 0 == c.associations());
                assertEquals(1, after.framesRejected() - rejected,
                    "round " + round + ": the killer frame " + sent + " must be rejected once");
            }
        }

        // 3. Soup: anything inside a session with a handshake. Pekko may end the association first (garbage
        // payloads); what follows is late, and nothing tells when the node has read it, so no exact count here.
        final int soupRounds = Math.max(1, rounds / 3);
        for (int round = 0; round < soupRounds; round++)
        {
            try (ExclusivePublication session = peer.openSession(targetStream))
            {
                handshake(session, random);
                final List<String> sent = new ArrayList<>();
                for (int i = random.nextInt(1, 6); i > 0; i--)
                {
                    final FuzzFrames.Frame frame = fuzz.soup();
                    sent.add(frame.kind());
                    peer.send(session, frame.bytes());
                }
                final FuzzFrames.Frame killer = fuzz.killer();
                sent.add(killer.kind());
                peer.send(session, killer.bytes());
                awaitCounters("the association of soup round " + round + " " + sent + " ended",
                    c -> 0 == c.associations());
            }
        }

        assertEquals(0, DELIVERED.get(), "nothing may reach an actor");
        final ShmCountersSnapshot end = counters();
        System.out.println("InboundDecoderFuzzTest: " + frames + " stranger frames " + summary(kinds) + ", " +
            rounds + " killer rounds, " + soupRounds + " soup rounds in " +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (stranger frames " + strangerMs +
            " ms); node counters " + end);

        // The node still serves a legitimate peer.
        final ActorSystem friend = ActorSystem.create("friend", EmbeddedNodes.config(directory, 0));
        try
        {
            final TestKit probe = new TestKit(friend);
            final String echo = ShmRemote.get(target).address().orElseThrow() + "/user/echo";
            for (int i = 0; i < 100; i++)
            {
                friend.actorSelection(echo).tell(("hello-" + i).getBytes(), probe.getRef());
            }
            for (int i = 0; i < 100; i++)
            {
                assertEquals("hello-" + i, new String(probe.expectMsgClass(AWAIT, byte[].class)));
            }
        }
        finally
        {
            TestKit.shutdownActorSystem(friend);
        }
        assertEquals(0, DELIVERED.get(), "nothing may reach an actor");
    }

    /** One malformed frame from a session without handshake is one rejected frame. */
    @Test
    void shouldCountAMalformedHandshakeFromAStrangerOnce()
    {
        final long before = counters().framesRejected();
        try (ExclusivePublication stranger = peer.openSession(targetStream))
        {
            // A HELLO whose system name length is negative.
            final byte[] hello = FuzzFrames.hello("fuzzer", "localhost", RAW_PEER_PORT, 1, 2, 3, 4);
            ByteBuffer.wrap(hello).order(ByteOrder.LITTLE_ENDIAN).putInt(
                io.pekkoshm.remote.wire.HelloFlyweight.SYSTEM_LENGTH_OFFSET, -1);
            peer.send(stranger, FuzzFrames.frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.HELLO, 0,
                FuzzFrames.signed(hello, secret())));
            // The reply to a real handshake in the same session proves the malformed one has been handled.
            handshake(stranger, new SplittableRandom(DEFAULT_SEED));
            assertEquals(1, counters().framesRejected() - before, "one malformed frame, one rejected frame");
        }
    }

    /**
     * Frames that arrive in a session after the node has ended its association are late: the node counts the
     * messages in them as dropped. A BATCH frame's count is the sender's word; a late one must not be able to push the
     * dropped counter back (negative count) or inflate it past the records the frame can hold.
     */
    @Test
    void shouldNotLetALateBatchFrameFalsifyTheDroppedCounter()
    {
        final SplittableRandom random = new SplittableRandom(DEFAULT_SEED);
        try (ExclusivePublication session = peer.openSession(targetStream))
        {
            handshake(session, random);
            peer.send(session, new byte[] { FrameHeaderFlyweight.VERSION });
            awaitCounters("the association ended by a truncated frame", c -> 0 == c.associations());
            final long dropped = counters().messagesDropped();

            // Two late DATA frames (one message each) and two late BATCH frames whose 8-byte bodies can hold at most
            // two records each, whatever their counts claim: at most 6 messages in all.
            peer.send(session, FuzzFrames.frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.BATCH, -1_000_000,
                new byte[8]));
            peer.send(session, FuzzFrames.frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.DATA, 0,
                new byte[16]));
            peer.send(session, FuzzFrames.frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.BATCH,
                Integer.MAX_VALUE, new byte[8]));
            peer.send(session, FuzzFrames.frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.DATA, 0,
                new byte[16]));
            // Once both DATA frames are counted the node has read all four; a sum that ever passes through a lie
            // (negative, or by 2^31) never settles inside the bounds, so this fails at the deadline.
            awaitCounters("'messages dropped' up by 2 to 6 for four late frames holding at most 6 messages",
                c -> c.messagesDropped() - dropped >= 2 && c.messagesDropped() - dropped <= 6);
        }
    }

    /** The node directory's secret: this test runs as the node's OS user, so it may read it, as a node does. */
    private byte[] secret()
    {
        try
        {
            return java.nio.file.Files.readAllBytes(directory.resolve("secret"));
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private void handshake(final ExclusivePublication session, final SplittableRandom random)
    {
        final ProcessHandle self = ProcessHandle.current();
        final long startMillis = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        peer.send(session, FuzzFrames.frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.HELLO, 0,
            FuzzFrames.signed(
            FuzzFrames.hello("fuzzer", "localhost", peer.port(), FAKE_INCARNATION, random.nextLong(), self.pid(),
            startMillis), secret())));
        peer.awaitFrame(FrameHeaderFlyweight.HELLO_ACK, session.sessionId(), false, 0, true,
            "HELLO_ACK for session " + session.sessionId());
    }

    /**
     * The fake peer's blob directory, where the node looks for the blocks its descriptors name (docs/architecture.md,
     * "The blob store": blocks live in {@code <directory>/blobs/<pid>-<incarnation>/}): a block waiting for the node
     * (SENT), one that is not (FREE), a symlink to a file that is not a block, a truncated file and a header whose
     * capacity lies.
     */
    private Path layOutFakeBlobs() throws IOException
    {
        final Path blobs = BlobPool.directoryOf(directory.resolve("blobs"), ProcessHandle.current().pid(),
            FAKE_INCARNATION);
        Files.createDirectories(blobs);
        block(blobs, FuzzFrames.BLOCK_SENT, BlobHeaderFlyweight.SENT, FuzzFrames.BLOCK_CAPACITY);
        block(blobs, FuzzFrames.BLOCK_FREE, BlobHeaderFlyweight.FREE, FuzzFrames.BLOCK_CAPACITY);
        block(blobs, FuzzFrames.BLOCK_CAPACITY_LIE, BlobHeaderFlyweight.SENT, FuzzFrames.BLOCK_CAPACITY / 2);
        final byte[] notABlob = new byte[8192];
        ThreadLocalRandom.current().nextBytes(notABlob);
        Files.write(blobs.resolve("not-a-blob.bin"), notABlob);
        Files.createSymbolicLink(blobs.resolve(FuzzFrames.BLOCK_NOT_A_BLOB + ".blob"), Path.of("not-a-blob.bin"));
        Files.write(blobs.resolve(FuzzFrames.BLOCK_TRUNCATED + ".blob"), new byte[100]);
        return blobs;
    }

    /** A block file as BlobHeaderFlyweight draws it: a header page, then {@code BLOCK_CAPACITY} bytes of data. */
    private static void block(final Path blobs, final long id, final int state, final long capacityInHeader)
        throws IOException
    {
        final ByteBuffer file = ByteBuffer.allocate(BlobHeaderFlyweight.DATA_OFFSET + (int)FuzzFrames.BLOCK_CAPACITY)
            .order(ByteOrder.nativeOrder());
        file.putInt(BlobHeaderFlyweight.MAGIC_OFFSET, BlobHeaderFlyweight.MAGIC)
            .putInt(BlobHeaderFlyweight.VERSION_OFFSET, BlobHeaderFlyweight.VERSION)
            .putInt(BlobHeaderFlyweight.STATE_OFFSET, state)
            .putLong(BlobHeaderFlyweight.GENERATION_OFFSET, FuzzFrames.BLOCK_GENERATION)
            .putLong(BlobHeaderFlyweight.LENGTH_OFFSET, FuzzFrames.BLOCK_LENGTH)
            .putLong(BlobHeaderFlyweight.CAPACITY_OFFSET, capacityInHeader);
        Files.write(blobs.resolve(id + ".blob"), file.array());
    }

    private ShmCountersSnapshot counters()
    {
        return ShmRemote.get(target).counters();
    }

    private ShmCountersSnapshot awaitCounters(final String description, final Predicate<ShmCountersSnapshot> condition)
    {
        Await.until(AWAIT, () -> condition.test(counters()), () -> description + "; counters " + counters());
        return counters();
    }

    private static long seed()
    {
        final String configured = System.getProperty("fuzz.seed", "").trim();
        if (!configured.isEmpty())
        {
            return Long.decode(configured);
        }
        return Boolean.getBoolean("fuzz.randomSeed") ? ThreadLocalRandom.current().nextLong() : DEFAULT_SEED;
    }

    private static String summary(final List<String> kinds)
    {
        final java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        kinds.forEach(kind -> counts.merge(kind, 1L, Long::sum));
        return counts.toString();
    }
}
