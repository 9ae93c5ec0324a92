package io.pekkoshm.remote.serialization;

import io.pekkoshm.remote.serialization.TestMessages.Apple;
import io.pekkoshm.remote.serialization.TestMessages.Box;
import io.pekkoshm.remote.serialization.TestMessages.Holder;
import io.pekkoshm.remote.serialization.TestMessages.Mood;
import io.pekkoshm.remote.serialization.TestMessages.Orange;
import io.pekkoshm.remote.serialization.TestMessages.Person;
import io.pekkoshm.remote.serialization.TestMessages.Point;
import io.pekkoshm.remote.serialization.TestMessages.Unregistered;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.NotSerializableException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strict and class-name mode, and what happens when two JVMs' registrations disagree. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KryoRegistrationTest
{
    private final KryoTestSystems systems = new KryoTestSystems();

    @AfterEach
    void stop()
    {
        systems.close();
    }

    private ActorSystem strict(final String name, final int apple, final int orange)
    {
        return systems.start(name, KryoTestSystems.LOCAL, TestMessages.classesConfig(apple, orange));
    }

    private ActorSystem classNameMode(final String name)
    {
        return systems.start(name, KryoTestSystems.LOCAL, "pekko.remote.shm.kryo.mode = class-name",
            TestMessages.classesConfig());
    }

    private static void assertMentions(final Throwable ex, final String... parts)
    {
        for (final String part : parts)
        {
            assertTrue(ex.getMessage().contains(part), () -> "expected [" + part + "] in: " + ex.getMessage());
        }
    }

    @Test
    void shouldRejectUnregisteredClassInStrictMode()
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(strict("strict", 120, 121));
        final KryoSerializationException nested = assertThrows(KryoSerializationException.class,
            () -> kryo.toBinary(new Holder("h", new Unregistered("x"))));
        assertMentions(nested, Holder.class.getName(), Unregistered.class.getName(),
            "content (" + Holder.class.getName(),
            "pekko.remote.shm.kryo.classes", "strict");

        final KryoSerializationException topLevel = assertThrows(KryoSerializationException.class,
            () -> kryo.toBinary(new Unregistered("x")));
        assertMentions(topLevel, Unregistered.class.getName(), "not registered");
    }

    @Test
    void shouldRejectClassNameInPayloadInStrictMode()
    {
        final KryoSerializer sender = KryoTestSystems.kryo(classNameMode("sender"));
        final KryoSerializer receiver = KryoTestSystems.kryo(strict("receiver", 120, 121));
        final byte[] bytes = sender.toBinary(new Holder("h", new Unregistered("x")));

        final NotSerializableException ex = assertThrows(NotSerializableException.class,
            () -> receiver.fromBinary(bytes, KryoSerializer.MANIFEST));
        assertMentions(ex, "names class " + Unregistered.class.getName(), "mode = strict", "content (");
    }

    @Test
    void shouldRoundTripUnregisteredClassesInClassNameMode() throws Exception
    {
        final ActorSystem system = classNameMode("classname");
        final Holder message = new Holder("h", List.of(new Unregistered("a"), new Unregistered("b"),
            new Box<>(new Unregistered("c"))));
        assertEquals(message, KryoRoundTripTest.roundTrip(system, message));

        final Unregistered topLevel = new Unregistered("top");
        assertEquals(topLevel, KryoRoundTripTest.roundTrip(system, topLevel));
    }

    @Test
    void shouldWriteRegisteredClassesByIdAndOthersByNameInClassNameMode()
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(classNameMode("classname"));
        final int byId = kryo.toBinary(new Apple("x")).length;
        final int byName = kryo.toBinary(new Unregistered("x")).length;
        assertEquals(1 + 4 + 2, byId, "tag, fingerprint, the string");
        assertTrue(byName > Unregistered.class.getName().length(), "the class name travels: " + byName + " bytes");
    }

    @Test
    void shouldDetectRegistrationMismatchBetweenSystems() throws Exception
    {
        final KryoSerializer a = KryoTestSystems.kryo(strict("a", 120, 121));
        final KryoSerializer b = KryoTestSystems.kryo(strict("b", 121, 120)); // Apple and Orange swapped

        final byte[] apple = a.toBinary(new Holder("fruit", new Apple("Cox")));
        final NotSerializableException ex = assertThrows(NotSerializableException.class,
            () -> b.fromBinary(apple, KryoSerializer.MANIFEST));
        assertMentions(ex, "Class id 120", Orange.class.getName(), "differ between the JVMs");

        // Classes registered alike still travel between the two.
        final Person person = new Person("Ada", 36, Mood.HAPPY, Optional.empty(), new Point(1, 2));
        assertEquals(person, b.fromBinary(a.toBinary(person), KryoSerializer.MANIFEST));
    }

    @Test
    void shouldNameUnknownIdWhenReceiverLacksRegistration()
    {
        final KryoSerializer a = KryoTestSystems.kryo(strict("a", 130, 121));
        final KryoSerializer b = KryoTestSystems.kryo(strict("b", 120, 121));
        final byte[] apple = a.toBinary(new Apple("Cox"));
        final NotSerializableException ex = assertThrows(NotSerializableException.class,
            () -> b.fromBinary(apple, KryoSerializer.MANIFEST));
        assertMentions(ex, "Class id 130 is not registered in this JVM");
    }

    @Test
    void shouldWriteFingerprintOncePerClassPerPayload()
    {
        final KryoSerializer kryo = KryoTestSystems.kryo(strict("strict", 120, 121));
        final int one = kryo.toBinary(new Holder("", List.of(new Point(1, 1)))).length;
        final int two = kryo.toBinary(new Holder("", List.of(new Point(1, 1), new Point(1, 1)))).length;
        // The second Point costs its tag (1 byte) and its two ints (1 byte each), not another fingerprint.
        assertEquals(one + 3, two);
    }

    @Test
    void shouldFingerprintClassShapeNotJustName()
    {
        final String person = ClassFingerprint.describe(Person.class);
        assertTrue(person.contains("home:" + Point.class.getName() + "(x:int;y:int;)"), person);
        assertTrue(person.contains("mood:" + Mood.class.getName() + "{HAPPY;GRUMPY;SLEEPY;}"), person);
        assertNotEquals(ClassFingerprint.hash(ClassFingerprint.describe(Apple.class)),
            ClassFingerprint.hash(ClassFingerprint.describe(Orange.class)));
        final String plain = ClassFingerprint.describe(TestMessages.PlainMessage.class);
        assertTrue(plain.contains("Base.sequence:long"), plain);
        assertTrue(!plain.contains("cache"), "transient fields are not written, so not fingerprinted: " + plain);
    }
}
