package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serializers for the JDK's unmodifiable collections ({@code List.of}, {@code Set.of}, {@code Map.of}, their
 * {@code copyOf}, {@code Stream.toList()} and the {@code Collections.unmodifiable*} wrappers). They use only the
 * public collection API, so they need no {@code --add-opens java.base/java.util}.
 *
 * <p>On the wire: a positive varint size, then each element (or key, then value) with its class. Nulls are allowed
 * (as {@code Stream.toList()} and the wrappers allow them). On receipt the collection is rebuilt as an unmodifiable
 * wrapper over an {@link ArrayList}, {@link LinkedHashSet} or {@link LinkedHashMap}: it is equal to the original,
 * keeps the sender's iteration order, and refuses modification like the original.
 *
 * <p>Stateless; one instance of each is shared by every Kryo instance.
 */
final class UnmodifiableCollectionSerializers
{
    static final Serializer<Collection<Object>> LIST = new ListSerializer();
    static final Serializer<Set<Object>> SET = new SetSerializer();
    static final Serializer<Map<Object, Object>> MAP = new MapSerializer();

    private UnmodifiableCollectionSerializers()
    {
    }

    /** Reads a size and checks it against the bytes left, so a corrupt size cannot allocate a huge collection. */
    static int readSize(final Input input, final int bytesPerEntry)
    {
        final int size = input.readVarInt(true);
        BoundedByteBufferInput.checkCount(input, size, bytesPerEntry);
        return size;
    }

    private static void writeElements(final Kryo kryo, final Output output, final Collection<?> elements)
    {
        output.writeVarInt(elements.size(), true);
        for (final Object e : elements)
        {
            kryo.writeClassAndObject(output, e);
        }
    }

    /** Also for {@code Collections.unmodifiableCollection}, which arrives as an unmodifiable list. */
    private static final class ListSerializer extends Serializer<Collection<Object>>
    {
        ListSerializer()
        {
            super(false, true);
        }

        @Override
        public void write(final Kryo kryo, final Output output, final Collection<Object> list)
        {
            writeElements(kryo, output, list);
        }

        @Override
        public List<Object> read(final Kryo kryo, final Input input, final Class<? extends Collection<Object>> type)
        {
            final int size = readSize(input, 1);
            final List<Object> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++)
            {
                list.add(kryo.readClassAndObject(input));
            }
            return Collections.unmodifiableList(list);
        }
    }

    private static final class SetSerializer extends Serializer<Set<Object>>
    {
        SetSerializer()
        {
            super(false, true);
        }

        @Override
        public void write(final Kryo kryo, final Output output, final Set<Object> set)
        {
            writeElements(kryo, output, set);
        }

        @Override
        public Set<Object> read(final Kryo kryo, final Input input, final Class<? extends Set<Object>> type)
        {
            final int size = readSize(input, 1);
            final Set<Object> set = new LinkedHashSet<>(size * 2);
            for (int i = 0; i < size; i++)
            {
                set.add(kryo.readClassAndObject(input));
            }
            return Collections.unmodifiableSet(set);
        }
    }

    private static final class MapSerializer extends Serializer<Map<Object, Object>>
    {
        MapSerializer()
        {
            super(false, true);
        }

        @Override
        public void write(final Kryo kryo, final Output output, final Map<Object, Object> map)
        {
            output.writeVarInt(map.size(), true);
            for (final Map.Entry<Object, Object> e : map.entrySet())
            {
                kryo.writeClassAndObject(output, e.getKey());
                kryo.writeClassAndObject(output, e.getValue());
            }
        }

        @Override
        public Map<Object, Object> read(final Kryo kryo, final Input input,
            final Class<? extends Map<Object, Object>> type)
        {
            final int size = readSize(input, 2);
            final Map<Object, Object> map = new LinkedHashMap<>(size * 2);
            for (int i = 0; i < size; i++)
            {
                final Object key = kryo.readClassAndObject(input);
                map.put(key, kryo.readClassAndObject(input));
            }
            return Collections.unmodifiableMap(map);
        }
    }
}
