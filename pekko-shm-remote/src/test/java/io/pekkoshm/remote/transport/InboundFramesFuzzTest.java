package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.pekkoshm.remote.log.ErrorLog;
import io.pekkoshm.remote.wire.BatchRecordFlyweight;
import io.pekkoshm.remote.wire.BlobDescriptorFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import io.pekkoshm.remote.wire.HelloFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.event.NoLogging$;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * {@link InboundFrames} fed directly, with no driver and no peer: random bytes and mutations of valid frames
 * (truncated, bits flipped, length fields out of range, batch counts that lie, other versions, unknown types) on an
 * established association, on a session whose association has ended, and on an unknown session. Whatever the bytes,
 * the decoder must not throw, must end every frame in at most one verdict (handshake, disassociate, late messages,
 * malformed, rejected), must hand out only bytes inside the frame, and must keep each session to the outcomes its
 * kind allows. The end-to-end counterpart, through a real node, is {@code InboundDecoderFuzzTest}.
 * <p>
 * As {@code InboundDecoderFuzzTest}: a fixed seed in the ordinary build, a random one with
 * {@code -Dfuzz.randomSeed=true} (the fuzz profile), {@code -Dfuzz.decoderFrames} frames; the seed is printed on
 * failure, and {@code -Dfuzz.seed=<seed>} replays it.
 */
class InboundFramesFuzzTest
{
    private static final long DEFAULT_SEED = 0x5EED_F12A_3E5L;
    private static final int ASSOCIATED = 11;
    private static final int ENDED = 12;
    private static final int UNKNOWN = 13;
    private static final int[] SESSIONS = { ASSOCIATED, ENDED, UNKNOWN };
    /** Bytes of garbage around every frame: a decoder that reads past a frame reads these, and is caught. */
    private static final int PAD = 64;

    private final Address local = new Address("shm", "fuzz", "localhost", 6001);
    private final Aeron aeron = MockAeron.withCounters();
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BatchRecordFlyweight record = new BatchRecordFlyweight();
    private final Recorder recorder = new Recorder();
    private TransportCounters counters;
    private Associations associations;
    private InboundFrames frames;

    @BeforeEach
    void setUp()
    {
        counters = new TransportCounters(aeron, "fuzz");
        associations = new Associations(local, counters,
            new DirectRouteKeeper(new DirectRoutes(false, "classic"), "shm",
                new ErrorLog((severity, message, cause) -> { }, SystemNanoClock.INSTANCE, 1, 1)), null,
            NoLogging$.MODULE$);
        inbound(ASSOCIATED, 6002);
        final Association ended = inbound(ENDED, 6003);
        associations.end(ended, "ended by the test", false, false);
        frames = new InboundFrames(associations, recorder);
    }

    @AfterEach
    void tearDown()
    {
        counters.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void shouldSurviveRandomAndMutatedFramesWithOneVerdictEachAndNoByteOutsideTheFrame()
    {
        final long seed = seed();
        final int iterations = Integer.getInteger("fuzz.decoderFrames", 50_000);
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < iterations; i++)
        {
            final byte[] frame = frame(random);
            final int session = SESSIONS[random.nextInt(SESSIONS.length)];
            final byte[] bytes = new byte[PAD + frame.length + PAD];
            random.nextBytes(bytes);
            System.arraycopy(frame, 0, bytes, PAD, frame.length);
            recorder.clear();
            try
            {
                frames.onFrame(session, new UnsafeBuffer(bytes), PAD, frame.length, i);
                check(session, frame);
            }
            catch (final Throwable ex)
            {
                fail("seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), iteration " + i + ", session " +
                    session + ", frame " + HexFormat.of().formatHex(frame) + ", outcomes " + recorder.outcomes, ex);
            }
        }
    }

