package io.pekkoshm.remote.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The header that starts every frame a node sends into another node's IPC stream. Little-endian.
 * <pre>
 *   0               1               2                               4
 *   +---------------+---------------+-------------------------------+
 *   |   version     |     type      |           reserved            |
 *   +---------------+---------------+-------------------------------+
 *   |                    argument (int32, by type)                  |
 *   +---------------------------------------------------------------+  8
 *   |                    body (by type) ...
 * </pre>
 * Types and their argument and body:
 * <pre>
 *   HELLO         0                         {@link HelloFlyweight} (the initiator's identity)
 *   HELLO_ACK     initiator's session id    {@link HelloFlyweight} (the acceptor's identity)
 *   DATA          0                         one payload, to the end of the frame
 *   BATCH         number of payloads        count x [ length int32 | payload ]
 *   HEARTBEAT     0                         empty
 *   DISASSOCIATE  0                         empty
 *   BLOB          0                         a descriptor of a payload in the sender's blob store:
 *                                           block id int64 | generation int64 | length int64
 * </pre>
 * Frames are whole Aeron messages: the poller reassembles fragments before it looks at a frame.
 */
public final class FrameHeader
{
    public static final byte VERSION = 1;

    public static final int VERSION_OFFSET = 0;
    public static final int TYPE_OFFSET = 1;
    public static final int RESERVED_OFFSET = 2;
    public static final int ARGUMENT_OFFSET = 4;
    public static final int LENGTH = 8;

    public static final byte HELLO = 1;
    public static final byte HELLO_ACK = 2;
    public static final byte DATA = 3;
    public static final byte BATCH = 4;
    public static final byte HEARTBEAT = 5;
    public static final byte DISASSOCIATE = 6;
    public static final byte BLOB = 7;

    public static final int BLOB_ID_OFFSET = LENGTH;
    public static final int BLOB_GENERATION_OFFSET = LENGTH + 8;
    public static final int BLOB_LENGTH_OFFSET = LENGTH + 16;
    public static final int BLOB_FRAME_LENGTH = LENGTH + 24;

    /** Length of the per-payload prefix inside a BATCH body. */
    public static final int BATCH_RECORD_HEADER_LENGTH = 4;

    private FrameHeader()
    {
    }

    public static void write(final MutableDirectBuffer buffer, final int offset, final byte type, final int argument)
    {
        buffer.putByte(offset + VERSION_OFFSET, VERSION);
        buffer.putByte(offset + TYPE_OFFSET, type);
        buffer.putShort(offset + RESERVED_OFFSET, (short)0);
        buffer.putInt(offset + ARGUMENT_OFFSET, argument);
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
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
