package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import io.pekkoshm.remote.blob.SharedBlob;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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
import java.util.function.Function;

/**
 * The built-in registration table: class ids 0-99, fixed by this code and part of the wire format. Ids never change
 * meaning; a change to this table is a new wire format version ({@link KryoSerializer#MANIFEST}).
 *
 * <pre>
 *   0-9    Kryo's own: int, String, float, boolean, byte, char, short, long, double, void (boxed types share them)
 *  10-19   primitive arrays, String[], Object[]
 *  20-30   mutable java.util collections and maps, EnumSet
 *  32-38   Collections.empty*, singleton*, Arrays.asList
 *  40-50   unmodifiable collections: List.of/Set.of/Map.of (and copyOf, Stream.toList), Collections.unmodifiable*
 *  55-58   Optional, OptionalInt, OptionalLong, OptionalDouble
 *  60-71   UUID, BigInteger, BigDecimal, Date, java.time values
 *  80      classic ActorRef (any implementation)
 *  81      typed ActorRef (any implementation; only when pekko-actor-typed is on the classpath)
 *  82      io.pekkoshm.remote.blob.SharedBlob (its descriptor; the blob's memory is shared, not copied)
 * </pre>
 *
 * <p>None of these serializers reflects into JDK internals, so no {@code --add-opens} is needed.
 */
final class BuiltInRegistrations
{
    /** Id of every classic {@link ActorRef}, whatever its implementation class. */
    static final int CLASSIC_ACTOR_REF_ID = 80;
    /** Id of every typed {@code ActorRef}, whatever its implementation class. */
    static final int TYPED_ACTOR_REF_ID = 81;
    /** Id of the zero-copy API's {@link SharedBlob}. */
    static final int SHARED_BLOB_ID = 82;
    /** Binary name of the typed ActorRef interface; the class is used only when it is on the classpath. */
    static final String TYPED_ACTOR_REF_CLASS = "org.apache.pekko.actor.typed.ActorRef";

    private record Entry(int id, Class<?> type, Function<Kryo, Serializer<?>> serializer)
    {
    }

    private static final List<Entry> TABLE = table();
    private static final Map<Class<?>, Integer> ID_BY_CLASS = idByClass();

    private BuiltInRegistrations()
    {
    }

    /**
     * @return the built-in id of {@code type}, or -1 if it is not in the table. Boxed primitives count as their
     * primitive; any ActorRef implementation counts as the ActorRef entry.
     */
    static int idOf(final Class<?> type)
    {
        final Integer id = ID_BY_CLASS.get(type);
        if (id != null)
        {
            return id;
        }
        if (ActorRef.class.isAssignableFrom(type))
        {
            return CLASSIC_ACTOR_REF_ID;
        }
        if (isTypedActorRef(type))
        {
            return TYPED_ACTOR_REF_ID;
        }
        return -1;
    }

    /** Registers the table (10-80, 82, and 81 when typed Pekko is present) in a fresh Kryo whose resolver is given. */
    static void register(final Kryo kryo, final ShmClassResolver resolver, final ExtendedActorSystem system)
    {
        for (final Entry entry : TABLE)
        {
            kryo.register(new Registration(entry.type(), serializerFor(kryo, entry), entry.id()));
        }
        kryo.register(new Registration(ActorRef.class, new ActorRefKryoSerializer(system), CLASSIC_ACTOR_REF_ID));
        resolver.mapSubtypes(ActorRef.class);
        kryo.register(new Registration(SharedBlob.class, new SharedBlobKryoSerializer(system), SHARED_BLOB_ID));
        if (TypedSupport.AVAILABLE)
        {
            TypedActorRefKryoSerializer.register(kryo, resolver, system, TYPED_ACTOR_REF_ID);
        }
    }