    @Test
    void shouldDeliverEveryRecordOfAValidBatchInOrder()
    {
        final byte[] frame = batch(new byte[][] { { 1, 2, 3 }, {}, { 4 } }, FrameHeaderFlyweight.DIRECT, 3);
        frames.onFrame(ASSOCIATED, new UnsafeBuffer(frame), 0, frame.length, 0);
        assertEquals(List.of("direct 16+3", "direct 27+0", "direct 35+1"), recorder.outcomes);
    }

    /** A large body staged while the log was full travels as a BLOB record, in order with the records around it. */
    @Test
    void shouldDeliverABlobRecordInOrderWithTheRecordsAroundIt()
    {
        final byte[] frame = batch(new byte[][] { { 1, 2, 3 }, blobFrame(7, FrameHeaderFlyweight.DIRECT), { 4 } },
            new byte[] { FrameHeaderFlyweight.DIRECT, FrameHeaderFlyweight.BLOB, FrameHeaderFlyweight.DIRECT }, 3);
        frames.onFrame(ASSOCIATED, new UnsafeBuffer(frame), 0, frame.length, 0);
        assertEquals(List.of("direct 16+3", "blob " + FrameHeaderFlyweight.DIRECT, "direct 67+1"), recorder.outcomes);
    }

    /** The block of a BLOB record in a batch that arrives after its association ended goes back to its owner. */
    @Test
    void shouldHandBackTheBlockOfABlobRecordInALateBatch()
    {
        final byte[] frame = batch(new byte[][] { { 1 }, blobFrame(7, FrameHeaderFlyweight.DATA), blobFrame(9,
            FrameHeaderFlyweight.DATA) }, new byte[] { FrameHeaderFlyweight.DATA, FrameHeaderFlyweight.BLOB,
            FrameHeaderFlyweight.BLOB }, 3);
        frames.onFrame(ENDED, new UnsafeBuffer(frame), 0, frame.length, 0);
        assertEquals(List.of("late 3"), recorder.outcomes);
        assertEquals(List.of(7L, 9L), recorder.lateBlocks);
    }

    @Test
    void shouldEndTheAssociationOnABlobRecordThatIsNotOneBlobFrame()
    {
        final byte[] shortRecord = batch(new byte[][] { new byte[BlobDescriptorFlyweight.LENGTH] },
            new byte[] { FrameHeaderFlyweight.BLOB }, 1);
        frames.onFrame(ASSOCIATED, new UnsafeBuffer(shortRecord), 0, shortRecord.length, 0);
        final byte[] notBlob = blobFrame(7, FrameHeaderFlyweight.DATA);
        notBlob[1] = FrameHeaderFlyweight.DATA;
        final byte[] wrongType = batch(new byte[][] { notBlob }, new byte[] { FrameHeaderFlyweight.BLOB }, 1);
        frames.onFrame(ASSOCIATED, new UnsafeBuffer(wrongType), 0, wrongType.length, 0);
        assertEquals(List.of("malformed: malformed frame from the peer: a batch's blob record of 24 bytes",
            "malformed: malformed frame from the peer: a batch's blob record holding a frame of type " +
            FrameHeaderFlyweight.DATA), recorder.outcomes);
    }

    @Test
    void shouldEndTheAssociationOnABatchWhoseCountLiesAfterTheRecordsItHas()
    {
        final byte[] frame = batch(new byte[][] { { 1 }, { 2 } }, FrameHeaderFlyweight.DATA, 3);
        frames.onFrame(ASSOCIATED, new UnsafeBuffer(frame), 0, frame.length, 0);
        assertEquals(3, recorder.outcomes.size(), recorder.outcomes.toString());
        assertEquals("malformed: malformed frame from the peer: batch of 3 ends after 2 payloads",
            recorder.outcomes.get(2));
    }

