package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;

import java.util.Collection;
import java.util.Map;

/**
 * Kryo's collection, map and object-array serializers with the announced size checked against the bytes left
 * ({@link BoundedByteBufferInput#checkCount}) before they allocate for it: Kryo sizes an {@code ArrayList},
 * {@code HashMap} or array from the count in the payload, so an unchecked crafted count could exhaust the heap.
 * The wire format is Kryo's, unchanged.
 */
final class BoundedSerializers
{
    private BoundedSerializers()
    {
    }

    /** For ArrayList, LinkedList, ArrayDeque, HashSet, LinkedHashSet. */
    static final class BoundedCollectionSerializer extends CollectionSerializer<Collection<Object>>
    {
        @Override
        protected Collection<Object> create(
            final Kryo kryo, final Input input, final Class<? extends Collection<Object>> type, final int size)
        {
            BoundedByteBufferInput.checkCount(input, size, 1);
            return super.create(kryo, input, type, size);
        }
    }

    /** For HashMap, LinkedHashMap, ConcurrentHashMap. */
    static final class BoundedMapSerializer extends MapSerializer<Map<Object, Object>>
    {
        @Override
        protected Map<Object, Object> create(
            final Kryo kryo, final Input input, final Class<? extends Map<Object, Object>> type, final int size)
        {
            BoundedByteBufferInput.checkCount(input, size, 2);
            return super.create(kryo, input, type, size);
        }
    }

    /**
     * The default serializer of every object array ({@code String[]}, {@code Object[]}, {@code Foo[]}): Kryo's
     * {@link ObjectArraySerializer}, after a look at the length it starts with (a varint, length + 1; 0 for null).
     */
    static final class ArrayFactory extends SerializerFactory.BaseSerializerFactory<Serializer<Object[]>>
    {
        @Override
        @SuppressWarnings("rawtypes") // Kryo's signature
        public Serializer<Object[]> newSerializer(final Kryo kryo, final Class type)
        {
            return new CheckedArraySerializer(new ObjectArraySerializer(kryo, type));
        }
    }

    private static final class CheckedArraySerializer extends Serializer<Object[]>
    {
        private final ObjectArraySerializer delegate;

        CheckedArraySerializer(final ObjectArraySerializer delegate)
        {
            super(delegate.getAcceptsNull(), delegate.isImmutable());
            this.delegate = delegate;
        }

        @Override
        public void write(final Kryo kryo, final Output output, final Object[] array)
        {
            delegate.write(kryo, output, array);
        }

        @Override
        public Object[] read(final Kryo kryo, final Input input, final Class<? extends Object[]> type)
        {
            final int start = input.position();
            final int lengthPlusOne = input.readVarInt(true);
            if (lengthPlusOne > 0)
            {
                BoundedByteBufferInput.checkCount(input, lengthPlusOne - 1L, 1);
            }
            input.setPosition(start);
            return delegate.read(kryo, input, type);
        }
    }
}
