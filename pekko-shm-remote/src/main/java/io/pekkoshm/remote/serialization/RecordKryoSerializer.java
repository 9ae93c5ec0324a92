package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Serializes a Java record through its accessors and rebuilds it with its canonical constructor, so a compact
 * constructor's validation runs on receipt too.
 *
 * <p>On the wire: the components in order of their names (so reordering components in the source keeps the format),
 * each one as Kryo writes a field: primitives bare; a component whose declared type is final (String, records, enums,
 * boxed types) as the value or a null marker, without class; any other type (interfaces, {@code Object}, a generic
 * {@code T}) with its class first. Generic records therefore work: the actual class of a {@code T} value is written.
 *
 * <p>Unlike Kryo's own {@code RecordSerializer}, a failure names the record class and the component, in the same
 * "component (RecordClass)" form the field serializer uses, innermost first.
 *
 * <p>One instance per record class and Kryo instance; stateless after construction.
 */
final class RecordKryoSerializer<T> extends Serializer<T>
{
    private final Class<T> type;
    private final String[] names;
    private final Class<?>[] types;
    private final Method[] accessors;
    /** For component i (in name order), its position among the canonical constructor's parameters. */
    private final int[] parameterIndex;
    private final Constructor<T> constructor;

    RecordKryoSerializer(final Class<T> type)
    {
        super(false, true);
        if (!type.isRecord())
        {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        this.type = type;
        final RecordComponent[] declared = type.getRecordComponents();
        final Class<?>[] parameterTypes = new Class<?>[declared.length];
        for (int i = 0; i < declared.length; i++)
        {
            parameterTypes[i] = declared[i].getType();
        }
        final Integer[] order = new Integer[declared.length];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(i -> declared[i].getName()));

        names = new String[declared.length];
        types = new Class<?>[declared.length];
        accessors = new Method[declared.length];
        parameterIndex = new int[declared.length];
        for (int i = 0; i < order.length; i++)
        {
            final RecordComponent rc = declared[order[i]];
            names[i] = rc.getName();
            types[i] = rc.getType();
            accessors[i] = accessible(rc.getAccessor());
            parameterIndex[i] = order[i];
        }
        try
        {
            constructor = accessible(type.getDeclaredConstructor(parameterTypes));
        }
        catch (final NoSuchMethodException ex)
        {
            throw new KryoException("Record " + type.getName() + " has no canonical constructor", ex);
        }
    }

    /** The factory Kryo uses for records that have no explicit serializer (registered or, in class-name mode, not). */
    static final class Factory extends SerializerFactory.BaseSerializerFactory<RecordKryoSerializer<?>>
    {
        @Override
        @SuppressWarnings({"rawtypes", "unchecked"}) // the signature is Kryo's; the type is a record class here
        public RecordKryoSerializer<?> newSerializer(final Kryo kryo, final Class type)
        {
            return new RecordKryoSerializer<>(type);
        }
    }

    @Override
    public void write(final Kryo kryo, final Output output, final T record)
    {
        for (int i = 0; i < names.length; i++)
        {
            final Class<?> componentType = types[i];
            try
            {
                final Object value = accessors[i].invoke(record);
                if (componentType.isPrimitive())
                {
                    kryo.writeObject(output, value);
                }
                else if (kryo.isFinal(componentType))
                {
                    kryo.writeObjectOrNull(output, value, componentType);
                }
                else
                {
                    kryo.writeClassAndObject(output, value);
                }
            }
            catch (final KryoException ex)
            {
                ex.addTrace(trace(i));
                throw ex;
            }
            catch (final InvocationTargetException ex)
            {
                throw traced(ex.getCause(), i);
            }
            catch (final IllegalAccessException | RuntimeException ex)
            {
                throw traced(ex, i);
            }
        }
    }

    @Override
    public T read(final Kryo kryo, final Input input, final Class<? extends T> ignored)
    {
        final Object[] arguments = new Object[names.length];
        for (int i = 0; i < names.length; i++)
        {
            final Class<?> componentType = types[i];
            try
            {
                final Object value;
                if (componentType.isPrimitive())
                {
                    value = kryo.readObject(input, componentType);
                }
                else if (kryo.isFinal(componentType))
                {
                    value = kryo.readObjectOrNull(input, componentType);
                }
                else
                {
                    value = kryo.readClassAndObject(input);
                }
                if (value != null && !boxed(componentType).isInstance(value))
                {
                    throw new KryoException("Read a " + value.getClass().getName() + " for a component of type " +
                        componentType.getName());
                }
                arguments[parameterIndex[i]] = value;
            }
            catch (final KryoException ex)
            {
                ex.addTrace(trace(i));
                throw ex;
            }
            catch (final RuntimeException ex)
            {
                throw traced(ex, i);
            }
        }
        try
        {
            return constructor.newInstance(arguments);
        }
        catch (final InvocationTargetException ex)
        {
            throw new KryoException("The constructor of " + type.getName() + " rejected the values read: " +
                ex.getCause(), ex.getCause());
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new KryoException("Cannot construct " + type.getName() + ": " + ex, ex);
        }
    }

    private String trace(final int component)
    {
        return names[component] + " (" + type.getName() + ")";
    }

    private KryoException traced(final Throwable cause, final int component)
    {
        final KryoException ex = new KryoException(cause);
        ex.addTrace(trace(component));
        return ex;
    }

    private static Class<?> boxed(final Class<?> type)
    {
        if (!type.isPrimitive())
        {
            return type;
        }
        if (type == int.class)
        {
            return Integer.class;
        }
        else if (type == long.class)
        {
            return Long.class;
        }
        else if (type == boolean.class)
        {
            return Boolean.class;
        }
        else if (type == double.class)
        {
            return Double.class;
        }
        else if (type == float.class)
        {
            return Float.class;
        }
        else if (type == short.class)
        {
            return Short.class;
        }
        else if (type == byte.class)
        {
            return Byte.class;
        }
        else
        {
            return Character.class;
        }
    }

    private static <A extends java.lang.reflect.AccessibleObject> A accessible(final A member)
    {
        if (!member.trySetAccessible())
        {
            throw new KryoException("Cannot access " + member + ": its module does not open it to " +
                RecordKryoSerializer.class.getModule());
        }
        return member;
    }
}