    @Test
    void shouldEndTheAssociationOnABatchRecordWithReservedBytesSet()
    {
        final byte[] frame = batch(new byte[][] { { 1 } }, FrameHeaderFlyweight.DATA, 1);
        frame[FrameHeaderFlyweight.LENGTH + BatchRecordFlyweight.RESERVED_OFFSET + 1] = 1;
        frames.onFrame(ASSOCIATED, new UnsafeBuffer(frame), 0, frame.length, 0);
        assertEquals(1, recorder.outcomes.size(), recorder.outcomes.toString());
        assertTrue(recorder.outcomes.get(0).startsWith("malformed: "), recorder.outcomes.toString());
    }

    /** The version policy: a handshake of another wire version is refused, naming both versions and the remedy. */
    @Test
    void shouldRefuseAHelloOfAnotherVersionNamingBothVersionsAndWhatToDo()
    {
        for (final byte version : new byte[] { FrameHeaderFlyweight.VERSION - 1, FrameHeaderFlyweight.VERSION + 1 })
        {
            recorder.clear();
            final byte[] frame = hello(new SplittableRandom(version));
            frame[FrameHeaderFlyweight.VERSION_OFFSET] = version;
            frame[FrameHeaderFlyweight.TYPE_OFFSET] = FrameHeaderFlyweight.HELLO;
            frames.onFrame(UNKNOWN, new UnsafeBuffer(frame), 0, frame.length, 0);
            assertEquals(1, recorder.outcomes.size(), recorder.outcomes.toString());
            final String outcome = recorder.outcomes.get(0);
            assertTrue(outcome.startsWith("rejected: a HELLO frame of wire format version " + version +
                ", this node speaks " + FrameHeaderFlyweight.VERSION), outcome);
            assertTrue(outcome.contains("stop every node of this host, then start them all on one version"), outcome);
        }
    }

    /** The version policy: a frame of another wire version on an open association ends it, naming both versions. */
    @Test
    void shouldEndAnAssociationOnAFrameOfAnotherVersionNamingBothVersions()
    {
        final byte[] frame = new byte[FrameHeaderFlyweight.LENGTH];
        new FrameHeaderFlyweight().wrap(new UnsafeBuffer(frame), 0).write(FrameHeaderFlyweight.HEARTBEAT, 0)
            .version((byte)(FrameHeaderFlyweight.VERSION + 1));
        frames.onFrame(ASSOCIATED, new UnsafeBuffer(frame), 0, frame.length, 0);
        assertEquals(List.of("malformed: the peer sent wire format version " + (FrameHeaderFlyweight.VERSION + 1) +
            ", this node speaks " + FrameHeaderFlyweight.VERSION + InboundFrames.VERSION_REMEDY), recorder.outcomes);
    }

    private static long seed()
    {
        final String configured = System.getProperty("fuzz.seed", "").trim();
        if (!configured.isEmpty())
        {
            return Long.parseLong(configured);
        }
        return Boolean.getBoolean("fuzz.randomSeed") ? new SplittableRandom().nextLong() : DEFAULT_SEED;
    }

    private void check(final int session, final byte[] frame)
    {
        final List<String> outcomes = recorder.outcomes;
        int verdicts = 0;
        for (final String outcome : outcomes)
        {
            if (!outcome.startsWith("data ") && !outcome.startsWith("direct ") && !outcome.startsWith("blob "))
            {
                verdicts++;
            }
        }
        assertTrue(verdicts <= 1, "at most one verdict per frame");
        for (final long[] bytes : recorder.deliveries)
        {
            assertTrue(bytes[0] >= PAD + FrameHeaderFlyweight.LENGTH && bytes[1] >= 0 &&
                bytes[0] + bytes[1] <= PAD + frame.length, "a delivery inside the frame's body: " +
                Arrays.toString(bytes));
        }
        for (final String outcome : outcomes)
        {
            switch (session)
            {
                case ASSOCIATED:
                    assertTrue(!outcome.startsWith("hello") && !outcome.startsWith("rejected") &&
                        !outcome.startsWith("late"), "an association's frame is its own, never a session's");
                    break;
                case ENDED:
                    assertTrue(outcome.startsWith("late ") || outcome.startsWith("rejected: "),
                        "an ended session's frame is late or rejected");
                    break;
                default:
                    assertTrue(outcome.startsWith("hello") || outcome.startsWith("rejected: "),
                        "an unknown session may only handshake");
            }
        }
        if (0 == verdicts && outcomes.isEmpty())
        {
            assertTrue(isSilentFrame(session, frame), "a frame with no outcome at all must be one with nothing to do");
        }
        else if (0 == verdicts)
        {
            assertEquals(ASSOCIATED, session, "only an association delivers");
        }
    }

