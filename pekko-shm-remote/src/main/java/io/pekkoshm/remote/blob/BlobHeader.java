package io.pekkoshm.remote.blob;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The header page at the start of every blob block file; the payload starts at {@link #DATA_OFFSET}. Both the
 * owning node and the receiving node map the file, and they hand the block back and forth through {@code state}.
 * <pre>
 *   0                               4                               8
 *   +-------------------------------+-------------------------------+
 *   |        magic 'PSHB'           |          version (1)          |
 *   +-------------------------------+-------------------------------+
 *   |        state (int)            |          reserved             |
 *   +-------------------------------+-------------------------------+
 *   |                    generation (int64)                         |  16
 *   +---------------------------------------------------------------+
 *   |                    payload length (int64)                     |  24
 *   +---------------------------------------------------------------+
 *   |                    data capacity (int64)                      |  32
 *   +---------------------------------------------------------------+
 *   |                    holder pid (int64)                         |  40
 *   +---------------------------------------------------------------+
 *   |                    holder process start, epoch ms (int64)     |  48
 *   +---------------------------------------------------------------+
 *   |   ... up to 4096: the payload starts on the second page       |
 * </pre>
 * States: {@code FREE} (the owner may reuse it), {@code WRITING} (the owner is filling it), {@code SENT} (its
 * descriptor is on its way; only the receiver may take it, by CAS to {@code HELD}), {@code HELD} (a receiver is
 * reading it; it stores {@code FREE} when done). The owner reclaims a {@code SENT} or {@code HELD} block whose
 * receiver's process has died. The generation changes with every fill, so a stale descriptor never matches.
 * <p>
 * Internal to the blob store: nothing outside this package reads or writes the header.
 */
final class BlobHeader
{
    static final int MAGIC = 0x50534842;
    static final int VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int STATE_OFFSET = 8;
    static final int GENERATION_OFFSET = 16;
    static final int LENGTH_OFFSET = 24;
    static final int CAPACITY_OFFSET = 32;
    static final int HOLDER_PID_OFFSET = 40;
    static final int HOLDER_START_OFFSET = 48;
    static final int DATA_OFFSET = 4096;

    static final int FREE = 0;
    static final int WRITING = 1;
    static final int SENT = 2;
    static final int HELD = 3;

    private BlobHeader()
    {
    }

    static void initialise(final UnsafeBuffer header, final long capacity)
    {
        header.putInt(MAGIC_OFFSET, MAGIC);
        header.putInt(VERSION_OFFSET, VERSION);
        header.putLong(GENERATION_OFFSET, 0);
        header.putLong(LENGTH_OFFSET, 0);
        header.putLong(CAPACITY_OFFSET, capacity);
        header.putLong(HOLDER_PID_OFFSET, 0);
        header.putLong(HOLDER_START_OFFSET, 0);
        header.putIntVolatile(STATE_OFFSET, FREE);
    }

    static String stateName(final int state)
    {
        switch (state)
        {
            case FREE: return "FREE";
            case WRITING: return "WRITING";
            case SENT: return "SENT";
            case HELD: return "HELD";
            default: return "UNKNOWN(" + state + ")";
        }
    }
}
