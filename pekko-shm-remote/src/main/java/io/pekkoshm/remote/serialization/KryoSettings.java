package io.pekkoshm.remote.serialization;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.pekkoshm.remote.SettingsReader;
import io.pekkoshm.remote.ShmConfigurationException;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of {@link KryoSerializer}, read once from {@code pekko.remote.shm.kryo} and validated eagerly.
 * Every key is documented in {@code pekko-shm-kryo-reference.conf}. The keys are read through the plugin's one
 * {@link SettingsReader}, so a bad value fails with the plugin's {@link ShmConfigurationException} that names the
 * key and the value.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class KryoSettings
{
    /** The config root of the serializer's settings. */
    public static final String ROOT = "pekko.remote.shm.kryo";
    /** The smallest id a user class may have: 0-99 belong to the built-in table ({@link BuiltInRegistrations}). */
    public static final int MIN_USER_ID = 100;
    /** The largest id a user class may have (Kryo writes {@code id + 2} as a positive varint). */
    public static final int MAX_USER_ID = (1 << 30) - 1;

    /** Which classes a JVM writes and accepts; see the {@code mode} key. */
    public enum Mode
    {
        /** Only registered classes are written and read. */
        STRICT,
        /** Registered classes go by id, any other class by name. */
        CLASS_NAME
    }

    private final Mode mode;
    private final Map<Class<?>, Integer> classes;
    private final List<String> skippedClassNames;
    private final int initialBufferSize;
    private final int maxBufferSize;
    private final int poolSize;
    private final int maxDepth;

    private KryoSettings(
        final Mode mode,
        final Map<Class<?>, Integer> classes,
        final List<String> skippedClassNames,
        final int initialBufferSize,
        final int maxBufferSize,
        final int poolSize,
        final int maxDepth)
    {
        this.mode = mode;
        this.classes = classes;
        this.skippedClassNames = skippedClassNames;
        this.initialBufferSize = initialBufferSize;
        this.maxBufferSize = maxBufferSize;
        this.poolSize = poolSize;
        this.maxDepth = maxDepth;
    }

    /**
     * Reads and validates the settings.
     *
     * @param config      the whole configuration (the settings are read from {@link #ROOT}).
     * @param classLoader loads the registered classes (use the ActorSystem's dynamic access class loader).
     * @return the validated settings.
     * @throws ShmConfigurationException if a key is missing or a value is invalid; the message names the key and
     *                                   value.
     */
    public static KryoSettings fromConfig(final Config config, final ClassLoader classLoader)
    {
        final SettingsReader r = new SettingsReader(config.getConfig(ROOT), ROOT);

        final String modeName = r.string("mode");
        final Mode mode = switch (modeName)
        {
            case "strict" -> Mode.STRICT;
            case "class-name" -> Mode.CLASS_NAME;
            default -> throw r.reject("mode", modeName, "is not a mode; use 'strict' or 'class-name'");
        };

        final int initialBufferSize = (int)r.bytesInRange("initial-buffer-size", 1, Integer.MAX_VALUE - 8);
        final int maxBufferSize = (int)r.bytesInRange("max-buffer-size", initialBufferSize, Integer.MAX_VALUE - 8);
        final int poolSize = r.intInRange("pool-size", 1, Integer.MAX_VALUE);
        final int maxDepth = r.intInRange("max-depth", 1, Integer.MAX_VALUE);

        final List<String> skipped = new ArrayList<>();
        final Map<Class<?>, Integer> classes = readClasses(r, mode, classLoader, skipped);

        return new KryoSettings(
            mode, classes, Collections.unmodifiableList(skipped), initialBufferSize, maxBufferSize, poolSize, maxDepth);
    }

    /** @return which classes this JVM writes and accepts. */
    public Mode mode()
    {
        return mode;
    }

    /** @return registered user classes and their ids, ordered by id; unmodifiable. */
    public Map<Class<?>, Integer> classes()
    {
        return classes;
    }

    /** @return class names listed in {@code classes} but missing from the classpath (class-name mode only). */
    public List<String> skippedClassNames()
    {
        return skippedClassNames;
    }

    /** @return initial size in bytes of a pooled array-path output buffer. */
    public int initialBufferSize()
    {
        return initialBufferSize;
    }

    /** @return the largest payload in bytes the array-based toBinary produces. */
    public int maxBufferSize()
    {
        return maxBufferSize;
    }

    /** @return how many Kryo instances and buffers the pools keep. */
    public int poolSize()
    {
        return poolSize;
    }

    /** @return the deepest object graph written or read. */
    public int maxDepth()
    {
        return maxDepth;
    }

    private static Map<Class<?>, Integer> readClasses(
        final SettingsReader r, final Mode mode, final ClassLoader classLoader, final List<String> skipped)
    {
        final ConfigObject table = r.object("classes");
        final Map<Integer, String> nameById = new HashMap<>();
        final Map<Class<?>, String> nameByClass = new HashMap<>();
        final TreeMap<Integer, Class<?>> byId = new TreeMap<>();

        for (final Map.Entry<String, ConfigValue> entry : new TreeMap<>(table).entrySet())
        {
            final String name = entry.getKey();
            final String path = "classes.\"" + name + "\"";
            final ConfigValue value = entry.getValue();
            if (value.valueType() != ConfigValueType.NUMBER || !(value.unwrapped() instanceof Integer))
            {
                throw r.reject(path, value.unwrapped(),
                    "expected an integer class id, got " + value.valueType() + " " + value.render() +
                        (value.valueType() == ConfigValueType.OBJECT ?
                        " (quote class names, which contain dots: \"com.example.Foo\" = 100)" : ""));
            }
            final int id = (Integer)value.unwrapped();
            if (id < MIN_USER_ID || id > MAX_USER_ID)
            {
                throw r.reject(path, value.unwrapped(),
                    "id " + id + " is out of range: user class ids are " + MIN_USER_ID + " to " + MAX_USER_ID +
                        " (0-" + (MIN_USER_ID - 1) + " belong to the serializer's built-in table)");
            }
            final String otherName = nameById.putIfAbsent(id, name);
            if (otherName != null)
            {
                throw r.reject(
                    path, value.unwrapped(), "id " + id + " is also given to \"" + otherName +
                    "\"; ids must be unique");
            }

            final Class<?> type;
            try
            {
                type = loadClass(name, classLoader);
            }
            catch (final ClassNotFoundException ex)
            {
                if (mode == Mode.CLASS_NAME)
                {
                    skipped.add(name);
                    continue;
                }
                throw r.reject(path, value.unwrapped(),
                    "class \"" + name + "\" is not on the classpath (mode = strict requires every listed class)", ex);
            }
            final int builtInId = BuiltInRegistrations.idOf(type);
            if (builtInId >= 0)
            {
                throw r.reject(path, value.unwrapped(),
                    "class \"" + name + "\" is in the serializer's built-in table (id " + builtInId + "); remove it");
            }
            final String sameClass = nameByClass.putIfAbsent(type, name);
            if (sameClass != null)
            {
                throw r.reject(
                    path, value.unwrapped(),
                    "\"" + name + "\" is the same class as \"" + sameClass + "\"; list it once");
            }
            byId.put(id, type);
        }

        final Map<Class<?>, Integer> classes = new LinkedHashMap<>();
        byId.forEach((id, type) -> classes.put(type, id));
        return Collections.unmodifiableMap(classes);
    }

    /** Loads a class by binary name, JVM array name ({@code [Lcom.Foo;}) or source array name ({@code com.Foo[]}). */
    static Class<?> loadClass(final String name, final ClassLoader classLoader) throws ClassNotFoundException
    {
        if (name.endsWith("[]"))
        {
            final Class<?> component = loadClass(name.substring(0, name.length() - 2), classLoader);
            return Array.newInstance(component, 0).getClass();
        }
        return switch (name)
        {
            case "boolean" -> boolean.class;
            case "byte" -> byte.class;
            case "short" -> short.class;
            case "char" -> char.class;
            case "int" -> int.class;
            case "long" -> long.class;
            case "float" -> float.class;
            case "double" -> double.class;
            default -> Class.forName(name, false, classLoader);
        };
    }

    @Override
    public String toString()
    {
        return "KryoSettings{mode=" + mode + ", classes=" + classes.size() + ", initialBufferSize=" +
            initialBufferSize +
            ", maxBufferSize=" + maxBufferSize + ", poolSize=" + poolSize + ", maxDepth=" + maxDepth + '}';
    }
}