    /** Frames the decoder may pass over without a word: heartbeats and the like, well formed and of this version. */
    private boolean isSilentFrame(final int session, final byte[] frame)
    {
        if (frame.length < FrameHeaderFlyweight.LENGTH || FrameHeaderFlyweight.VERSION != frame[0])
        {
            return false;
        }
        header.wrap(new UnsafeBuffer(frame), 0);
        final byte type = header.type();
        if (ENDED == session)
        {
            return FrameHeaderFlyweight.DATA != type && FrameHeaderFlyweight.DIRECT != type &&
                FrameHeaderFlyweight.BLOB != type && FrameHeaderFlyweight.BATCH != type;
        }
        return ASSOCIATED == session && (FrameHeaderFlyweight.HEARTBEAT == type || FrameHeaderFlyweight.HELLO == type ||
            FrameHeaderFlyweight.HELLO_ACK == type || (FrameHeaderFlyweight.BATCH == type && header.argument() <= 0));
    }

    /** A random frame: pure noise, or a valid frame of any type, mutated or not. */
    private byte[] frame(final SplittableRandom random)
    {
        if (random.nextInt(8) == 0)
        {
            return noise(random, random.nextInt(0, 200));
        }
        final byte[] valid = valid(random);
        return 0 == random.nextInt(4) ? valid : mutated(random, valid);
    }

    private byte[] valid(final SplittableRandom random)
    {
        switch (random.nextInt(8))
        {
            case 0:
                return hello(random);
            case 1:
                return simple(FrameHeaderFlyweight.DATA, 0, noise(random, random.nextInt(0, 64)));
            case 2:
                return simple(FrameHeaderFlyweight.DIRECT, 0, noise(random, random.nextInt(0, 64)));
            case 3:
                return simple(FrameHeaderFlyweight.HEARTBEAT, 0, new byte[0]);
            case 4:
                return simple(FrameHeaderFlyweight.DISASSOCIATE, 0, new byte[0]);
            case 5:
            {
                final byte[] body = new byte[BlobDescriptorFlyweight.LENGTH];
                new BlobDescriptorFlyweight().wrap(new UnsafeBuffer(body), 0)
                    .blockId(random.nextLong()).generation(random.nextLong()).bodyLength(random.nextLong());
                return simple(FrameHeaderFlyweight.BLOB,
                    random.nextBoolean() ? FrameHeaderFlyweight.DATA : FrameHeaderFlyweight.DIRECT, body);
            }
            default:
            {
                final byte[][] bodies = new byte[random.nextInt(0, 6)][];
                final byte[] types = new byte[bodies.length];
                final byte type = random.nextBoolean() ? FrameHeaderFlyweight.DATA : FrameHeaderFlyweight.DIRECT;
                for (int i = 0; i < bodies.length; i++)
                {
                    final boolean blob = 0 == random.nextInt(4);
                    types[i] = blob ? FrameHeaderFlyweight.BLOB : type;
                    bodies[i] = blob ? blobFrame(random.nextLong(), type) : noise(random, random.nextInt(0, 24));
                }
                return batch(bodies, types, bodies.length);
            }
        }
    }

