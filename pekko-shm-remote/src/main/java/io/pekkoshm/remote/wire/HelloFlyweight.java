package io.pekkoshm.remote.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The body of HELLO and HELLO_ACK frames: the sender's identity, followed (outside this layout) by a 32-byte
 * HMAC-SHA256 proof keyed with the directory's secret. Little-endian; offsets are relative to the start of the body,
 * right after the {@link FrameHeaderFlyweight}.
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
 *   +---------------------------------------------------------------+
 *   |         addressee's incarnation (int64, optional)             |
 *   +---------------------------------------------------------------+
 * </pre>
 * The addressee's incarnation, right after the host name, is the incarnation of the node the frame is for as its
 * sender knows it, 0 if it does not (a node of another host). A node reads a handshake only if it names this node's
 * incarnation or none: a publication to a node that has since died can be joined by the node that replaced it on the
 * same port, and a HELLO in it is then told apart. The field was added after the host name without a new wire version
 * (a node of an earlier release ignores it; a body without it names no addressee).
 * Names are at most {@link #MAX_NAME_LENGTH} bytes. The bytes come from a peer and are not trusted: a reader calls
 * {@link #validate(int)} before any getter past the fixed part.
 * <p>
 * Writing: {@link #wrap(MutableDirectBuffer, int)}, the fixed fields in any order, then {@link #names} (which places
 * the host name after the system name), then {@link #addresseeIncarnation(long)}; {@link #length()} then says how
 * long the body is. An instance is a view over
 * one body at a time; not thread-safe.
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
    /** Length of a name's length field, int32. */
    public static final int NAME_LENGTH_FIELD = 4;
    /** Length of the addressee's incarnation after the host name, int64. */
    public static final int ADDRESSEE_INCARNATION_LENGTH = 8;
    /** The shortest body: both names empty. */
    public static final int MIN_LENGTH = SYSTEM_OFFSET + NAME_LENGTH_FIELD;
    /** The longest system or host name, in UTF-8 bytes. */
    public static final int MAX_NAME_LENGTH = 255;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * {@return the body's length in bytes for these names}
     *
     * @param system the actor system's name.
     * @param host   the host name.
     */
    public static int length(final String system, final String host)
    {
        return MIN_LENGTH + utf8(system).length + utf8(host).length + ADDRESSEE_INCARNATION_LENGTH;
    }

    /**
     * Reads a body; call {@link #validate(int)} first.
     *
     * @param buffer the frame's buffer.
     * @param offset where the body starts.
     * @return this flyweight.
     */
    public HelloFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /**
     * Writes (or reads) a body.
     *
     * @param buffer where the frame is being built; needs {@link #length(String, String)} bytes at {@code offset}.
     * @param offset where the body starts.
     * @return this flyweight.
     */
    public HelloFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Checks a body from a peer: its name lengths against the body and the limit, its port against 1 to 65535.
     *
     * @param length the bytes from the wrapped offset that belong to the body (the proof excluded).
     * @return null if the body is well formed, else what is wrong with it, for the log.
     */
    public String validate(final int length)
    {
        if (length < MIN_LENGTH)
        {
            return "handshake body of " + length + " bytes is too short";
        }
        final int systemLength = systemLength();
        if (systemLength < 0 || systemLength > MAX_NAME_LENGTH || MIN_LENGTH + systemLength > length)
        {
            return "handshake system name length " + systemLength + " does not fit";
        }
        final int hostLength = hostLength();
        if (hostLength < 0 || hostLength > MAX_NAME_LENGTH || MIN_LENGTH + systemLength + hostLength > length)
        {
            return "handshake host name length " + hostLength + " does not fit";
        }
        final int port = port();
        if (port <= 0 || port > 65535)
        {
            return "handshake port " + port + " is out of range";
        }
        return null;
    }

    /** {@return the body's length in bytes as this node writes it: the names' lengths, then the addressee} */
    public int length()
    {
        return addresseeOffset() + ADDRESSEE_INCARNATION_LENGTH - offset;
    }

    /**
     * The incarnation of the node the frame is for, as its sender knows it; call after {@link #validate(int)}.
     *
     * @param length the bytes from the wrapped offset that belong to the body (the proof excluded).
     * @return the addressee's incarnation, or 0 if the sender did not know it or its body has no such field.
     */
    public long addresseeIncarnation(final int length)
    {
        final int at = addresseeOffset();
        return at + ADDRESSEE_INCARNATION_LENGTH - offset <= length ? buffer.getLong(at, LITTLE_ENDIAN) : 0;
    }

    /**
     * Writes the addressee's incarnation after the host name; call after {@link #names}.
     *
     * @param incarnation the incarnation of the node the frame is for, or 0 if the sender does not know it.
     * @return this flyweight.
     */
    public HelloFlyweight addresseeIncarnation(final long incarnation)
    {
        mutableBuffer.putLong(addresseeOffset(), incarnation, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the node's incarnation} */
    public long incarnation()
    {
        return buffer.getLong(offset + INCARNATION_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param incarnation the node's incarnation, new for every start of a node.
     * @return this flyweight.
     */
    public HelloFlyweight incarnation(final long incarnation)
    {
        mutableBuffer.putLong(offset + INCARNATION_OFFSET, incarnation, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the actor system's uid} */
    public long pekkoUid()
    {
        return buffer.getLong(offset + PEKKO_UID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param pekkoUid the actor system's uid.
     * @return this flyweight.
     */
    public HelloFlyweight pekkoUid(final long pekkoUid)
    {
        mutableBuffer.putLong(offset + PEKKO_UID_OFFSET, pekkoUid, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the node's process id} */
    public long pid()
    {
        return buffer.getLong(offset + PID_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param pid the node's process id.
     * @return this flyweight.
     */
    public HelloFlyweight pid(final long pid)
    {
        mutableBuffer.putLong(offset + PID_OFFSET, pid, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the node's process start time, epoch milliseconds} */
    public long processStartMillis()
    {
        return buffer.getLong(offset + PROCESS_START_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param processStartMillis the node's process start time, epoch milliseconds.
     * @return this flyweight.
     */
    public HelloFlyweight processStartMillis(final long processStartMillis)
    {
        mutableBuffer.putLong(offset + PROCESS_START_OFFSET, processStartMillis, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the node's port} */
    public int port()
    {
        return buffer.getInt(offset + PORT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param port the node's port.
     * @return this flyweight.
     */
    public HelloFlyweight port(final int port)
    {
        mutableBuffer.putInt(offset + PORT_OFFSET, port, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the system name's length in UTF-8 bytes, as written} */
    public int systemLength()
    {
        return buffer.getInt(offset + SYSTEM_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /** {@return the actor system's name} */
    public String system()
    {
        return buffer.getStringWithoutLengthUtf8(offset + SYSTEM_OFFSET, systemLength());
    }

    /** {@return the host name's length in UTF-8 bytes, as written} */
    public int hostLength()
    {
        return buffer.getInt(offset + SYSTEM_OFFSET + systemLength(), LITTLE_ENDIAN);
    }

    /** {@return the host name} */
    public String host()
    {
        return buffer.getStringWithoutLengthUtf8(hostOffset(), hostLength());
    }

    /**
     * Writes both names, each its length and its UTF-8 bytes, the host name after the system name.
     *
     * @param system the actor system's name.
     * @param host   the host name.
     * @return this flyweight.
     * @throws IllegalArgumentException if a name is longer than {@link #MAX_NAME_LENGTH} bytes.
     */
    public HelloFlyweight names(final String system, final String host)
    {
        final byte[] systemBytes = checked(utf8(system), "system name");
        final byte[] hostBytes = checked(utf8(host), "host name");
        mutableBuffer.putInt(offset + SYSTEM_LENGTH_OFFSET, systemBytes.length, LITTLE_ENDIAN);
        mutableBuffer.putBytes(offset + SYSTEM_OFFSET, systemBytes);
        final int hostLengthOffset = offset + SYSTEM_OFFSET + systemBytes.length;
        mutableBuffer.putInt(hostLengthOffset, hostBytes.length, LITTLE_ENDIAN);
        mutableBuffer.putBytes(hostLengthOffset + NAME_LENGTH_FIELD, hostBytes);
        return this;
    }

    private int hostOffset()
    {
        return offset + SYSTEM_OFFSET + systemLength() + NAME_LENGTH_FIELD;
    }

    private int addresseeOffset()
    {
        return hostOffset() + hostLength();
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
