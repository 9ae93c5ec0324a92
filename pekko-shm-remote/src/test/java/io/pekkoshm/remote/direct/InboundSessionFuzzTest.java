package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.wire.DirectEnvelopeFlyweight;
import io.pekkoshm.remote.wire.MalformedFrameException;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

/**
 * {@link InboundSession#onFrame} fed direct envelopes straight, with no driver, no peer and Pekko's side replaced:
 * envelopes written through {@link DirectEnvelopeFlyweight} as a sender writes them, checked against a model of the
 * session's tables (what it delivers, with which recipient, sender, manifest and payload; an id used before its
 * definition ends the association), and mutations of them (truncated, bits flipped, codes and literal lengths out of
 * range, random bytes) on a second session. Whatever the bytes, a frame ends in one delivery or in
 * {@link MalformedFrameException}, and nothing outside the envelope is read: each one is wrapped in a buffer of exactly
 * its length (reads past it fail Agrona's bounds check) and the payload handed to the deserializer must lie inside it.
 * <p>
 * As {@code InboundFramesFuzzTest}: a fixed seed in the ordinary build, a random one with
 * {@code -Dfuzz.randomSeed=true} (the fuzz profile), {@code -Dfuzz.decoderFrames} frames; the seed is printed on
 * failure, and {@code -Dfuzz.seed=<seed>} replays it.
 */
class InboundSessionFuzzTest
{
    private static final long DEFAULT_SEED = 0x5EED_E4E1_09E5L;
    private static final int TABLE_SIZE = 8;
    private static final int SERIALIZER_ID = 17;
    /** Bytes around every envelope in its array, outside the buffer the session gets. */
    private static final int PAD = 32;
    private static final Address PEER = new Address("pekko.shm", "peer", "localhost", 2553);

    // Stub-only mocks: they are called on every frame, and keep no record of it.
    private final PekkoBridge bridge = mock(PekkoBridge.class, withSettings().stubOnly());
    private final DirectPath path = mock(DirectPath.class, withSettings().stubOnly());
    private final InboundDeserializer deserializer = mock(InboundDeserializer.class, withSettings().stubOnly());
    private final Drops drops = mock(Drops.class, withSettings().stubOnly());
    /** One ref per path the session resolves, and the paths of those refs. */
    private final Map<String, ActorRef> refs = new HashMap<>();
    private final Map<ActorRef, String> names = new IdentityHashMap<>();
    private final List<String> delivered = new ArrayList<>();
    private final DirectEnvelopeFlyweight envelope = new DirectEnvelopeFlyweight();
    /** Where the envelope being decoded lies in its array: the payload handed out must lie inside. */
    private int envelopeStart;
    private int envelopeEnd;

    @BeforeEach
    void setUp() throws Exception
    {
        when(path.bridge()).thenReturn(bridge);
        when(path.deserializer()).thenReturn(deserializer);
        when(path.dropping()).thenReturn(drops);
        when(bridge.quarantinedPeers()).thenReturn(new QuarantinedPeers(TimeUnit.MINUTES.toNanos(1), 16));
        when(bridge.resolveRecipient(anyString())).thenAnswer(invocation -> ref(invocation.getArgument(0)));
        when(bridge.resolveSender(anyString())).thenAnswer(invocation -> ref(invocation.getArgument(0)));
        when(bridge.isCacheable(any())).thenReturn(true);
        when(deserializer.deserialize(any(), anyInt(), anyString())).thenAnswer(invocation ->
        {
            final ByteBuffer payload = invocation.getArgument(0);
            assertTrue(payload.position() >= envelopeStart && payload.limit() <= envelopeEnd,
                "payload [" + payload.position() + ", " + payload.limit() + ") outside the envelope [" +
                envelopeStart + ", " + envelopeEnd + ")");
            final byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            return HexFormat.of().formatHex(bytes) + " by " + invocation.getArgument(1) + " as [" +
                invocation.getArgument(2) + "]";
        });
        doAnswer(invocation ->
        {
            final ActorRef sender = invocation.getArgument(3);
            delivered.add(invocation.getArgument(2) + " to " + names.get(invocation.<ActorRef>getArgument(0)) +
                " from " + (null == sender ? "nobody" : names.get(sender)));
            return null;
        }).when(bridge).deliver(any(), any(), any(), any());
    }

