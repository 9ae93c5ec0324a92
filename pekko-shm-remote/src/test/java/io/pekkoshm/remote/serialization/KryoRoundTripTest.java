package io.pekkoshm.remote.serialization;

import io.pekkoshm.remote.serialization.TestMessages.ArraysMessage;
import io.pekkoshm.remote.serialization.TestMessages.Box;
import io.pekkoshm.remote.serialization.TestMessages.Envelope;
import io.pekkoshm.remote.serialization.TestMessages.Holder;
import io.pekkoshm.remote.serialization.TestMessages.Mood;
import io.pekkoshm.remote.serialization.TestMessages.Op;
import io.pekkoshm.remote.serialization.TestMessages.Pair;
import io.pekkoshm.remote.serialization.TestMessages.Person;
import io.pekkoshm.remote.serialization.TestMessages.PlainMessage;
import io.pekkoshm.remote.serialization.TestMessages.Point;
import io.pekkoshm.remote.serialization.TestMessages.Validated;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.NotSerializableException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips of every supported kind of value, through Pekko's SerializationExtension and the ByteBuffer path. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KryoRoundTripTest
{
    private static final KryoTestSystems SYSTEMS = new KryoTestSystems();
    private static ActorSystem system;

    @BeforeAll
    static void start()
    {
        system = SYSTEMS.start("roundtrip", KryoTestSystems.LOCAL, TestMessages.classesConfig());
    }

    @AfterAll
    static void stop()
    {
        SYSTEMS.close();
    }

    /** Through SerializationExtension (array path) and through the ByteBuffer path; both results must be equal. */
    static Object roundTrip(final ActorSystem system, final Object message) throws NotSerializableException
    {
        final Serialization serialization = KryoTestSystems.serialization(system);
        final Serializer serializer = serialization.findSerializerFor(message);
        final KryoSerializer kryo = assertInstanceOf(KryoSerializer.class, serializer);
        final String manifest = Serializers.manifestFor(serializer, message);
        assertEquals(KryoSerializer.MANIFEST, manifest);

        final byte[] bytes = serialization.serialize(message).get();
        final Object viaArray = serialization.deserialize(bytes, serializer.identifier(), manifest).get();

        // As a transport calls it: with the transport information set, so local refs get the system's address.
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        org.apache.pekko.serialization.Serialization$.MODULE$.withTransportInformation(
            (ExtendedActorSystem)system, () ->
        {
            kryo.toBinary(message, buffer);
            return null;
        });
        assertEquals(bytes.length, buffer.position(), "both paths write the same payload");
        buffer.flip();
        final Object viaBuffer = kryo.fromBinary(buffer, manifest);
        assertEquals(buffer.limit(), buffer.position(), "the whole payload is consumed");
        assertDeepEquals(viaArray, viaBuffer);
        return viaArray;
    }

    private static Object roundTrip(final Object message) throws NotSerializableException
    {
        return roundTrip(system, message);
    }

    private static Object content(final Object value) throws NotSerializableException
    {
        return ((Holder)roundTrip(new Holder("content", value))).content();
    }

    private static void assertDeepEquals(final Object expected, final Object actual)
    {
        if (expected instanceof Holder e && actual instanceof Holder a)
        {
            assertEquals(e.label(), a.label());
            assertDeepEquals(e.content(), a.content());
        }
        else if (expected instanceof Object[] e && actual instanceof Object[] a)
        {
            assertTrue(Arrays.deepEquals(e, a), () -> Arrays.deepToString(e) + " != " + Arrays.deepToString(a));
        }
        else if (expected != null && expected.getClass().isArray())
        {
            assertTrue(Arrays.deepEquals(new Object[] {expected}, new Object[] {actual}));
        }
        else if (expected instanceof ArrayDeque<?> e && actual instanceof ArrayDeque<?> a)
        {
            assertEquals(List.copyOf(e), List.copyOf(a));
        }
        else if (expected instanceof Collection<?> e && !(expected instanceof List || expected instanceof Set))
        {
            assertEquals(new ArrayList<>(e), new ArrayList<>((Collection<?>)actual));
        }
        else
        {
            assertEquals(expected, actual);
        }
    }

    @Test
    void shouldRoundTripRecordWithEnumOptionalAndNestedRecord() throws Exception
    {
        final Person person = new Person("Ada", 36, Mood.HAPPY, Optional.of("Countess"), new Point(1, -2));
        assertEquals(person, roundTrip(person));
    }

    @Test
    void shouldRoundTripNestedGenericRecord() throws Exception
    {
        final Person ada = new Person("Ada", 36, Mood.HAPPY, Optional.empty(), new Point(0, 0));
        final Envelope envelope = new Envelope(
            "e-1",
            new Box<>(new Pair<>("route", List.of(new Point(1, 2), new Point(3, 4)))),
            List.of(ada, new Person("Bob", 41, Mood.GRUMPY, Optional.of("B"), null)),
            Map.of("ada", new Box<>(10), "bob", new Box<>(null)),
            EnumSet.of(Mood.SLEEPY, Mood.HAPPY),
            null,
            Op.MUL);
        final Envelope back = (Envelope)roundTrip(envelope);
        assertEquals(envelope, back);
        assertEquals(12, back.op().apply(3, 4), "an enum constant with a body comes back as itself");
        assertInstanceOf(Point.class, back.payload().value().second().get(1));
    }

    @Test
    void shouldRoundTripGenericRecordHoldingAnyRegisteredValue() throws Exception
    {
        for (final Object value : List.of(new Point(5, 6), Mood.SLEEPY, "text", 42, 42L, 4.2d, true, 'c',
            List.of(new Box<>(new Box<>(Op.ADD)))))
        {
            assertEquals(value, content(new Box<>(value)) instanceof Box<?> b ? b.value() : null);
        }
    }

    @Test
    void shouldRoundTripNulls() throws Exception
    {
        assertNull(content(null));
        final Person nobody = new Person(null, 0, null, Optional.empty(), null);
        assertEquals(nobody, roundTrip(nobody));
        assertEquals(Arrays.asList("a", null, "c"), content(Arrays.asList("a", null, "c")));
    }

    @Test
    void shouldRoundTripEnumsIncludingConstantsWithBodies() throws Exception
    {
        assertSame(Mood.GRUMPY, content(Mood.GRUMPY));
        assertSame(Op.ADD, content(Op.ADD));
        assertSame(Op.MUL, content(Op.MUL));
    }

    @Test
    void shouldRoundTripArrays() throws Exception
    {
        final ArraysMessage arrays = new ArraysMessage(
            new int[] {1, -2, Integer.MAX_VALUE},
            new byte[] {0, 1, (byte)0xFF},
            new String[] {"x", null, ""},
            new Point[] {new Point(1, 1), null},
            new long[][] {{1L, 2L}, {}, null});
        assertEquals(arrays, roundTrip(arrays));
        assertArrayEquals(new double[] {1.5, -0.0}, (double[])content(new double[] {1.5, -0.0}));
        assertArrayEquals(new Object[] {"a", 1, new Point(2, 2), null},
            (Object[])content(new Object[] {"a", 1, new Point(2, 2), null}));
    }

    @Test
    void shouldRoundTripMutableCollectionsAndMaps() throws Exception
    {
        final List<Object> values = List.of(
            new ArrayList<>(List.of(1, 2, 3)),
            new LinkedList<>(List.of("a", "b")),
            new ArrayDeque<>(List.of(new Point(1, 2))),
            new HashMap<>(Map.of("k", List.of(1))),
            new LinkedHashMap<>(Map.of(1, "one")),
            new TreeMap<>(Map.of("b", 2, "a", 1)),
            new HashSet<>(Set.of(Mood.HAPPY)),
            new LinkedHashSet<>(List.of(3, 1, 2)),
            new TreeSet<>(Set.of("z", "y")),
            new ConcurrentHashMap<>(Map.of("c", 3)),
            EnumSet.noneOf(Mood.class),
            EnumSet.allOf(Mood.class));
        for (final Object value : values)
        {
            final Object back = content(value);
            assertDeepEquals(value, back);
            assertEquals(value.getClass(), back.getClass(), "mutable collections keep their class");
        }
    }

    @Test
    void shouldRoundTripUnmodifiableCollectionsAsUnmodifiable() throws Exception
    {
        final List<Integer> withNull = Stream.of(1, null, 3).toList();
        final List<Object> values = List.of(
            List.of(), List.of(1), List.of(1, 2), List.of(1, 2, 3, 4), List.of(1, 2, 3).subList(1, 3),
            List.copyOf(new ArrayList<>(List.of("x"))), withNull,
            Set.of(), Set.of("a"), Set.of("a", "b", "c"),
            Map.of(), Map.of("a", 1), Map.of("a", 1, "b", 2, "c", 3),
            Collections.unmodifiableList(new ArrayList<>(List.of(1, 2))),
            Collections.unmodifiableList(new LinkedList<>(List.of(1, 2))),
            Collections.unmodifiableSet(new HashSet<>(Set.of(1))),
            Collections.unmodifiableMap(new HashMap<>(Map.of(1, 2))),
            Collections.emptyList(), Collections.emptySet(), Collections.emptyMap(),
            Collections.singletonList(new Point(1, 1)), Collections.singleton(Mood.HAPPY),
            Collections.singletonMap("k", Optional.of(1)));
        for (final Object value : values)
        {
            final Object back = content(value);
            assertEquals(value, back, () -> value.getClass().getName());
            if (back instanceof List<?> list)
            {
                assertThrows(UnsupportedOperationException.class, () -> list.add(null), value.getClass().getName());
            }
            else if (back instanceof Set<?> set)
            {
                assertThrows(UnsupportedOperationException.class, () -> set.add(null), value.getClass().getName());
            }
            else if (back instanceof Map<?, ?> map)
            {
                assertThrows(UnsupportedOperationException.class, () -> map.put(null, null),
                    value.getClass().getName());
            }
        }
        final Collection<Integer> view = Collections.unmodifiableCollection(new ArrayList<>(List.of(4, 5)));
        assertEquals(List.of(4, 5), new ArrayList<>((Collection<?>)content(view)));
        assertEquals(List.of(1, 2), content(Arrays.asList(1, 2)));
    }

    @Test
    void shouldRoundTripOptionals() throws Exception
    {
        for (final Object value : List.of(
            Optional.empty(), Optional.of("x"), Optional.of(new Point(1, 2)), Optional.of(List.of(Optional.of(1))),
            OptionalInt.empty(), OptionalInt.of(7), OptionalLong.of(-8L), OptionalDouble.of(0.5),
            OptionalDouble.empty()))
        {
            assertEquals(value, content(value));
        }
    }

    @Test
    void shouldRoundTripJdkValueTypes() throws Exception
    {
        for (final Object value : List.of(
            UUID.randomUUID(), new BigInteger("123456789012345678901234567890"), new BigDecimal("-1.000000000000001"),
            new Date(1_700_000_000_000L), Instant.ofEpochSecond(1_700_000_000L, 123), Duration.ofMillis(1500),
            LocalDate.of(2024, 2, 29), LocalTime.of(23, 59, 1), LocalDateTime.of(2024, 1, 2, 3, 4),
            ZonedDateTime.of(2024, 1, 2, 3, 4, 5, 6, ZoneId.of("Europe/Berlin")),
            OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHours(-3)), ZoneOffset.UTC,
            (byte)1, (short)2, 3.5f, "unicode: \u00e9\u4e2d\ud83d\ude00"))
        {
            assertEquals(value, content(value));
        }
    }

    @Test
    void shouldRoundTripPlainJavaClassWithoutNoArgConstructor() throws Exception
    {
        final PlainMessage message = new PlainMessage(7L, "plain", new ArrayList<>(List.of(1, 2)));
        final PlainMessage back = (PlainMessage)roundTrip(message);
        assertEquals(message, back);
        assertNull(back.cache(), "transient fields are not sent, and no constructor or initializer runs");
    }

    @Test
    void shouldRunRecordConstructorValidationOnReceipt() throws Exception
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(system);
        final byte[] bytes = kryo.toBinary(new Validated(50));
        // class tag (1 byte) + fingerprint (4 bytes) + the int as a zig-zag varint: 50 -> 0x64
        assertEquals(6, bytes.length);
        assertEquals(0x64, bytes[5]);
        bytes[5] = 0x01; // zig-zag varint of -1
        final NotSerializableException ex = assertThrows(
            NotSerializableException.class, () -> kryo.fromBinary(bytes, KryoSerializer.MANIFEST));
        assertTrue(ex.getMessage().contains(Validated.class.getName()), ex.getMessage());
        assertTrue(ex.getMessage().contains("percent out of range: -1"), ex.getMessage());
    }

    @Test
    void shouldWriteIntoGivenBufferAtItsPositionAndReadInPlace() throws Exception
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(system);
        final Person person = new Person("Ada", 36, Mood.HAPPY, Optional.empty(), new Point(1, 2));
        for (final ByteBuffer buffer : List.of(ByteBuffer.allocate(256), ByteBuffer.allocateDirect(256)))
        {
            buffer.put(new byte[] {9, 9, 9, 9, 9, 9, 9});
            kryo.toBinary(person, buffer);
            final int end = buffer.position();
            assertEquals(kryo.toBinary(person).length, end - 7, "writes exactly the payload after the header");
            buffer.putInt(0xCAFEBABE); // the transport's next bytes, after the payload

            final ByteBuffer read = buffer.duplicate().position(7).limit(end).asReadOnlyBuffer();
            assertEquals(person, kryo.fromBinary(read, KryoSerializer.MANIFEST));
            assertEquals(end, read.position());
            for (int i = 0; i < 7; i++)
            {
                assertEquals(9, buffer.get(i), "bytes before the position are untouched");
            }
            assertEquals(0xCAFEBABE, buffer.getInt(end));
        }
    }

    @Test
    void shouldRejectTruncatedAndOverlongPayloads()
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(system);
        final byte[] bytes = kryo.toBinary(new Person("Ada", 36, Mood.HAPPY, Optional.empty(), new Point(1, 2)));
        for (int length = 0; length < bytes.length; length++)
        {
            final byte[] truncated = Arrays.copyOf(bytes, length);
            assertThrows(NotSerializableException.class, () -> kryo.fromBinary(truncated, KryoSerializer.MANIFEST),
                "truncated to " + length);
        }
        final byte[] overlong = Arrays.copyOf(bytes, bytes.length + 1);
        final NotSerializableException ex = assertThrows(
            NotSerializableException.class, () -> kryo.fromBinary(overlong, KryoSerializer.MANIFEST));
        assertTrue(ex.getMessage().contains("1 bytes left over"), ex.getMessage());
    }

    @Test
    void shouldRejectUnknownManifest()
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(system);
        final byte[] bytes = kryo.toBinary(new Point(1, 2));
        final NotSerializableException ex = assertThrows(
            NotSerializableException.class, () -> kryo.fromBinary(bytes, "K9"));
        assertTrue(ex.getMessage().contains("[K9]"), ex.getMessage());
    }
}
