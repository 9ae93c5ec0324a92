package io.pekkoshm.remote.serialization;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A 32-bit fingerprint of a registered class: the first four bytes of the SHA-256 of a canonical description of the
 * class's name and of the shape Kryo writes for it. Two JVMs compute the same fingerprint for a class exactly when
 * they would read and write it the same way (up to a 2^-32 chance), so a receiver that compares the sender's
 * fingerprint for an id with its own detects both a different registration table and a different class definition.
 *
 * <p>The description, by kind of class:
 * <ul>
 *   <li>record: name, then its components sorted by name, each {@code name:type};</li>
 *   <li>enum: name, then its constants in ordinal order (Kryo writes the ordinal);</li>
 *   <li>array: {@code [} and the description of the component type;</li>
 *   <li>JDK, Scala and Pekko classes, collections and maps: the name only (their serializers do not depend on
 *       fields, and their fields differ between JDK builds);</li>
 *   <li>any other class: name, then every non-static, non-transient field of it and its superclasses, sorted, each
 *       {@code declaringClass.name:type} (the fields Kryo's field serializer writes).</li>
 * </ul>
 * A {@code type} that is itself an application class is described recursively (a cycle is cut with the bare name):
 * a field of a final type such as a record or enum is written without its class id, so its shape has to be part of
 * the fingerprint of the class that contains it.
 *
 * <p>Computed once per serializer; not on the message path.
 */
final class ClassFingerprint
{
    private ClassFingerprint()
    {
    }

    /** @return the fingerprint of every class in {@code classes}. */
    static Map<Class<?>, Integer> of(final Collection<Class<?>> classes)
    {
        final Map<Class<?>, Integer> result = new java.util.HashMap<>();
        for (final Class<?> c : classes)
        {
            result.put(c, hash(describe(c)));
        }
        return Map.copyOf(result);
    }

    /** @return the canonical description the fingerprint is a hash of (for error messages and tests). */
    static String describe(final Class<?> type)
    {
        final StringBuilder sb = new StringBuilder();
        describe(type, sb, new HashSet<>());
        return sb.toString();
    }

    private static void describe(final Class<?> type, final StringBuilder sb, final Set<Class<?>> inProgress)
    {
        if (type.isArray())
        {
            sb.append('[');
            describe(type.getComponentType(), sb, inProgress);
            return;
        }
        sb.append(type.getName());
        if (type.isPrimitive() || isPlatform(type) || !inProgress.add(type))
        {
            return;
        }
        try
        {
            if (type.isRecord())
            {
                final List<String> parts = new ArrayList<>();
                for (final RecordComponent rc : type.getRecordComponents())
                {
                    parts.add(rc.getName());
                }
                parts.sort(null);
                sb.append('(');
                for (final String name : parts)
                {
                    sb.append(name).append(':');
                    describe(componentType(type, name), sb, inProgress);
                    sb.append(';');
                }
                sb.append(')');
            }
            else if (type.isEnum())
            {
                sb.append('{');
                for (final Object constant : type.getEnumConstants())
                {
                    sb.append(((Enum<?>)constant).name()).append(';');
                }
                sb.append('}');
            }
            else if (!Collection.class.isAssignableFrom(type) && !Map.class.isAssignableFrom(type))
            {
                final List<Field> fields = new ArrayList<>();
                for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass())
                {
                    for (final Field f : c.getDeclaredFields())
                    {
                        final int m = f.getModifiers();
                        if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic())
                        {
                            fields.add(f);
                        }
                    }
                }
                fields.sort((a, b) -> (a.getDeclaringClass().getName() + '.' + a.getName())
                    .compareTo(b.getDeclaringClass().getName() + '.' + b.getName()));
                sb.append('{');
                for (final Field f : fields)
                {
                    sb.append(f.getDeclaringClass().getName()).append('.').append(f.getName()).append(':');
                    describe(f.getType(), sb, inProgress);
                    sb.append(';');
                }
                sb.append('}');
            }
        }
        finally
        {
            inProgress.remove(type);
        }
    }

    private static Class<?> componentType(final Class<?> record, final String name)
    {
        for (final RecordComponent rc : record.getRecordComponents())
        {
            if (rc.getName().equals(name))
            {
                return rc.getType();
            }
        }
        throw new IllegalStateException(name);
    }

    private static boolean isPlatform(final Class<?> type)
    {
        final String n = type.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.") ||
            n.startsWith("scala.") || n.startsWith("org.apache.pekko.") || n.startsWith("com.esotericsoftware.");
    }

    static int hash(final String description)
    {
        try
        {
            final byte[] d = MessageDigest.getInstance("SHA-256").digest(description.getBytes(StandardCharsets.UTF_8));
            return (d[0] & 0xFF) << 24 | (d[1] & 0xFF) << 16 | (d[2] & 0xFF) << 8 | (d[3] & 0xFF);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is required of every JVM", ex);
        }
    }
}