    /** Truncation, bit flips, a header field replaced, or a batch record's length made to lie. */
    private byte[] mutated(final SplittableRandom random, final byte[] valid)
    {
        final byte[] frame = valid.clone();
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        switch (random.nextInt(6))
        {
            case 0:
                return Arrays.copyOf(frame, random.nextInt(0, frame.length + 1));
            case 1:
                for (int flips = random.nextInt(1, 5); flips > 0 && frame.length > 0; flips--)
                {
                    frame[random.nextInt(frame.length)] ^= (byte)(1 << random.nextInt(8));
                }
                return frame;
            case 2:
                if (frame.length >= FrameHeaderFlyweight.LENGTH)
                {
                    header.wrap(buffer, 0).argument(lie(random, frame.length));
                }
                return frame;
            case 3:
                if (frame.length >= FrameHeaderFlyweight.LENGTH)
                {
                    header.wrap(buffer, 0).type((byte)random.nextInt(256));
                }
                return frame;
            case 4:
                if (frame.length >= FrameHeaderFlyweight.LENGTH)
                {
                    header.wrap(buffer, 0).version((byte)random.nextInt(256));
                }
                return frame;
            default:
                if (frame.length >= FrameHeaderFlyweight.LENGTH + BatchRecordFlyweight.HEADER_LENGTH)
                {
                    final int at = FrameHeaderFlyweight.LENGTH;
                    record.wrap(buffer, at).bodyLength(lie(random, frame.length));
                }
                return frame;
        }
    }

    private static int lie(final SplittableRandom random, final int frameLength)
    {
        final int[] lies = { -1, 0, 1, frameLength, frameLength + 1, Integer.MAX_VALUE, Integer.MIN_VALUE,
            random.nextInt() };
        return lies[random.nextInt(lies.length)];
    }