    private static boolean isTypedActorRef(final Class<?> type)
    {
        for (Class<?> c = type; c != null; c = c.getSuperclass())
        {
            if (implementsTyped(c))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean implementsTyped(final Class<?> type)
    {
        if (type.getName().equals(TYPED_ACTOR_REF_CLASS))
        {
            return true;
        }
        for (final Class<?> i : type.getInterfaces())
        {
            if (implementsTyped(i))
            {
                return true;
            }
        }
        return false;
    }

    private static List<Entry> table()
    {
        final Function<Kryo, Serializer<?>> byDefault = null; // marker: use Kryo's default serializer for the type
        final List<Entry> t = new ArrayList<>();
        int id = 10;
        for (final Class<?> c : List.of(
            byte[].class, char[].class, short[].class, int[].class, long[].class,
            float[].class, double[].class, boolean[].class, String[].class, Object[].class))
        {
            t.add(new Entry(id++, c, byDefault));
        }

        final Function<Kryo, Serializer<?>> boundedCollection =
            k -> new BoundedSerializers.BoundedCollectionSerializer();
        final Function<Kryo, Serializer<?>> boundedMap = k -> new BoundedSerializers.BoundedMapSerializer();
        t.add(new Entry(20, ArrayList.class, boundedCollection));
        t.add(new Entry(21, LinkedList.class, boundedCollection));
        t.add(new Entry(22, ArrayDeque.class, boundedCollection));
        t.add(new Entry(23, HashMap.class, boundedMap));
        t.add(new Entry(24, LinkedHashMap.class, boundedMap));
        t.add(new Entry(25, TreeMap.class, byDefault));                                // allocates per entry read
        t.add(new Entry(26, HashSet.class, boundedCollection));
        t.add(new Entry(27, LinkedHashSet.class, boundedCollection));
        t.add(new Entry(28, TreeSet.class, byDefault));                                // allocates per entry read
        t.add(new Entry(29, ConcurrentHashMap.class, boundedMap));
        t.add(new Entry(30, EnumSet.class, byDefault));                                // allocates per entry read

        id = 32;
        for (final Class<?> c : List.of(
            Collections.emptyList().getClass(), Collections.emptySet().getClass(), Collections.emptyMap().getClass(),
            Collections.singletonList(1).getClass(), Collections.singleton(1).getClass(),
            Collections.singletonMap(1, 1).getClass(), Arrays.asList(1).getClass()))
        {
            t.add(new Entry(id++, c, byDefault));
        }

        final Function<Kryo, Serializer<?>> list = k -> UnmodifiableCollectionSerializers.LIST;
        final Function<Kryo, Serializer<?>> set = k -> UnmodifiableCollectionSerializers.SET;
        final Function<Kryo, Serializer<?>> map = k -> UnmodifiableCollectionSerializers.MAP;
        final List<Integer> ints = new ArrayList<>(List.of(1, 2, 3));
        t.add(new Entry(40, List.of().getClass(), list));                              // ImmutableCollections$ListN
        t.add(new Entry(41, List.of(1).getClass(), list));                             // ImmutableCollections$List12
        t.add(new Entry(42, List.of(1, 2, 3).subList(0, 1).getClass(), list));         // ImmutableCollections$SubList
        t.add(new Entry(43, Set.of().getClass(), set));                                // ImmutableCollections$SetN
        t.add(new Entry(44, Set.of(1).getClass(), set));                               // ImmutableCollections$Set12
        t.add(new Entry(45, Map.of().getClass(), map));                                // ImmutableCollections$MapN
        t.add(new Entry(46, Map.of(1, 1).getClass(), map));                            // ImmutableCollections$Map1
        t.add(new Entry(47, Collections.unmodifiableCollection(ints).getClass(), list));
        t.add(new Entry(48, Collections.unmodifiableList(new LinkedList<>(ints)).getClass(), list));
        // ...$UnmodifiableRandomAccessList
        t.add(new Entry(49, Collections.unmodifiableList(ints).getClass(), list));
        t.add(new Entry(50, Collections.unmodifiableSet(new HashSet<>(ints)).getClass(), set));
        t.add(new Entry(51, Collections.unmodifiableMap(new HashMap<>()).getClass(), map));

        t.add(new Entry(55, Optional.class, byDefault));
        t.add(new Entry(56, OptionalInt.class, byDefault));
        t.add(new Entry(57, OptionalLong.class, byDefault));
        t.add(new Entry(58, OptionalDouble.class, byDefault));

        t.add(new Entry(60, UUID.class, k -> new DefaultSerializers.UUIDSerializer()));
        id = 61;
        for (final Class<?> c : List.of(
            BigInteger.class, BigDecimal.class, Date.class, Instant.class, Duration.class,
            LocalDate.class, LocalTime.class, LocalDateTime.class, ZonedDateTime.class, OffsetDateTime.class,
            ZoneOffset.class))
        {
            t.add(new Entry(id++, c, byDefault));
        }
        return List.copyOf(t);
    }

    private static Map<Class<?>, Integer> idByClass()
    {
        final Map<Class<?>, Integer> m = new HashMap<>();
        // Kryo's own registrations, made by its constructor; a boxed type shares its primitive's id.
        final List<List<Class<?>>> kryoOwn = List.of(
            List.of(int.class, Integer.class), List.of(String.class), List.of(float.class, Float.class),
            List.of(boolean.class, Boolean.class), List.of(byte.class, Byte.class),
            List.of(char.class, Character.class), List.of(short.class, Short.class), List.of(long.class, Long.class),
            List.of(double.class, Double.class), List.of(void.class, Void.class));
        for (int id = 0; id < kryoOwn.size(); id++)
        {
            for (final Class<?> c : kryoOwn.get(id))
            {
                m.put(c, id);
            }
        }
        for (final Entry e : TABLE)
        {
            if (m.put(e.type(), e.id()) != null)
            {
                throw new IllegalStateException("Built-in table lists " + e.type().getName() + " twice");
            }
        }
        m.put(ActorRef.class, CLASSIC_ACTOR_REF_ID);
        m.put(SharedBlob.class, SHARED_BLOB_ID);
        return Map.copyOf(m);
    }

    /** Entry for the serializer: Kryo's default for the type unless the table names one. */
    private static Serializer<?> serializerFor(final Kryo kryo, final Entry entry)
    {
        final Serializer<?> serializer =
            entry.serializer() == null ? kryo.getDefaultSerializer(entry.type()) : entry.serializer().apply(kryo);
        if (serializer instanceof FieldSerializer)
        {
            // A reflective serializer for a JDK class would need --add-opens and depend on JDK internals.
            throw new IllegalStateException("Built-in " + entry.type().getName() + " has no dedicated serializer");
        }
        return serializer;
    }

    /** Whether pekko-actor-typed is on the classpath; decided once. */
    static final class TypedSupport
    {
        static final boolean AVAILABLE = isAvailable();

        private TypedSupport()
        {
        }

        private static boolean isAvailable()
        {
            try
            {
                Class.forName(TYPED_ACTOR_REF_CLASS, false, BuiltInRegistrations.class.getClassLoader());
                return true;
            }
            catch (final ClassNotFoundException | LinkageError ex)
            {
                return false;
            }
        }
    }
}
