package io.pekkoshm.remote.direct;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundDeserializerTest
{
    private static ActorSystem system;
    private static Serialization serialization;

    @BeforeAll
    static void startSystem()
    {
        system = ActorSystem.create("inbound-deserializer-test");
        serialization = SerializationExtension.get(system);
    }

    @AfterAll
    static void stopSystem()
    {
        TestKit.shutdownActorSystem(system);
    }

    @Test
    void shouldDeserializeOnlyThePayloadBetweenPositionAndLimit()
    {
        final Serializer serializer = serialization.findSerializerFor("hello");
        final byte[] bytes = serializer.toBinary("hello");
        final ByteBuffer log = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
        log.position(7);
        log.put(bytes);
        log.put((byte)'!');
        log.limit(7 + bytes.length).position(7);

        final InboundDeserializer deserializer = new InboundDeserializer(serialization);

        assertEquals("hello", deserialize(deserializer, log, serializer.identifier()));
    }

    @Test
    void shouldDeserializeRepeatedlyWithTheCachedSerializer()
    {
        final Serializer serializer = serialization.findSerializerFor("again");
        final InboundDeserializer deserializer = new InboundDeserializer(serialization);

        for (int i = 0; i < 3; i++)
        {
            final ByteBuffer payload = ByteBuffer.wrap(serializer.toBinary("again " + i));
            assertEquals("again " + i, deserialize(deserializer, payload, serializer.identifier()));
        }
    }

    @Test
    void shouldRefuseASerializerIdThisNodeDoesNotHave()
    {
        final InboundDeserializer deserializer = new InboundDeserializer(serialization);

        final NotSerializableException ex = assertThrows(NotSerializableException.class,
            () -> deserializer.deserialize(ByteBuffer.allocate(1), 987_654, ""));
        assertTrue(ex.getMessage().contains("987654"), ex.getMessage());
    }

    private static Object deserialize(final InboundDeserializer deserializer, final ByteBuffer payload,
        final int serializerId)
    {
        try
        {
            return deserializer.deserialize(payload, serializerId, "");
        }
        catch (final NotSerializableException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