    private static byte[] hello(final SplittableRandom random)
    {
        final NodeIdentity identity = new NodeIdentity("fuzz", "localhost", 1 + random.nextInt(65535),
            random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
        final byte[] frame = new byte[FrameHeaderFlyweight.LENGTH + identity.helloLength() + HandshakeProof.LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final FrameHeaderFlyweight header = new FrameHeaderFlyweight().wrap(buffer, 0);
        header.write(random.nextBoolean() ? FrameHeaderFlyweight.HELLO : FrameHeaderFlyweight.HELLO_ACK,
            random.nextInt(), FrameHeaderFlyweight.FLAG_DIRECT);
        identity.writeTo(new HelloFlyweight().wrap(buffer, header.bodyOffset()), 0);
        return frame;
    }

    private static byte[] simple(final byte type, final int argument, final byte[] body)
    {
        final byte[] frame = new byte[FrameHeaderFlyweight.LENGTH + body.length];
        new FrameHeaderFlyweight().wrap(new UnsafeBuffer(frame), 0).write(type, argument);
        System.arraycopy(body, 0, frame, FrameHeaderFlyweight.LENGTH, body.length);
        return frame;
    }

    private static byte[] batch(final byte[][] bodies, final byte type, final int count)
    {
        final byte[] types = new byte[bodies.length];
        Arrays.fill(types, type);
        return batch(bodies, types, count);
    }

    /** A whole BLOB frame, as a batch's BLOB record carries it. */
    private static byte[] blobFrame(final long blockId, final byte bodyType)
    {
        final byte[] body = new byte[BlobDescriptorFlyweight.LENGTH];
        new BlobDescriptorFlyweight().wrap(new UnsafeBuffer(body), 0).blockId(blockId).generation(1).bodyLength(5);
        return simple(FrameHeaderFlyweight.BLOB, bodyType, body);
    }

    private static byte[] batch(final byte[][] bodies, final byte[] types, final int count)
    {
        int length = FrameHeaderFlyweight.LENGTH;
        for (final byte[] body : bodies)
        {
            length += BatchRecordFlyweight.HEADER_LENGTH + body.length;
        }
        final byte[] frame = new byte[length];
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        new FrameHeaderFlyweight().wrap(buffer, 0).write(FrameHeaderFlyweight.BATCH, count);
        final BatchRecordFlyweight record = new BatchRecordFlyweight();
        int position = FrameHeaderFlyweight.LENGTH;
        for (int i = 0; i < bodies.length; i++)
        {
            final byte[] body = bodies[i];
            record.wrap(buffer, position).bodyLength(body.length).type(types[i]);
            buffer.putBytes(record.bodyOffset(), body);
            position = record.bodyOffset() + body.length;
        }
        return frame;
    }

    private static byte[] noise(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private Association inbound(final int sessionId, final int port)
    {
        final ExclusivePublication publication = mock(ExclusivePublication.class);
        when(publication.sessionId()).thenReturn(1000 + sessionId);
        when(publication.maxPayloadLength()).thenReturn(4064);
        when(publication.maxMessageLength()).thenReturn(1024 * 1024);
        final NodeIdentity peer = new NodeIdentity("fuzz", "localhost", port, port, port, port, 0);
        final Association inbound = Association.inbound(new Outbox(publication, 64 * 1024, counters), local,
            new Address("shm", "fuzz", "localhost", port), peer, false, sessionId, 0, Long.MAX_VALUE);
        associations.addInbound(inbound);
        return inbound;
    }

    /** Every call, in order, as text; deliveries also as (offset, length) to check their bounds. */
    private static final class Recorder implements FrameHandler
    {
        final List<String> outcomes = new ArrayList<>();
        final List<long[]> deliveries = new ArrayList<>();
        final List<Long> lateBlocks = new ArrayList<>();

        void clear()
        {
            outcomes.clear();
            deliveries.clear();
            lateBlocks.clear();
        }

        @Override
        public void onHello(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            outcomes.add("hello");
        }

        @Override
        public void onHelloAck(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            outcomes.add("hello-ack");
        }

        @Override
        public void onData(final Association association, final DirectBuffer buffer, final int offset, final int length)
        {
            outcomes.add("data " + offset + "+" + length);
            deliveries.add(new long[] { offset, length });
        }

        @Override
        public void onDirect(
            final Association association, final DirectBuffer buffer, final int offset, final int length)
        {
            outcomes.add("direct " + offset + "+" + length);
            deliveries.add(new long[] { offset, length });
        }

        @Override
        public void onBlob(
            final Association association,
            final byte bodyType,
            final long blockId,
            final long generation,
            final long length)
        {
            assertTrue(FrameHeaderFlyweight.DATA == bodyType || FrameHeaderFlyweight.DIRECT == bodyType,
                "a blob of a DATA or DIRECT body");
            outcomes.add("blob " + bodyType);
        }

        @Override
        public void onChunk(final Association association, final byte bodyType, final DirectBuffer buffer,
            final int offset, final int length)
        {
            assertTrue(FrameHeaderFlyweight.DATA == bodyType || FrameHeaderFlyweight.DIRECT == bodyType,
                "a chunk of a DATA or DIRECT body");
            outcomes.add("chunk " + bodyType + " " + offset + "+" + length);
            deliveries.add(new long[] { offset, length });
        }

        @Override
        public void onDisassociate(final Association association)
        {
            outcomes.add("disassociate");
        }

        @Override
        public void onLateMessages(final long sessionId, final int count)
        {
            assertTrue(count > 0, "late messages are counted only when there are some");
            outcomes.add("late " + count);
        }

        @Override
        public void onLateBlob(final long sessionId, final long blockId, final long generation, final long length)
        {
            // the late frame was counted by onLateMessages; handing its block back is the router's business
            lateBlocks.add(blockId);
        }

        @Override
        public void onMalformed(final Association association, final String reason)
        {
            assertTrue(!reason.isEmpty());
            outcomes.add("malformed: " + reason);
        }

        @Override
        public void onRejected(final long sessionId, final String reason)
        {
            assertTrue(!reason.isEmpty());
            outcomes.add("rejected: " + reason);
        }
    }
}
