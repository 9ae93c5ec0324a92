package io.pekkoshm.remote.transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelloFlyweightTest
{
    private static final NodeIdentity ASCII = new NodeIdentity(
        "orders", "localhost", 2552, 0x1122334455667788L, -42L, 12345L, 1_700_000_000_123L);
    private static final NodeIdentity UTF8 = new NodeIdentity(
        "système-注文-🚀", "hôte-ホスト", 65535, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 0L);
    private static final NodeIdentity EMPTY_NAMES = new NodeIdentity("", "", 1, 0L, 0L, 0L, 0L);

    private static UnsafeBuffer bufferFor(final NodeIdentity identity, final int offset)
    {
        return new UnsafeBuffer(new byte[offset + HelloFlyweight.length(identity) + 16]);
    }

    @Test
    void shouldRoundTripAnIdentity()
    {
        for (final NodeIdentity identity : new NodeIdentity[] { ASCII, UTF8, EMPTY_NAMES })
        {
            for (final int offset : new int[] { 0, 8, 13 })
            {
                final UnsafeBuffer buffer = bufferFor(identity, offset);
                final int written = HelloFlyweight.write(buffer, offset, identity);
                assertEquals(identity, HelloFlyweight.read(buffer, offset, written));
            }
        }
    }

    @Test
    void shouldRoundTripUtf8NamesByteForByte()
    {
        final UnsafeBuffer buffer = bufferFor(UTF8, 0);
        final int written = HelloFlyweight.write(buffer, 0, UTF8);
        final NodeIdentity read = HelloFlyweight.read(buffer, 0, written);
        assertEquals(UTF8.system(), read.system());
        assertEquals(UTF8.host(), read.host());
        assertEquals(UTF8.system().getBytes(StandardCharsets.UTF_8).length,
            buffer.getInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET), "name lengths are in UTF-8 bytes, not chars");
    }

    @Test
    void shouldReportLengthEqualToTheBytesWritten()
    {
        for (final NodeIdentity identity : new NodeIdentity[] { ASCII, UTF8, EMPTY_NAMES })
        {
            final UnsafeBuffer buffer = bufferFor(identity, 5);
            assertEquals(HelloFlyweight.length(identity), HelloFlyweight.write(buffer, 5, identity), identity.toString());
        }
    }

    @Test
    void shouldNotWriteBeyondItsLength()
    {
        final int length = HelloFlyweight.length(ASCII);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length + 4]);
        buffer.putInt(length, 0xCAFEBABE);
        HelloFlyweight.write(buffer, 0, ASCII);
        assertEquals(0xCAFEBABE, buffer.getInt(length));
    }

    @Test
    void shouldReadAtTheOffsetOfTheBodyBehindAFrameHeader()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameHeader.LENGTH + HelloFlyweight.length(ASCII)]);
        FrameHeader.write(buffer, 0, FrameHeader.HELLO_ACK, 77);
        final int written = HelloFlyweight.write(buffer, FrameHeader.LENGTH, ASCII);
        assertEquals(ASCII, HelloFlyweight.read(buffer, FrameHeader.LENGTH, written));
        assertEquals(77, FrameHeader.argument(buffer, 0));
    }

    @Test
    void shouldRejectEveryTruncatedBody()
    {
        for (final NodeIdentity identity : new NodeIdentity[] { ASCII, UTF8, EMPTY_NAMES })
        {
            final UnsafeBuffer buffer = bufferFor(identity, 0);
            final int written = HelloFlyweight.write(buffer, 0, identity);
            for (int length = 0; length < written; length++)
            {
                final int truncated = length;
                assertThrows(MalformedFrameException.class, () -> HelloFlyweight.read(buffer, 0, truncated),
                    "body of " + truncated + " of " + written + " bytes");
            }
        }
    }

    @Test
    void shouldRejectNegativeSystemNameLength()
    {
        final UnsafeBuffer buffer = bufferFor(ASCII, 0);
        final int written = HelloFlyweight.write(buffer, 0, ASCII);
        buffer.putInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET, -1);
        final MalformedFrameException ex =
            assertThrows(MalformedFrameException.class, () -> HelloFlyweight.read(buffer, 0, written));
        assertTrue(ex.getMessage().contains("-1"), ex.getMessage());
    }

    @Test
    void shouldRejectOversizedSystemNameLength()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        HelloFlyweight.write(buffer, 0, ASCII);
        buffer.putInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET, HelloFlyweight.MAX_NAME_LENGTH + 1);
        assertThrows(MalformedFrameException.class, () -> HelloFlyweight.read(buffer, 0, 4096));
        buffer.putInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET, Integer.MAX_VALUE);
        assertThrows(MalformedFrameException.class, () -> HelloFlyweight.read(buffer, 0, 4096));
    }

    @Test
    void shouldRejectNegativeHostNameLength()
    {
        final UnsafeBuffer buffer = bufferFor(ASCII, 0);
        final int written = HelloFlyweight.write(buffer, 0, ASCII);
        final int hostLengthOffset = HelloFlyweight.SYSTEM_OFFSET + buffer.getInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET);
        buffer.putInt(hostLengthOffset, Integer.MIN_VALUE);
        assertThrows(MalformedFrameException.class, () -> HelloFlyweight.read(buffer, 0, written));
    }

    @Test
    void shouldRejectOversizedHostNameLength()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        HelloFlyweight.write(buffer, 0, ASCII);
        final int hostLengthOffset = HelloFlyweight.SYSTEM_OFFSET + buffer.getInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET);
        buffer.putInt(hostLengthOffset, HelloFlyweight.MAX_NAME_LENGTH + 1);
        assertThrows(MalformedFrameException.class, () -> HelloFlyweight.read(buffer, 0, 4096));
    }

    @Test
    void shouldRejectHostNameLengthBeyondTheBody()
    {
        final UnsafeBuffer buffer = bufferFor(ASCII, 0);
        final int written = HelloFlyweight.write(buffer, 0, ASCII);
        final int hostLengthOffset = HelloFlyweight.SYSTEM_OFFSET + buffer.getInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET);
        buffer.putInt(hostLengthOffset, buffer.getInt(hostLengthOffset) + 1);
        assertThrows(MalformedFrameException.class, () -> HelloFlyweight.read(buffer, 0, written));
    }

    @Test
    void shouldRejectPortZero()
    {
        assertPortRejected(0);
    }

    @Test
    void shouldRejectPortAbove65535()
    {
        assertPortRejected(70000);
    }

    @Test
    void shouldRejectNegativePort()
    {
        assertPortRejected(-1);
    }

    private static void assertPortRejected(final int port)
    {
        final UnsafeBuffer buffer = bufferFor(ASCII, 0);
        final int written = HelloFlyweight.write(buffer, 0, ASCII);
        buffer.putInt(HelloFlyweight.PORT_OFFSET, port);
        final MalformedFrameException ex =
            assertThrows(MalformedFrameException.class, () -> HelloFlyweight.read(buffer, 0, written));
        assertTrue(ex.getMessage().contains(Integer.toString(port)), ex.getMessage());
    }

    @Test
    void shouldRefuseToWriteANameLongerThanTheLimit()
    {
        final String longName = "x".repeat(HelloFlyweight.MAX_NAME_LENGTH + 1);
        final NodeIdentity tooLong = new NodeIdentity(longName, "localhost", 2552, 0, 0, 0, 0);
        assertThrows(IllegalArgumentException.class,
            () -> HelloFlyweight.write(new UnsafeBuffer(new byte[1024]), 0, tooLong));
        final NodeIdentity longestAllowed =
            new NodeIdentity("y".repeat(HelloFlyweight.MAX_NAME_LENGTH), "localhost", 2552, 0, 0, 0, 0);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final int written = HelloFlyweight.write(buffer, 0, longestAllowed);
        assertEquals(longestAllowed, HelloFlyweight.read(buffer, 0, written));
    }

    @Test
    void shouldRefuseANameOfFewCharactersButTooManyUtf8Bytes()
    {
        final String multiByte = "é".repeat(HelloFlyweight.MAX_NAME_LENGTH / 2 + 1);
        assertTrue(multiByte.length() <= HelloFlyweight.MAX_NAME_LENGTH);
        final NodeIdentity identity = new NodeIdentity("s", multiByte, 2552, 0, 0, 0, 0);
        assertThrows(IllegalArgumentException.class,
            () -> HelloFlyweight.write(new UnsafeBuffer(new byte[1024]), 0, identity));
    }
}
