package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.io.Output;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.NotSerializableException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Payloads crafted by a peer that does not play by the rules fail cleanly, without loading or allocating much. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KryoHostileInputTest
{
    private static final KryoTestSystems SYSTEMS = new KryoTestSystems();
    private static KryoSerializer kryo;

    @BeforeAll
    static void start()
    {
        final ActorSystem system = SYSTEMS.start("hostile", KryoTestSystems.LOCAL, TestMessages.classesConfig());
        kryo = KryoTestSystems.kryo(system);
    }

    @AfterAll
    static void stop()
    {
        SYSTEMS.close();
    }

    private static byte[] payload(final int classId, final Consumer<Output> body)
    {
        final Output output = new Output(64);
        output.writeVarInt(classId + 2, true);
        body.accept(output);
        return output.toBytes();
    }

    private static NotSerializableException rejected(final byte[] bytes)
    {
        return assertThrows(NotSerializableException.class, () -> kryo.fromBinary(bytes, KryoSerializer.MANIFEST));
    }

    @Test
    void shouldRejectCraftedHugeLengthsWithoutAllocatingForThem()
    {
        final int huge = Integer.MAX_VALUE - 1;
        final List<byte[]> payloads = List.of(
            payload(1, o -> o.writeVarIntFlag(true, huge, true)),                    // UTF-8 String
            payload(10, o -> o.writeVarInt(huge, true)),                             // byte[]
            payload(13, o -> o.writeVarInt(huge, true)),                             // int[]
            payload(16, o -> o.writeVarInt(huge, true)),                             // double[]
            payload(18, o -> o.writeVarInt(huge, true)),                             // String[]
            payload(19, o -> o.writeVarInt(huge, true)),                             // Object[]
            payload(20, o -> o.writeVarIntFlag(false, huge, true)),                  // ArrayList
            payload(23, o -> o.writeVarInt(huge, true)),                             // HashMap
            payload(26, o -> o.writeVarIntFlag(false, huge, true)),                  // HashSet
            payload(40, o -> o.writeVarInt(huge, true)),                             // List.of
            payload(45, o -> o.writeVarInt(huge, true)));                            // Map.of
        for (final byte[] bytes : payloads)
        {
            final NotSerializableException ex = rejected(bytes);
            assertTrue(ex.getMessage().contains("Corrupt payload") && ex.getMessage().contains("items announced"),
                ex.getMessage());
        }
    }

    @Test
    void shouldRejectClassNameInStrictModeWithoutLoadingIt()
    {
        final byte[] bytes = payload(-1, o ->
        {
            o.writeVarInt(0, true); // name id
            o.writeString("com.example.evil.Gadget");
        });
        final NotSerializableException ex = rejected(bytes);
        assertTrue(ex.getMessage().contains("names class com.example.evil.Gadget"), ex.getMessage());
        assertTrue(ex.getMessage().contains("the class was not loaded"), ex.getMessage());
        assertFalse(ex.getMessage().contains("Unable to find class"), ex.getMessage());
    }

    @Test
    void shouldRejectUnknownAndBuiltInGapIds()
    {
        assertTrue(rejected(payload(99, o -> { }))
            .getMessage().contains("Class id 99 is not in this JVM's built-in table"));
        assertTrue(rejected(payload(5000, o -> { })).getMessage().contains("Class id 5000 is not registered"));
    }

    @Test
    void shouldRejectWrongFingerprintForRegisteredId()
    {
        // Point (id 102) with a fingerprint that is not Point's.
        final int fingerprint = ClassFingerprint.hash(ClassFingerprint.describe(TestMessages.Point.class));
        final byte[] bytes = payload(102, o ->
        {
            o.writeInt(fingerprint ^ 1);
            o.writeVarInt(1, false);
            o.writeVarInt(2, false);
        });
        final NotSerializableException ex = rejected(bytes);
        assertTrue(ex.getMessage().contains("Class id 102") && ex.getMessage().contains("$Point"), ex.getMessage());
    }
}