    @Test
    void shouldDeliverWithTheTablesTheSenderDefinedAndRejectAnIdBeforeItsDefinition()
    {
        final InboundSession session = new InboundSession(path, PEER, 1, TABLE_SIZE);
        final byte[] first = envelope(DirectEnvelopeFlyweight.definition(2), "pekko.shm://a@localhost:1/user/x",
            DirectEnvelopeFlyweight.LITERAL, "pekko.shm://b@localhost:2/user/y",
            DirectEnvelopeFlyweight.definition(0), "M", new byte[] { 1, 2 });
        final byte[] second = envelope(2, null, DirectEnvelopeFlyweight.NONE, null, 0, null, new byte[] { 3 });
        final byte[] undefined = envelope(3, null, DirectEnvelopeFlyweight.NONE, null, DirectEnvelopeFlyweight.NONE,
            null, new byte[0]);

        decode(session, first);
        decode(session, second);

        assertEquals(List.of(
            "0102 by 17 as [M] to pekko.shm://a@localhost:1/user/x from pekko.shm://b@localhost:2/user/y",
            "03 by 17 as [M] to pekko.shm://a@localhost:1/user/x from nobody"), delivered);
        assertEquals("direct envelope uses recipient id 3 before defining it",
            assertThrows(MalformedFrameException.class, () -> decode(session, undefined)).getMessage());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void shouldDeliverOrRejectEveryEnvelopeWithoutReadingOutsideIt()
    {
        final long seed = seed();
        final int iterations = Integer.getInteger("fuzz.decoderFrames", 50_000);
        final SplittableRandom random = new SplittableRandom(seed);
        final InboundSession session = new InboundSession(path, PEER, 1, TABLE_SIZE);
        final InboundSession hostile = new InboundSession(path, PEER, 2, TABLE_SIZE);
        final Model model = new Model();
        for (int i = 0; i < iterations; i++)
        {
            final byte[] valid = validEnvelope(random);
            final boolean mutate = random.nextInt(3) > 0;
            final byte[] frame = mutate ? mutate(valid, random) : valid;
            delivered.clear();
            try
            {
                if (mutate)
                {
                    try
                    {
                        decode(hostile, frame);
                        assertEquals(1, delivered.size(), "one delivery");
                    }
                    catch (final MalformedFrameException ex)
                    {
                        assertEquals(0, delivered.size(), "nothing delivered: " + ex.getMessage());
                    }
                }
                else
                {
                    final String expected = model.decode(frame);
                    if (null == expected)
                    {
                        assertThrows(MalformedFrameException.class, () -> decode(session, frame));
                        assertEquals(List.of(), delivered);
                    }
                    else
                    {
                        decode(session, frame);
                        assertEquals(List.of(expected), delivered);
                    }
                }
            }
            catch (final Throwable ex)
            {
                fail("seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), iteration " + i + ", " +
                    (mutate ? "mutated" : "valid") + " envelope " + HexFormat.of().formatHex(frame), ex);
            }
        }
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

    /** Hands the session the envelope in a buffer of exactly its length, inside a larger array. */
    private void decode(final InboundSession session, final byte[] frame)
    {
        final byte[] bytes = new byte[PAD + frame.length + PAD];
        System.arraycopy(frame, 0, bytes, PAD, frame.length);
        envelopeStart = PAD;
        envelopeEnd = PAD + frame.length;
        session.onFrame(new UnsafeBuffer(bytes, PAD, frame.length), 0, frame.length);
    }

    private ActorRef ref(final String name)
    {
        return refs.computeIfAbsent(name, key ->
        {
            final ActorRef ref = mock(ActorRef.class, withSettings().stubOnly());
            names.put(ref, key);
            return ref;
        });
    }

    /** An envelope as a sender writes it; a null literal for a code that carries none. */
    private byte[] envelope(final int recipientCode, final String recipient, final int senderCode,
        final String sender, final int manifestCode, final String manifest, final byte[] payload)
    {
        final byte[][] literals = {
            null == recipient ? null : DirectEnvelopeFlyweight.literal(recipient),
            null == sender ? null : DirectEnvelopeFlyweight.literal(sender),
            null == manifest ? null : DirectEnvelopeFlyweight.literal(manifest) };
        int length = DirectEnvelopeFlyweight.LITERALS_OFFSET + payload.length;
        for (final byte[] literal : literals)
        {
            length += null == literal ? 0 : DirectEnvelopeFlyweight.LITERAL_PREFIX_LENGTH + literal.length;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        envelope.wrap(buffer, 0).recipientCode(recipientCode).senderCode(senderCode).serializerId(SERIALIZER_ID)
            .manifestCode(manifestCode);
        int position = envelope.literalsOffset();
        for (final byte[] literal : literals)
        {
            if (null != literal)
            {
                position = envelope.putLiteral(position, literal);
            }
        }
        buffer.putBytes(position, payload);
        return buffer.byteArray();
    }

    private byte[] validEnvelope(final SplittableRandom random)
    {
        final int recipientCode = code(random, false);
        final int senderCode = code(random, true);
        final int manifestCode = code(random, true);
        final byte[] payload = new byte[random.nextInt(0, 24)];
        random.nextBytes(payload);
        return envelope(recipientCode, literalFor(recipientCode, "pekko.shm://s@localhost:1/user/r", random),
            senderCode, literalFor(senderCode, "pekko.shm://s@localhost:2/user/s", random),
            manifestCode, literalFor(manifestCode, "m", random), payload);
    }

    private static int code(final SplittableRandom random, final boolean mayBeNone)
    {
        switch (random.nextInt(mayBeNone ? 4 : 3))
        {
            case 0: return random.nextInt(TABLE_SIZE);
            case 1: return DirectEnvelopeFlyweight.definition(random.nextInt(TABLE_SIZE));
            case 2: return DirectEnvelopeFlyweight.LITERAL;
            default: return DirectEnvelopeFlyweight.NONE;
        }
    }

    private static String literalFor(final int code, final String stem, final SplittableRandom random)
    {
        return DirectEnvelopeFlyweight.hasLiteral(code) ? stem + random.nextInt(100) : null;
    }

    private static byte[] mutate(final byte[] valid, final SplittableRandom random)
    {
        switch (random.nextInt(5))
        {
            case 0:
                return Arrays.copyOf(valid, random.nextInt(valid.length));
            case 1:
            {
                final byte[] flipped = valid.clone();
                final int bit = random.nextInt(flipped.length * 8);
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                return flipped;
            }
            case 2:
            {
                final byte[] coded = valid.clone();
                final int[] codes = { random.nextInt(), -3, TABLE_SIZE, DirectEnvelopeFlyweight.definition(TABLE_SIZE),
                    DirectEnvelopeFlyweight.MAX_ID, Integer.MIN_VALUE, DirectEnvelopeFlyweight.NONE };
                new UnsafeBuffer(coded).putInt(4 * random.nextInt(4), codes[random.nextInt(codes.length)],
                    LITTLE_ENDIAN);
                return coded;
            }
            case 3:
            {
                final byte[] lying = valid.clone();
                if (lying.length >= DirectEnvelopeFlyweight.LITERALS_OFFSET + 2)
                {
                    new UnsafeBuffer(lying).putShort(DirectEnvelopeFlyweight.LITERALS_OFFSET,
                        (short)random.nextInt(0x10000), LITTLE_ENDIAN);
                }
                return lying;
            }
            default:
            {
                final byte[] noise = new byte[random.nextInt(0, 64)];
                random.nextBytes(noise);
                return noise;
            }
        }
    }

    /** The tables of the valid envelopes' session, as its sender defined them, and what each envelope gives. */
    private final class Model
    {
        private final Map<Integer, String> recipients = new HashMap<>();
        private final Map<Integer, String> senders = new HashMap<>();
        private final Map<Integer, String> manifests = new HashMap<>();

        /** {@return the delivery the session must make, or null if it must end the association} */
        String decode(final byte[] frame)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            final int recipientCode = buffer.getInt(0, LITTLE_ENDIAN);
            final int senderCode = buffer.getInt(4, LITTLE_ENDIAN);
            final int manifestCode = buffer.getInt(12, LITTLE_ENDIAN);
            final int[] position = { DirectEnvelopeFlyweight.LITERALS_OFFSET };
            final String recipient = field(buffer, position, recipientCode, recipients);
            if (null == recipient)
            {
                return null;
            }
            final String sender = DirectEnvelopeFlyweight.NONE == senderCode ? "nobody" :
                field(buffer, position, senderCode, senders);
            if (null == sender)
            {
                return null;
            }
            final String manifest = DirectEnvelopeFlyweight.NONE == manifestCode ? "" :
                field(buffer, position, manifestCode, manifests);
            if (null == manifest)
            {
                return null;
            }
            final byte[] payload = Arrays.copyOfRange(frame, position[0], frame.length);
            return HexFormat.of().formatHex(payload) + " by " + SERIALIZER_ID + " as [" + manifest + "] to " +
                recipient + " from " + sender;
        }

        private String field(final UnsafeBuffer buffer, final int[] position, final int code,
            final Map<Integer, String> table)
        {
            if (!DirectEnvelopeFlyweight.hasLiteral(code))
            {
                return table.get(code);
            }
            final int length = buffer.getShort(position[0], LITTLE_ENDIAN) & 0xFFFF;
            final String literal = buffer.getStringWithoutLengthUtf8(position[0] + 2, length);
            position[0] += 2 + length;
            if (DirectEnvelopeFlyweight.isDefinition(code))
            {
                table.put(DirectEnvelopeFlyweight.definedId(code), literal);
            }
            return literal;
        }
    }
}
