package io.pekkoshm.remote.transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameHeaderTest
{
    private static final List<Byte> TYPES = List.of(
        FrameHeader.HELLO, FrameHeader.HELLO_ACK, FrameHeader.DATA, FrameHeader.BATCH, FrameHeader.HEARTBEAT,
        FrameHeader.DISASSOCIATE, FrameHeader.BLOB, FrameHeader.DIRECT);

    @Test
    void shouldRoundTripEveryFrameType()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        for (final int offset : new int[] { 0, 3, 40 })
        {
            for (final byte type : TYPES)
            {
                for (final int argument : new int[] { 0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x12345678 })
                {
                    FrameHeader.write(buffer, offset, type, argument);
                    assertEquals(FrameHeader.VERSION, FrameHeader.version(buffer, offset));
                    assertEquals(type, FrameHeader.type(buffer, offset));
                    assertEquals(argument, FrameHeader.argument(buffer, offset));
                }
            }
        }
    }

    @Test
    void shouldCarryHandshakeFlagsAndZeroThemInOtherFrames()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameHeader.LENGTH]);
        FrameHeader.write(buffer, 0, FrameHeader.HELLO, 0, FrameHeader.FLAG_DIRECT);
        assertEquals(FrameHeader.FLAG_DIRECT, FrameHeader.flags(buffer, 0));
        FrameHeader.write(buffer, 0, FrameHeader.DATA, 0);
        assertEquals(0, FrameHeader.flags(buffer, 0));
    }

    @Test
    void shouldPutVersionFirstAndZeroTheFlags()
    {
        final byte[] bytes = new byte[FrameHeader.LENGTH];
        java.util.Arrays.fill(bytes, (byte)0x7f);
        FrameHeader.write(new UnsafeBuffer(bytes), 0, FrameHeader.BATCH, 0x01020304);
        assertEquals(FrameHeader.VERSION, bytes[0]);
        assertEquals(FrameHeader.BATCH, bytes[1]);
        assertEquals(0, bytes[2]);
        assertEquals(0, bytes[3]);
        assertEquals(0x01020304, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(FrameHeader.ARGUMENT_OFFSET),
            "the argument is little-endian, as the layout says");
    }

    @Test
    void shouldWriteExactlyEightBytes()
    {
        final byte[] bytes = new byte[FrameHeader.LENGTH + 2];
        bytes[FrameHeader.LENGTH] = 42;
        bytes[FrameHeader.LENGTH + 1] = 43;
        FrameHeader.write(new UnsafeBuffer(bytes), 0, FrameHeader.DATA, -1);
        assertEquals(42, bytes[FrameHeader.LENGTH]);
        assertEquals(43, bytes[FrameHeader.LENGTH + 1]);
    }

    @Test
    void shouldHaveDistinctTypesAndNameEachOne()
    {
        final Set<Byte> distinct = new HashSet<>(TYPES);
        assertEquals(TYPES.size(), distinct.size());
        final Set<String> names = new HashSet<>();
        for (final byte type : TYPES)
        {
            final String name = FrameHeader.typeName(type);
            assertTrue(!name.startsWith("UNKNOWN"), name);
            names.add(name);
        }
        assertEquals(TYPES.size(), names.size());
        assertEquals("UNKNOWN(99)", FrameHeader.typeName((byte)99));
    }
}
