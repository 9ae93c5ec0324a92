package io.pekkoshm.remote.wire;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameHeaderFlyweightTest
{
    private static final List<Byte> TYPES = List.of(
        FrameHeaderFlyweight.HELLO, FrameHeaderFlyweight.HELLO_ACK, FrameHeaderFlyweight.DATA,
        FrameHeaderFlyweight.BATCH, FrameHeaderFlyweight.HEARTBEAT, FrameHeaderFlyweight.DISASSOCIATE,
        FrameHeaderFlyweight.BLOB, FrameHeaderFlyweight.DIRECT);

    private final FrameHeaderFlyweight writer = new FrameHeaderFlyweight();
    private final FrameHeaderFlyweight reader = new FrameHeaderFlyweight();

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
                    writer.wrap(buffer, offset).write(type, argument);
                    reader.wrap((DirectBuffer)buffer, offset);
                    assertEquals(FrameHeaderFlyweight.VERSION, reader.version());
                    assertEquals(type, reader.type());
                    assertEquals(argument, reader.argument());
                    assertEquals(offset + FrameHeaderFlyweight.LENGTH, reader.bodyOffset());
                }
            }
        }
    }

    @Test
    void shouldCarryHandshakeFlagsAndZeroThemInOtherFrames()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameHeaderFlyweight.LENGTH]);
        writer.wrap(buffer, 0).write(FrameHeaderFlyweight.HELLO, 0, FrameHeaderFlyweight.FLAG_DIRECT);
        assertEquals(FrameHeaderFlyweight.FLAG_DIRECT, reader.wrap(buffer, 0).flags());
        assertTrue(reader.isDirectFlagSet());
        writer.write(FrameHeaderFlyweight.DATA, 0);
        assertEquals(0, reader.flags());
        assertFalse(reader.isDirectFlagSet());
    }

    /** The version policy: flag bits a node does not know are capabilities of a newer peer, and are ignored. */
    @Test
    void shouldReadTheDirectFlagIgnoringFlagBitsThisVersionDoesNotKnow()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameHeaderFlyweight.LENGTH]);
        writer.wrap(buffer, 0).write(FrameHeaderFlyweight.HELLO, 0, (short)0x7ffe);
        assertFalse(reader.wrap(buffer, 0).isDirectFlagSet());
        writer.flags((short)(0x8000 | FrameHeaderFlyweight.FLAG_DIRECT));
        assertTrue(reader.isDirectFlagSet());
    }

    @Test
    void shouldPutVersionFirstAndZeroTheFlags()
    {
        final byte[] bytes = new byte[FrameHeaderFlyweight.LENGTH];
        Arrays.fill(bytes, (byte)0x7f);
        writer.wrap(new UnsafeBuffer(bytes), 0).write(FrameHeaderFlyweight.BATCH, 0x01020304);
        assertEquals(FrameHeaderFlyweight.VERSION, bytes[0]);
        assertEquals(FrameHeaderFlyweight.BATCH, bytes[1]);
        assertEquals(0, bytes[2]);
        assertEquals(0, bytes[3]);
        assertEquals(0x01020304, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
            .getInt(FrameHeaderFlyweight.ARGUMENT_OFFSET), "the argument is little-endian, as the layout says");
    }

    @Test
    void shouldWriteTheBytesOfVersionThreeExactly()
    {
        final byte[] bytes = new byte[FrameHeaderFlyweight.LENGTH];
        writer.wrap(new UnsafeBuffer(bytes), 0).write(FrameHeaderFlyweight.HELLO_ACK, 0x0A0B0C0D,
            FrameHeaderFlyweight.FLAG_DIRECT);
        assertEquals(List.of(3, 2, 1, 0, 0x0D, 0x0C, 0x0B, 0x0A), toList(bytes));
    }

    @Test
    void shouldWriteExactlyEightBytes()
    {
        final byte[] bytes = new byte[FrameHeaderFlyweight.LENGTH + 2];
        bytes[FrameHeaderFlyweight.LENGTH] = 42;
        bytes[FrameHeaderFlyweight.LENGTH + 1] = 43;
        writer.wrap(new UnsafeBuffer(bytes), 0).write(FrameHeaderFlyweight.DATA, -1);
        assertEquals(42, bytes[FrameHeaderFlyweight.LENGTH]);
        assertEquals(43, bytes[FrameHeaderFlyweight.LENGTH + 1]);
    }

    @Test
    void shouldHaveDistinctTypesAndNameEachOne()
    {
        final Set<Byte> distinct = new HashSet<>(TYPES);
        assertEquals(TYPES.size(), distinct.size());
        final Set<String> names = new HashSet<>();
        for (final byte type : TYPES)
        {
            final String name = FrameHeaderFlyweight.typeName(type);
            assertTrue(!name.startsWith("UNKNOWN"), name);
            names.add(name);
        }
        assertEquals(TYPES.size(), names.size());
        assertEquals("UNKNOWN(99)", FrameHeaderFlyweight.typeName((byte)99));
    }

    static List<Integer> toList(final byte[] bytes)
    {
        final Integer[] values = new Integer[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            values[i] = bytes[i] & 0xFF;
        }
        return List.of(values);
    }
}
