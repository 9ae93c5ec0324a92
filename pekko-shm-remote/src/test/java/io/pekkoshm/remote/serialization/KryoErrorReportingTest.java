package io.pekkoshm.remote.serialization;

import io.pekkoshm.remote.serialization.TestMessages.Box;
import io.pekkoshm.remote.serialization.TestMessages.Holder;
import io.pekkoshm.remote.serialization.TestMessages.Point;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A message that cannot be serialized fails with an error naming its class and the field; the serializer goes on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KryoErrorReportingTest
{
    private final KryoTestSystems systems = new KryoTestSystems();

    @AfterEach
    void stop()
    {
        systems.close();
    }

    /** A plain class with a field Kryo cannot write: a Thread (JDK internals, not registered). */
    static final class WithThread implements KryoMessage
    {
        final String name;
        final Object worker;

        WithThread(final String name, final Object worker)
        {
            this.name = name;
            this.worker = worker;
        }
    }

    private static String classes()
    {
        return TestMessages.classesConfig().replace("}", "  \"" + WithThread.class.getName() + "\" = 140\n}");
    }

    private static void assertMentions(final Throwable ex, final String... parts)
    {
        for (final String part : parts)
        {
            assertTrue(ex.getMessage().contains(part), () -> "expected [" + part + "] in: " + ex.getMessage());
        }
    }

    @Test
    void shouldFailWithClassAndFieldNameWhenFieldNotSerializable()
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(systems.start("strict", KryoTestSystems.LOCAL, classes()));
        final Thread thread = new Thread(() -> { });

        final KryoSerializationException inPlainClass = assertThrows(KryoSerializationException.class,
            () -> kryo.toBinary(new WithThread("w", thread)));
        assertMentions(inPlainClass, "message of class " + WithThread.class.getName(), "java.lang.Thread",
            "worker (" + WithThread.class.getName() + ")");

        // Deep inside: Holder.content -> List element -> Box.value -> Thread; the trace names each step.
        final KryoSerializationException deep = assertThrows(KryoSerializationException.class,
            () -> kryo.toBinary(new Holder("deep", List.of(new Box<>(thread)))));
        assertMentions(deep, "message of class " + Holder.class.getName(), "java.lang.Thread",
            "value (" + Box.class.getName() + ")", "content (" + Holder.class.getName() + ")");
    }

    @Test
    void shouldFailWithClassAndFieldNameInClassNameModeToo()
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(systems.start("classname", KryoTestSystems.LOCAL,
            "pekko.remote.shm.kryo.mode = class-name", classes()));
        final KryoSerializationException ex = assertThrows(KryoSerializationException.class,
            () -> kryo.toBinary(new Holder("h", new Box<>(new Thread(() -> { })))));
        assertMentions(ex, "message of class " + Holder.class.getName(), "value (" + Box.class.getName() + ")");
    }

    @Test
    void shouldKeepSerializingAfterAFailure() throws Exception
    {
        final ActorSystem system = systems.start("strict", KryoTestSystems.LOCAL, classes());
        final KryoSerializer kryo = KryoTestSystems.kryo(system);
        for (int i = 0; i < 3; i++)
        {
            assertThrows(KryoSerializationException.class, () -> kryo.toBinary(new Holder("bad", new Object())));
            final ByteBuffer buffer = ByteBuffer.allocate(128);
            assertThrows(KryoSerializationException.class,
                () -> kryo.toBinary(new Holder("bad", new Object()), buffer));
            assertEquals(0, buffer.position(), "a failed write leaves the position where it was");
            final Holder good = new Holder("good", new Point(i, i));
            assertEquals(good, KryoRoundTripTest.roundTrip(system, good));
        }
        assertEquals(6, kryo.stats().writeFailures());
        assertEquals(0, kryo.stats().readFailures());
    }

    @Test
    void shouldFailWithOverflowNamingClassWhenBufferTooSmall()
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(systems.start("strict", KryoTestSystems.LOCAL, classes()));
        final Holder big = new Holder("big", "x".repeat(1000));

        final ByteBuffer small = ByteBuffer.allocate(100);
        small.position(10);
        final BufferOverflowException ex = assertThrows(BufferOverflowException.class, () -> kryo.toBinary(big, small));
        assertInstanceOf(KryoPayloadOverflowException.class, ex);
        assertMentions(ex, Holder.class.getName(), "90 bytes left");
        assertEquals(10, small.position());

        // A limit below the capacity is honoured too.
        final ByteBuffer limited = ByteBuffer.allocate(4096).limit(50);
        assertThrows(KryoPayloadOverflowException.class, () -> kryo.toBinary(big, limited));
        assertEquals(0, limited.position());
    }

    @Test
    void shouldFailWithOverflowWhenArrayPayloadExceedsMaxBufferSize()
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(systems.start("small", KryoTestSystems.LOCAL, classes(),
            "pekko.remote.shm.kryo.initial-buffer-size = 64", "pekko.remote.shm.kryo.max-buffer-size = 1 KiB"));
        final List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
        {
            numbers.add(i);
        }
        final KryoPayloadOverflowException ex = assertThrows(KryoPayloadOverflowException.class,
            () -> kryo.toBinary(new Holder("many", numbers)));
        assertMentions(ex, Holder.class.getName(), "max-buffer-size (1024 bytes)");
        final List<Integer> few = new ArrayList<>(numbers.subList(0, 10));
        assertEquals(few, ((Holder)fromBinary(kryo, kryo.toBinary(new Holder("few", few)))).content());
    }

    @Test
    void shouldRejectCyclicGraphWithMaxDepthInsteadOfOverflowingTheStack()
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(systems.start("strict", KryoTestSystems.LOCAL, classes()));
        final List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        final KryoSerializationException ex = assertThrows(KryoSerializationException.class,
            () -> kryo.toBinary(new Holder("cycle", cycle)));
        assertMentions(ex, "Max depth exceeded");
    }

    private static Object fromBinary(final KryoSerializer kryo, final byte[] bytes)
    {
        try
        {
            return kryo.fromBinary(bytes, KryoSerializer.MANIFEST);
        }
        catch (final java.io.NotSerializableException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
