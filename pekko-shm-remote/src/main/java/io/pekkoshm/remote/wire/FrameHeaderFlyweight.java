package io.pekkoshm.remote.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The header that starts every frame a node sends into another node's IPC stream. Little-endian.
 * <pre>
 *   0               1               2                               4
 *   +---------------+---------------+-------------------------------+
 *   |   version     |     type      |       flags (HELLO, ACK)      |
 *   +---------------+---------------+-------------------------------+
 *   |                    argument (int32, by type)                  |
 *   +---------------------------------------------------------------+  8
 *   |                    body (by type) ...
 * </pre>
 * Types and their argument and body:
 * <pre>
 *   HELLO         0                         {@link HelloFlyweight} (the initiator's identity) | proof
 *   HELLO_ACK     initiator's session id    {@link HelloFlyweight} (the acceptor's identity) | proof
 *   DATA          0                         one classic remoting payload, to the end of the frame
 *   DIRECT        0                         {@link DirectEnvelopeFlyweight} (one actor message) | payload
 *   BATCH         number of records         count x {@link BatchRecordFlyweight}
 *   HEARTBEAT     0                         empty
 *   DISASSOCIATE  0                         empty
 *   BLOB          type of the body          {@link BlobDescriptorFlyweight}: a DATA or DIRECT body in the
 *                 (DATA or DIRECT)          sender's blob store
 *   CHUNK         type of the body          {@link ChunkFlyweight}: one piece of a DATA or DIRECT body too large
 *                 (DATA or DIRECT)          for one frame, sent to a peer with no shared memory (another host)
 * </pre>
 * Flags, in HELLO and HELLO_ACK only: {@link #FLAG_DIRECT} - the sender's actor system decodes DIRECT frames (it
 * runs a direct-path provider); {@link #FLAG_CHUNKS} - the sender reassembles CHUNK frames (a node sends CHUNK
 * frames only to a peer that said so). Other frames carry 0. The version byte is the wire version of the whole
 * stream (see the package documentation for what a node does with another one); the version and type bytes keep
 * their place in every version.
 * <p>
 * Frames are whole Aeron messages: the poller reassembles fragments before it looks at a frame.
 * <p>
 * An instance is a view over one frame at a time ({@link #wrap}); it holds no state of its own and is not
 * thread-safe: each thread (an outbox under its lock, the node agent) uses its own.
 */
public final class FrameHeaderFlyweight
{
    /**
     * The wire version: version 2 has DIRECT frames, typed batch records, typed blob descriptors, handshake flags;
     * version 3 adds BLOB batch records (a large body's descriptor staged with the small messages around it).
     */
    public static final byte VERSION = 3;

    /** Offset of the version byte: first, so that a reader can refuse a layout it does not know. */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the frame type byte. */
    public static final int TYPE_OFFSET = 1;
    /** Offset of the flags, int16 ({@link #FLAG_DIRECT}; HELLO and HELLO_ACK only). */
    public static final int FLAGS_OFFSET = 2;
    /** Offset of the type's argument, int32. */
    public static final int ARGUMENT_OFFSET = 4;
    /** Length of the header in bytes; the body starts here. */
    public static final int LENGTH = 8;

    /** Type: handshake request, body {@link HelloFlyweight} and proof. */
    public static final byte HELLO = 1;
    /** Type: handshake reply, argument the initiator's session id, body {@link HelloFlyweight} and proof. */
    public static final byte HELLO_ACK = 2;
    /** Type: one classic remoting payload. */
    public static final byte DATA = 3;
    /** Type: several DATA or DIRECT records ({@link BatchRecordFlyweight}) in one frame, argument their count. */
    public static final byte BATCH = 4;
    /** Type: keeps an idle association alive; no body. */
    public static final byte HEARTBEAT = 5;
    /** Type: the sender ends the association; no body. */
    public static final byte DISASSOCIATE = 6;
    /** Type: a DATA or DIRECT body (the argument says which) placed in the sender's blob store. */
    public static final byte BLOB = 7;
    /** Type: one direct-path message, body {@link DirectEnvelopeFlyweight}. */
    public static final byte DIRECT = 8;
    /** Type: a piece of a DATA or DIRECT body (the argument says which), body {@link ChunkFlyweight}. */
    public static final byte CHUNK = 9;

    /** Handshake flag: this node's actor system decodes DIRECT frames. */
    public static final short FLAG_DIRECT = 1;
    /** Handshake flag: this node reassembles CHUNK frames (a compatible addition to wire version 3). */
    public static final short FLAG_CHUNKS = 2;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * Reads the header of a frame.
     *
     * @param buffer the frame's buffer; at least {@link #LENGTH} bytes from {@code offset} (the caller checks).
     * @param offset where the frame starts.
     * @return this flyweight.
     */
    public FrameHeaderFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /**
     * Reads or writes the header of a frame being built.
     *
     * @param buffer where the frame is being built.
     * @param offset where the frame starts.
     * @return this flyweight.
     */
    public FrameHeaderFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        return this;
    }

    /** {@return where the frame starts in the wrapped buffer} */
    public int offset()
    {
        return offset;
    }

    /** {@return where the body starts in the wrapped buffer: right after the header} */
    public int bodyOffset()
    {
        return offset + LENGTH;
    }

    /**
     * Writes a whole header with no flags, {@link #VERSION} first.
     *
     * @param type     one of the type constants.
     * @param argument the type's argument (0 where the type has none).
     * @return this flyweight.
     */
    public FrameHeaderFlyweight write(final byte type, final int argument)
    {
        return write(type, argument, (short)0);
    }

    /**
     * Writes a whole header, {@link #VERSION} first.
     *
     * @param type     one of the type constants.
     * @param argument the type's argument (0 where the type has none).
     * @param flags    handshake flags ({@link #FLAG_DIRECT}) for HELLO and HELLO_ACK, 0 for other types.
     * @return this flyweight.
     */
    public FrameHeaderFlyweight write(final byte type, final int argument, final short flags)
    {
        return version(VERSION).type(type).flags(flags).argument(argument);
    }

    /** {@return the frame's version} Check it before reading anything else. */
    public byte version()
    {
        return buffer.getByte(offset + VERSION_OFFSET);
    }

    /**
     * @param version the wire version; {@link #VERSION} for every frame this node writes.
     * @return this flyweight.
     */
    public FrameHeaderFlyweight version(final byte version)
    {
        mutableBuffer.putByte(offset + VERSION_OFFSET, version);
        return this;
    }

    /** {@return the frame's type} */
    public byte type()
    {
        return buffer.getByte(offset + TYPE_OFFSET);
    }

    /**
     * @param type one of the type constants.
     * @return this flyweight.
     */
    public FrameHeaderFlyweight type(final byte type)
    {
        mutableBuffer.putByte(offset + TYPE_OFFSET, type);
        return this;
    }

    /** {@return the frame's flags} */
    public short flags()
    {
        return buffer.getShort(offset + FLAGS_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param flags handshake flags for HELLO and HELLO_ACK, 0 for other types.
     * @return this flyweight.
     */
    public FrameHeaderFlyweight flags(final short flags)
    {
        mutableBuffer.putShort(offset + FLAGS_OFFSET, flags, LITTLE_ENDIAN);
        return this;
    }

    /** {@return whether the frame's flags carry {@link #FLAG_DIRECT}} */
    public boolean isDirectFlagSet()
    {
        return 0 != (flags() & FLAG_DIRECT);
    }

    /** {@return whether the frame's flags carry {@link #FLAG_CHUNKS}} */
    public boolean isChunksFlagSet()
    {
        return 0 != (flags() & FLAG_CHUNKS);
    }

    /** {@return the frame's argument, whose meaning depends on the type} */
    public int argument()
    {
        return buffer.getInt(offset + ARGUMENT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param argument the type's argument (0 where the type has none).
     * @return this flyweight.
     */
    public FrameHeaderFlyweight argument(final int argument)
    {
        mutableBuffer.putInt(offset + ARGUMENT_OFFSET, argument, LITTLE_ENDIAN);
        return this;
    }

    /**
     * {@return a type's name, for logs: {@code "DATA"}, or {@code "UNKNOWN(<n>)"} for a type this version lacks}
     *
     * @param type a frame type byte.
     */
    public static String typeName(final byte type)
    {
        switch (type)
        {
            case HELLO: return "HELLO";
            case HELLO_ACK: return "HELLO_ACK";
            case DATA: return "DATA";
            case BATCH: return "BATCH";
            case HEARTBEAT: return "HEARTBEAT";
            case DISASSOCIATE: return "DISASSOCIATE";
            case BLOB: return "BLOB";
            case DIRECT: return "DIRECT";
            case CHUNK: return "CHUNK";
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
