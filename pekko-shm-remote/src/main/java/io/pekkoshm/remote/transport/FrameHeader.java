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

    public static final int VERSION_OFFSET = 0;
    public static final int TYPE_OFFSET = 1;
    public static final int FLAGS_OFFSET = 2;
    public static final int ARGUMENT_OFFSET = 4;
    public static final int LENGTH = 8;

    public static final byte HELLO = 1;
    public static final byte HELLO_ACK = 2;
    public static final byte DATA = 3;
    public static final byte BATCH = 4;
    public static final byte HEARTBEAT = 5;
    public static final byte DISASSOCIATE = 6;
    public static final byte BLOB = 7;
    public static final byte DIRECT = 8;

    /** Handshake flag: this node's actor system decodes DIRECT frames. */
    public static final short FLAG_DIRECT = 1;

    public static final int BLOB_ID_OFFSET = LENGTH;
    public static final int BLOB_GENERATION_OFFSET = LENGTH + 8;
    public static final int BLOB_LENGTH_OFFSET = LENGTH + 16;
    public static final int BLOB_FRAME_LENGTH = LENGTH + 24;

    /** Length of the per-record prefix inside a BATCH body: length int32, type int8, 3 reserved. */
    public static final int BATCH_RECORD_HEADER_LENGTH = 8;
    /** Offset of the record's type (DATA or DIRECT) inside its prefix. */
    public static final int BATCH_RECORD_TYPE_OFFSET = 4;

    private FrameHeader()
    {
    }

    public static void write(final MutableDirectBuffer buffer, final int offset, final byte type, final int argument)
    {
        write(buffer, offset, type, argument, (short)0);
    }

    public static void write(
        final MutableDirectBuffer buffer, final int offset, final byte type, final int argument, final short flags)
    {
        buffer.putByte(offset + VERSION_OFFSET, VERSION);
        buffer.putByte(offset + TYPE_OFFSET, type);
        buffer.putShort(offset + FLAGS_OFFSET, flags);
        buffer.putInt(offset + ARGUMENT_OFFSET, argument);
    }

    public static short flags(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + FLAGS_OFFSET);
    }

    public static byte version(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + VERSION_OFFSET);
    }

    public static byte type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + TYPE_OFFSET);
    }

    public static int argument(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + ARGUMENT_OFFSET);
    }

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
