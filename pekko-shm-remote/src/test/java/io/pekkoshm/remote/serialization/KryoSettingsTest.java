package io.pekkoshm.remote.serialization;

import io.pekkoshm.remote.ShmConfigurationException;
import io.pekkoshm.remote.serialization.TestMessages.Apple;
import io.pekkoshm.remote.serialization.TestMessages.Point;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings are read once and every bad value fails eagerly, naming the key and the value. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KryoSettingsTest
{
    private static final String POINT = Point.class.getName();
    private static final String APPLE = Apple.class.getName();

    private static KryoSettings settings(final String... config)
    {
        return KryoSettings.fromConfig(KryoTestSystems.config(config), KryoSettingsTest.class.getClassLoader());
    }

    private static void assertRejected(final String expectedKey, final String expectedText, final String... config)
    {
        final ShmConfigurationException ex = assertThrows(ShmConfigurationException.class, () -> settings(config));
        assertTrue(ex.getMessage().contains(expectedKey), () -> "expected key [" + expectedKey + "] in: " +
            ex.getMessage());
        assertTrue(ex.getMessage().contains(expectedText),
            () -> "expected [" + expectedText + "] in: " + ex.getMessage());
    }

    @Test
    void shouldReadDefaults()
    {
        final KryoSettings s = settings();
        assertEquals(KryoSettings.Mode.STRICT, s.mode());
        assertEquals(Map.of(), s.classes());
        assertEquals(4096, s.initialBufferSize());
        assertEquals(16 * 1024 * 1024, s.maxBufferSize());
        assertEquals(32, s.poolSize());
        assertEquals(256, s.maxDepth());
    }

    @Test
    void shouldReadClassesOrderedByIdIncludingArrays()
    {
        final KryoSettings s = settings("pekko.remote.shm.kryo.classes { \"" + APPLE + "\" = 201, \"" + POINT +
            "\" = 200," +
            " \"" + POINT + "[]\" = 202, \"long[][]\" = 203, \"[L" + APPLE + ";\" = 204 }");
        assertEquals(List.of(Point.class, Apple.class, Point[].class, long[][].class, Apple[].class),
            List.copyOf(s.classes().keySet()));
        assertEquals(List.of(200, 201, 202, 203, 204), List.copyOf(s.classes().values()));
    }

    @Test
    void shouldRejectDuplicateId()
    {
        assertRejected("pekko.remote.shm.kryo.classes", "id 150 is also given to",
            "pekko.remote.shm.kryo.classes { \"" + APPLE + "\" = 150, \"" + POINT + "\" = 150 }");
    }

    @Test
    void shouldRejectIdOutOfRange()
    {
        assertRejected("pekko.remote.shm.kryo.classes.\"" + POINT + "\"", "id 99 is out of range",
            "pekko.remote.shm.kryo.classes { \"" + POINT + "\" = 99 }");
        assertRejected("pekko.remote.shm.kryo.classes.\"" + POINT + "\"", "id 1073741824 is out of range",
            "pekko.remote.shm.kryo.classes { \"" + POINT + "\" = 1073741824 }");
        assertRejected("pekko.remote.shm.kryo.classes.\"" + POINT + "\"", "expected an integer class id",
            "pekko.remote.shm.kryo.classes { \"" + POINT + "\" = 1.5 }");
    }

    @Test
    void shouldRejectMissingClassInStrictMode()
    {
        assertRejected("pekko.remote.shm.kryo.classes.\"com.example.Missing\"",
            "class \"com.example.Missing\" is not on the classpath",
            "pekko.remote.shm.kryo.classes { \"com.example.Missing\" = 150 }");
    }

    @Test
    void shouldSkipMissingClassInClassNameMode()
    {
        final KryoSettings s = settings("pekko.remote.shm.kryo.mode = class-name",
            "pekko.remote.shm.kryo.classes { \"com.example.Missing\" = 150, \"" + POINT + "\" = 151 }");
        assertEquals(List.of("com.example.Missing"), s.skippedClassNames());
        assertEquals(Map.of(Point.class, 151), s.classes());
    }

    @Test
    void shouldRejectUnquotedClassName()
    {
        assertRejected("pekko.remote.shm.kryo.classes.\"com\"", "quote class names",
            "pekko.remote.shm.kryo.classes { com.example.Foo = 150 }");
    }

    @Test
    void shouldRejectBuiltInAndRepeatedClasses()
    {
        assertRejected("pekko.remote.shm.kryo.classes.\"java.util.ArrayList\"", "built-in table (id 20)",
            "pekko.remote.shm.kryo.classes { \"java.util.ArrayList\" = 150 }");
        assertRejected("pekko.remote.shm.kryo.classes.\"java.lang.Integer\"", "built-in table (id 0)",
            "pekko.remote.shm.kryo.classes { \"java.lang.Integer\" = 150 }");
        assertRejected("pekko.remote.shm.kryo.classes", "is the same class as",
            "pekko.remote.shm.kryo.classes { \"" + POINT + "[]\" = 150, \"[L" + POINT + ";\" = 151 }");
    }

    @Test
    void shouldRejectBadModeAndSizes()
    {
        assertRejected("pekko.remote.shm.kryo.mode = \"lenient\"", "is not a mode",
            "pekko.remote.shm.kryo.mode = lenient");
        assertRejected("pekko.remote.shm.kryo.pool-size = 0", "must be from 1", "pekko.remote.shm.kryo.pool-size = 0");
        assertRejected("pekko.remote.shm.kryo.max-depth = \"deep\"", "must be a whole number",
            "pekko.remote.shm.kryo.max-depth = deep");
        assertRejected("pekko.remote.shm.kryo.max-buffer-size", "out of range",
            "pekko.remote.shm.kryo.initial-buffer-size = 8 KiB", "pekko.remote.shm.kryo.max-buffer-size = 4 KiB");
        assertRejected("pekko.remote.shm.kryo.initial-buffer-size = \"big\"", "must be a size in bytes",
            "pekko.remote.shm.kryo.initial-buffer-size = big");
    }

    @Test
    void shouldFailActorSystemStartOnBadSettings()
    {
        final Throwable ex = assertThrows(Throwable.class, () ->
        {
            final ActorSystem system = ActorSystem.create("bad", KryoTestSystems.config(
                KryoTestSystems.LOCAL, "pekko.remote.shm.kryo.classes { \"com.example.Missing\" = 150 }"));
            system.terminate();
        });
        Throwable cause = ex;
        while (cause.getCause() != null && !(cause instanceof ShmConfigurationException))
        {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("com.example.Missing"), cause::toString);
    }
}
