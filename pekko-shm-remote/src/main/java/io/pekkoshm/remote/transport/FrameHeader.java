package io.pekkoshm.remote.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

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
 *   HELLO         0                         {@link HelloFlyweight} (the initiator's identity)
 *   HELLO_ACK     initiator's session id    {@link HelloFlyweight} (the acceptor's identity)
 *   DATA          0                         one classic remoting payload, to the end of the frame
 *   DIRECT        0                         one direct-path envelope (io.pekkoshm.remote.direct.DirectEnvelope)
 *   BATCH         number of records         count x [ length int32 | type int8 | 3 reserved | body ],
 *                                           type DATA or DIRECT, body as in a frame of that type
 *   HEARTBEAT     0                         empty
 *   DISASSOCIATE  0                         empty
 *   BLOB          type of the body          a descriptor of a DATA or DIRECT body in the sender's blob store:
 *                 (DATA or DIRECT)          block id int64 | generation int64 | length int64
 * </pre>
 * Flags, in HELLO and HELLO_ACK only: {@link #FLAG_DIRECT} - the sender's actor system decodes DIRECT frames (it
 * runs a direct-path provider). Other frames carry 0.
 * <p>
 * Frames are whole Aeron messages: the poller reassembles fragments before it looks at a frame.
 */
public final class FrameHeader
{
    /** Version 2: DIRECT frames, typed batch records, typed blob descriptors, handshake flags. */
    public static final byte VERSION = 2;

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

    /** Type: handshake request, body {@link HelloFlyweight}. */
    public static final byte HELLO = 1;
    /** Type: handshake reply, argument the initiator's session id, body {@link HelloFlyweight}. */
    public static final byte HELLO_ACK = 2;
    /** Type: one classic remoting payload. */
    public static final byte DATA = 3;
    /** Type: several DATA or DIRECT records in one frame, argument their count. */
    public static final byte BATCH = 4;
    /** Type: keeps an idle association alive; no body. */
    public static final byte HEARTBEAT = 5;
    /** Type: the sender ends the association; no body. */
    public static final byte DISASSOCIATE = 6;
    /** Type: a DATA or DIRECT body (the argument says which) placed in the sender's blob store. */
    public static final byte BLOB = 7;
    /** Type: one direct-path message. */
    public static final byte DIRECT = 8;

    /** Handshake flag: this node's actor system decodes DIRECT frames. */
    public static final short FLAG_DIRECT = 1;

    /** BLOB frame: offset of the block id, int64, from the frame's start. */
    public static final int BLOB_ID_OFFSET = LENGTH;
    /** BLOB frame: offset of the block's generation, int64. */
    public static final int BLOB_GENERATION_OFFSET = LENGTH + 8;
    /** BLOB frame: offset of the payload's length in bytes, int64. */
    public static final int BLOB_LENGTH_OFFSET = LENGTH + 16;
    /** Length of a whole BLOB frame, header included. */
    public static final int BLOB_FRAME_LENGTH = LENGTH + 24;

    /** Length of the per-record prefix inside a BATCH body: length int32, type int8, 3 reserved. */
    public static final int BATCH_RECORD_HEADER_LENGTH = 8;
    /** Offset of the record's type (DATA or DIRECT) inside its prefix. */
    public static final int BATCH_RECORD_TYPE_OFFSET = 4;

    private FrameHeader()
    {
    }

    /**
     * Writes a header with no flags.
     *
     * @param buffer   where the frame is being built.
     * @param offset   where the frame starts in {@code buffer}.
     * @param type     one of the type constants.
     * @param argument the type's argument (0 where the type has none).
     */
    public static void write(final MutableDirectBuffer buffer, final int offset, final byte type, final int argument)
    {
        write(buffer, offset, type, argument, (short)0);
    }

    /**
     * Writes a header, {@link #VERSION} first.
     *
     * @param buffer   where the frame is being built.
     * @param offset   where the frame starts in {@code buffer}.
     * @param type     one of the type constants.
     * @param argument the type's argument (0 where the type has none).
     * @param flags    handshake flags ({@link #FLAG_DIRECT}) for HELLO and HELLO_ACK, 0 for other types.
     */
    public static void write(
        final MutableDirectBuffer buffer, final int offset, final byte type, final int argument, final short flags)
    {
        buffer.putByte(offset + VERSION_OFFSET, VERSION);
        buffer.putByte(offset + TYPE_OFFSET, type);
        buffer.putShort(offset + FLAGS_OFFSET, flags);
        buffer.putInt(offset + ARGUMENT_OFFSET, argument);
    }

    /**
     * {@return the flags of the frame at {@code offset}}
     *
     * @param buffer the frame's buffer.
     * @param offset where the frame starts.
     */
    public static short flags(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + FLAGS_OFFSET);
    }

    /**
     * {@return the version of the frame at {@code offset}} Check it before reading anything else.
     *
     * @param buffer the frame's buffer.
     * @param offset where the frame starts.
     */
    public static byte version(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + VERSION_OFFSET);
    }

    /**
     * {@return the type of the frame at {@code offset}}
     *
     * @param buffer the frame's buffer.
     * @param offset where the frame starts.
     */
    public static byte type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + TYPE_OFFSET);
    }

    /**
     * {@return the argument of the frame at {@code offset}}
     *
     * @param buffer the frame's buffer.
     * @param offset where the frame starts.
     */
    public static int argument(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + ARGUMENT_OFFSET);
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
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
