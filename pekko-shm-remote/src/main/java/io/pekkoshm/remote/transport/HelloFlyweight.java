package io.pekkoshm.remote.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The body of HELLO and HELLO_ACK frames: the sender's {@link NodeIdentity}. Follows the {@link FrameHeader}.
 * <pre>
 *   0                                                               8
 *   +---------------------------------------------------------------+
 *   |                       incarnation (int64)                     |
 *   +---------------------------------------------------------------+
 *   |                       pekko uid (int64)                       |
 *   +---------------------------------------------------------------+
 *   |                       pid (int64)                             |
 *   +---------------------------------------------------------------+
 *   |                       process start, epoch ms (int64)         |
 *   +-------------------------------+-------------------------------+
 *   |            port (int32)       |     system length (int32)     |
 *   +-------------------------------+-------------------------------+
 *   |   system name, UTF-8 ...      |     host length (int32)       |
 *   +-------------------------------+-------------------------------+
 *   |   host name, UTF-8 ...
 * </pre>
 * Offsets are relative to the start of the body. Names are at most {@link #MAX_NAME_LENGTH} bytes.
 */
public final class HelloFlyweight
{
    /** Offset of the node's incarnation, int64. */
    public static final int INCARNATION_OFFSET = 0;
    /** Offset of the actor system's uid, int64. */
    public static final int PEKKO_UID_OFFSET = 8;
    /** Offset of the node's process id, int64. */
    public static final int PID_OFFSET = 16;
    /** Offset of the node's process start time, epoch milliseconds, int64. */
    public static final int PROCESS_START_OFFSET = 24;
    /** Offset of the node's port, int32 (1 to 65535). */
    public static final int PORT_OFFSET = 32;
    /** Offset of the system name's length in bytes, int32. */
    public static final int SYSTEM_LENGTH_OFFSET = 36;
    /** Offset of the system name's UTF-8 bytes; the host name's length and bytes follow them. */
    public static final int SYSTEM_OFFSET = 40;
    /** The longest system or host name, in UTF-8 bytes. */
    public static final int MAX_NAME_LENGTH = 255;

    private HelloFlyweight()
    {
    }

    /**
     * {@return the body's length in bytes for an identity}
     *
     * @param identity the identity to be written.
     */
    public static int length(final NodeIdentity identity)
    {
        return SYSTEM_OFFSET + utf8(identity.system()).length + 4 + utf8(identity.host()).length;
    }

    /**
     * {@return the body for an identity, as a new array}
     *
     * @param identity the identity to encode.
     * @throws IllegalArgumentException if a name is longer than {@link #MAX_NAME_LENGTH} bytes.
     */
    public static byte[] encode(final NodeIdentity identity)
    {
        final byte[] body = new byte[length(identity)];
        write(new org.agrona.concurrent.UnsafeBuffer(body), 0, identity);
        return body;
    }

    /**
     * Writes the body for an identity.
     *
     * @param buffer   where the frame is being built; needs {@link #length(NodeIdentity)} bytes at {@code offset}.
     * @param offset   where the body starts (after the {@link FrameHeader}).
     * @param identity the identity to write.
     * @return the body's length in bytes.
     * @throws IllegalArgumentException if a name is longer than {@link #MAX_NAME_LENGTH} bytes.
     */
    public static int write(final MutableDirectBuffer buffer, final int offset, final NodeIdentity identity)
    {
        final byte[] system = checked(utf8(identity.system()), "system name");
        final byte[] host = checked(utf8(identity.host()), "host name");
        buffer.putLong(offset + INCARNATION_OFFSET, identity.incarnation());
        buffer.putLong(offset + PEKKO_UID_OFFSET, identity.pekkoUid());
        buffer.putLong(offset + PID_OFFSET, identity.pid());
        buffer.putLong(offset + PROCESS_START_OFFSET, identity.processStartMillis());
        buffer.putInt(offset + PORT_OFFSET, identity.port());
        buffer.putInt(offset + SYSTEM_LENGTH_OFFSET, system.length);
        buffer.putBytes(offset + SYSTEM_OFFSET, system);
        final int hostLengthOffset = offset + SYSTEM_OFFSET + system.length;
        buffer.putInt(hostLengthOffset, host.length);
        buffer.putBytes(hostLengthOffset + 4, host);
        return hostLengthOffset + 4 + host.length - offset;
    }

    /**
     * Reads a body, checking its name lengths against the body and its port against 1 to 65535 (the bytes come from
     * a peer, and are not trusted).
     *
     * @param buffer the frame's buffer.
     * @param offset where the body starts.
     * @param length the body's length in bytes.
     * @return the identity the body holds.
     * @throws MalformedFrameException if the lengths inside do not fit the body, or the port is out of range.
     */
    public static NodeIdentity read(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < SYSTEM_OFFSET + 4)
        {
            throw new MalformedFrameException("handshake body of " + length + " bytes is too short");
        }
        final int systemLength = buffer.getInt(offset + SYSTEM_LENGTH_OFFSET);
        if (systemLength < 0 || systemLength > MAX_NAME_LENGTH || SYSTEM_OFFSET + systemLength + 4 > length)
        {
            throw new MalformedFrameException("handshake system name length " + systemLength + " does not fit");
        }
        final int hostLengthOffset = offset + SYSTEM_OFFSET + systemLength;
        final int hostLength = buffer.getInt(hostLengthOffset);
        if (hostLength < 0 || hostLength > MAX_NAME_LENGTH || SYSTEM_OFFSET + systemLength + 4 + hostLength > length)
        {
            throw new MalformedFrameException("handshake host name length " + hostLength + " does not fit");
        }
        final int port = buffer.getInt(offset + PORT_OFFSET);
        if (port <= 0 || port > 65535)
        {
            throw new MalformedFrameException("handshake port " + port + " is out of range");
        }
        return new NodeIdentity(
            buffer.getStringWithoutLengthUtf8(offset + SYSTEM_OFFSET, systemLength),
            buffer.getStringWithoutLengthUtf8(hostLengthOffset + 4, hostLength),
            port,
            buffer.getLong(offset + INCARNATION_OFFSET),
            buffer.getLong(offset + PEKKO_UID_OFFSET),
            buffer.getLong(offset + PID_OFFSET),
            buffer.getLong(offset + PROCESS_START_OFFSET));
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] checked(final byte[] bytes, final String what)
    {
        if (bytes.length > MAX_NAME_LENGTH)
        {
            throw new IllegalArgumentException(what + " longer than " + MAX_NAME_LENGTH + " bytes");
        }
        return bytes;
    }
}
