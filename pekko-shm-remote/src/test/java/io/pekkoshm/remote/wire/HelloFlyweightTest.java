package io.pekkoshm.remote.wire;

import io.pekkoshm.remote.transport.NodeIdentity;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelloFlyweightTest
{
    private static final NodeIdentity ASCII = new NodeIdentity(
        "orders", "localhost", 2552, 0x1122334455667788L, -42L, 12345L, 1_700_000_000_123L);
    private static final NodeIdentity UTF8 = new NodeIdentity(
        "système-注文-🚀", "hôte-ホスト", 65535, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 0L);
    private static final NodeIdentity EMPTY_NAMES = new NodeIdentity("", "", 1, 0L, 0L, 0L, 0L);

    private static int write(final UnsafeBuffer buffer, final int offset, final NodeIdentity identity)
    {
        return identity.writeTo(new HelloFlyweight().wrap(buffer, offset), identity.incarnation() ^ 1);
    }

    /** Reads as the handshake does: validated first, then the identity. */
    private static NodeIdentity read(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final HelloFlyweight hello = new HelloFlyweight().wrap(buffer, offset);
        final String malformed = hello.validate(length);
        if (null != malformed)
        {
            throw new IllegalStateException(malformed);
        }
        assertEquals(length, hello.length(), "the body's lengths account for every byte of it");
        return NodeIdentity.from(hello);
    }

    /** {@return why the body is refused}, failing if it is not. */
    private static String refusal(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final String malformed = new HelloFlyweight().wrap(buffer, offset).validate(length);
        assertNotNull(malformed, "a body of " + length + " bytes is refused");
        return malformed;
    }

    private static UnsafeBuffer bufferFor(final NodeIdentity identity, final int offset)
    {
        return new UnsafeBuffer(new byte[offset + identity.helloLength() + 16]);
    }

    @Test
    void shouldRoundTripAnIdentity()
    {
        for (final NodeIdentity identity : new NodeIdentity[] { ASCII, UTF8, EMPTY_NAMES })
        {
            for (final int offset : new int[] { 0, 8, 13 })
            {
                final UnsafeBuffer buffer = bufferFor(identity, offset);
                final int written = write(buffer, offset, identity);
                assertEquals(identity, read(buffer, offset, written));
            }
        }
    }

    @Test
    void shouldRoundTripUtf8NamesByteForByte()
    {
        final UnsafeBuffer buffer = bufferFor(UTF8, 0);
        final int written = write(buffer, 0, UTF8);
        final NodeIdentity read = read(buffer, 0, written);
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
            assertEquals(identity.helloLength(), write(buffer, 5, identity), identity.toString());
        }
    }

    @Test
    void shouldNotWriteBeyondItsLength()
    {
        final int length = ASCII.helloLength();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length + 4]);
        buffer.putInt(length, 0xCAFEBABE);
        write(buffer, 0, ASCII);
        assertEquals(0xCAFEBABE, buffer.getInt(length));
    }

    @Test
    void shouldReadAtTheOffsetOfTheBodyBehindAFrameHeader()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameHeaderFlyweight.LENGTH + ASCII.helloLength()]);
        final FrameHeaderFlyweight header = new FrameHeaderFlyweight().wrap(buffer, 0);
        header.write(FrameHeaderFlyweight.HELLO_ACK, 77);
        final int written = write(buffer, header.bodyOffset(), ASCII);
        assertEquals(ASCII, read(buffer, header.bodyOffset(), written));
        assertEquals(77, header.argument());
    }

    @Test
    void shouldLayOutTheFixedFieldsLittleEndianAtTheirOffsets()
    {
        final byte[] bytes = new byte[ASCII.helloLength()];
        write(new UnsafeBuffer(bytes), 0, ASCII);
        final ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(ASCII.incarnation(), view.getLong(0));
        assertEquals(ASCII.pekkoUid(), view.getLong(8));
        assertEquals(ASCII.pid(), view.getLong(16));
        assertEquals(ASCII.processStartMillis(), view.getLong(24));
        assertEquals(ASCII.port(), view.getInt(32));
        assertEquals("orders".length(), view.getInt(36));
        assertEquals("orders", new String(bytes, 40, 6, StandardCharsets.UTF_8));
        assertEquals("localhost".length(), view.getInt(46));
        assertEquals("localhost", new String(bytes, 50, 9, StandardCharsets.UTF_8));
        assertEquals(ASCII.incarnation() ^ 1, view.getLong(59), "the addressee's incarnation after the host name");
        assertEquals(67, bytes.length);
    }

    /** The version policy: a later version may add identity fields after the host name; this one ignores them. */
    @Test
    void shouldAcceptBytesAfterTheHostNameAsFieldsOfALaterVersion()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ASCII.helloLength() + 16]);
        final HelloFlyweight hello = new HelloFlyweight().wrap(buffer, 0);
        ASCII.writeTo(hello, 77L);
        buffer.putLong(ASCII.helloLength(), 0x1122334455667788L);
        assertNull(hello.validate(buffer.capacity()));
        assertEquals(ASCII, NodeIdentity.from(hello));
        assertEquals(77L, hello.addresseeIncarnation(buffer.capacity()));
        assertEquals(ASCII.helloLength(), hello.length());
    }

    @Test
    void shouldCarryTheIncarnationOfTheNodeTheHandshakeIsFor()
    {
        final UnsafeBuffer buffer = bufferFor(UTF8, 3);
        final int length = UTF8.writeTo(new HelloFlyweight().wrap(buffer, 3), 0x0102030405060708L);
        final HelloFlyweight hello = new HelloFlyweight().wrap(buffer, 3);
        assertNull(hello.validate(length));
        assertEquals(0x0102030405060708L, hello.addresseeIncarnation(length));
    }

    /** A node of an earlier release ends its body with the host name: it names no addressee, which is not an error. */
    @Test
    void shouldReadNoAddresseeFromABodyThatEndsAfterTheHostName()
    {
        final UnsafeBuffer buffer = bufferFor(ASCII, 0);
        final int written = write(buffer, 0, ASCII);
        final int earlierRelease = written - HelloFlyweight.ADDRESSEE_INCARNATION_LENGTH;
        final HelloFlyweight hello = new HelloFlyweight().wrap(buffer, 0);
        for (int length = earlierRelease; length < written; length++)
        {
            assertNull(hello.validate(length), "a body cut inside the optional field is still an identity");
            assertEquals(0L, hello.addresseeIncarnation(length), "no addressee in " + length + " bytes");
            assertEquals(ASCII, NodeIdentity.from(hello));
        }
        assertEquals(ASCII.incarnation() ^ 1, hello.addresseeIncarnation(written));
    }

    @Test
    void shouldRejectEveryTruncatedBody()
    {
        for (final NodeIdentity identity : new NodeIdentity[] { ASCII, UTF8, EMPTY_NAMES })
        {
            final UnsafeBuffer buffer = bufferFor(identity, 0);
            final int written = write(buffer, 0, identity) - HelloFlyweight.ADDRESSEE_INCARNATION_LENGTH;
            for (int length = 0; length < written; length++)
            {
                final int truncated = length;
                refusal(buffer, 0, truncated);
            }
        }
    }

    @Test
    void shouldRejectNegativeSystemNameLength()
    {
        final UnsafeBuffer buffer = bufferFor(ASCII, 0);
        final int written = write(buffer, 0, ASCII);
        buffer.putInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET, -1);
        final String refusal = refusal(buffer, 0, written);
        assertTrue(refusal.contains("-1"), refusal);
    }

    @Test
    void shouldRejectOversizedSystemNameLength()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        write(buffer, 0, ASCII);
        buffer.putInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET, HelloFlyweight.MAX_NAME_LENGTH + 1);
        refusal(buffer, 0, 4096);
        buffer.putInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET, Integer.MAX_VALUE);
        refusal(buffer, 0, 4096);
    }

    @Test
    void shouldRejectNegativeHostNameLength()
    {
        final UnsafeBuffer buffer = bufferFor(ASCII, 0);
        final int written = write(buffer, 0, ASCII);
        final int hostLengthOffset = HelloFlyweight.SYSTEM_OFFSET + buffer.getInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET);
        buffer.putInt(hostLengthOffset, Integer.MIN_VALUE);
        refusal(buffer, 0, written);
    }

    @Test
    void shouldRejectOversizedHostNameLength()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        write(buffer, 0, ASCII);
        final int hostLengthOffset = HelloFlyweight.SYSTEM_OFFSET + buffer.getInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET);
        buffer.putInt(hostLengthOffset, HelloFlyweight.MAX_NAME_LENGTH + 1);
        refusal(buffer, 0, 4096);
    }

    @Test
    void shouldRejectHostNameLengthBeyondTheBody()
    {
        final UnsafeBuffer buffer = bufferFor(ASCII, 0);
        final int written = write(buffer, 0, ASCII);
        final int hostLengthOffset = HelloFlyweight.SYSTEM_OFFSET + buffer.getInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET);
        final int pastTheBody = HelloFlyweight.ADDRESSEE_INCARNATION_LENGTH + 1;
        buffer.putInt(hostLengthOffset, buffer.getInt(hostLengthOffset) + pastTheBody);
        refusal(buffer, 0, written);
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
        final int written = write(buffer, 0, ASCII);
        buffer.putInt(HelloFlyweight.PORT_OFFSET, port);
        final String refusal = refusal(buffer, 0, written);
        assertTrue(refusal.contains(Integer.toString(port)), refusal);
    }

    @Test
    void shouldRefuseToWriteANameLongerThanTheLimit()
    {
        final String longName = "x".repeat(HelloFlyweight.MAX_NAME_LENGTH + 1);
        final NodeIdentity tooLong = new NodeIdentity(longName, "localhost", 2552, 0, 0, 0, 0);
        assertThrows(IllegalArgumentException.class,
            () -> write(new UnsafeBuffer(new byte[1024]), 0, tooLong));
        final NodeIdentity longestAllowed =
            new NodeIdentity("y".repeat(HelloFlyweight.MAX_NAME_LENGTH), "localhost", 2552, 0, 0, 0, 0);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final int written = write(buffer, 0, longestAllowed);
        assertEquals(longestAllowed, read(buffer, 0, written));
    }

    @Test
    void shouldRefuseANameOfFewCharactersButTooManyUtf8Bytes()
    {
        final String multiByte = "é".repeat(HelloFlyweight.MAX_NAME_LENGTH / 2 + 1);
        assertTrue(multiByte.length() <= HelloFlyweight.MAX_NAME_LENGTH);
        final NodeIdentity identity = new NodeIdentity("s", multiByte, 2552, 0, 0, 0, 0);
        assertThrows(IllegalArgumentException.class,
            () -> write(new UnsafeBuffer(new byte[1024]), 0, identity));
    }
}
