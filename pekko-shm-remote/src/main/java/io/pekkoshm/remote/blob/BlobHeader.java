package io.pekkoshm.remote.blob;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The header page at the start of every blob block file; the payload starts at {@link #DATA_OFFSET}. Both the
 * owning node and the receiving node map the file, and they hand the block back and forth through {@code state}.
 * <pre>
 *   0                               4                               8
 *   +-------------------------------+-------------------------------+
 *   |        magic 'PSHB'           |          version (2)          |
 *   +-------------------------------+-------------------------------+
 *   |        state (int32)          |      holder pid (int32)       |   one 64-bit word, claimed by one CAS
 *   +-------------------------------+-------------------------------+
 *   |                    generation (int64)                         |  16
 *   +---------------------------------------------------------------+
 *   |                    payload length (int64)                     |  24
 *   +---------------------------------------------------------------+
 *   |                    data capacity (int64)                      |  32
 *   +---------------------------------------------------------------+
 *   |                    holder process start, epoch ms (int64)     |  40
 *   +---------------------------------------------------------------+
 *   |   ... up to 4096: the payload starts on the second page       |
 * </pre>
 * States: {@code FREE} (the owner may reuse it), {@code WRITING} (the owner, or a user of the zero-copy API on the
 * owner's side, is filling it), {@code SENT} (its descriptor is on its way; only a receiver may take it),
 * {@code HELD} (a receiver is reading it; it stores {@code FREE} when done).
 * <p>
 * A receiver claims a block with one 64-bit CAS of the state word from ({@code SENT}, 0) to ({@code HELD}, its pid),
 * so the block never is {@code HELD} without naming its holder, then writes its process start time (which guards
 * against pid reuse; 0 until written). The generation changes with every fill, so a stale descriptor never matches:
 * a receiver whose claim finds another generation hands the block back to {@code SENT} at once.
 * <p>
 * The owner takes a block back ({@code FREE}) when a receiver stored {@code FREE}, when the receiver it was sent to
 * (transport path) or its holder (zero-copy path) has died, or when a zero-copy block was not claimed within
 * {@code blob.claim-timeout}; each by a CAS, so it never races a claim.
 */
public final class BlobHeader
{
    /** 'PSHB' in the first four bytes of every block file. */
    public static final int MAGIC = 0x50534842;
    /** The layout's version; a block of another version is not read. */
    public static final int VERSION = 2;

    /** Offset of the magic (int32). */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version (int32). */
    public static final int VERSION_OFFSET = 4;
    /** Offset of the state (int32), the low-address half of the state word. */
    public static final int STATE_OFFSET = 8;
    /** Offset of the holder's pid (int32), the other half of the state word. */
    public static final int HOLDER_PID_OFFSET = 12;
    /** Offset of the generation (int64). */
    public static final int GENERATION_OFFSET = 16;
    /** Offset of the payload length (int64). */
    public static final int LENGTH_OFFSET = 24;
    /** Offset of the data capacity (int64). */
    public static final int CAPACITY_OFFSET = 32;
    /** Offset of the holder's process start time, epoch ms (int64). */
    public static final int HOLDER_START_OFFSET = 40;
    /** Where the payload starts: the second page. */
    public static final int DATA_OFFSET = 4096;

    /** The owner may reuse the block. */
    public static final int FREE = 0;
    /** The owner (or a zero-copy user on its side) is filling it. */
    public static final int WRITING = 1;
    /** Its descriptor is on its way; only a receiver may take it. */
    public static final int SENT = 2;
    /** A receiver holds it; it stores FREE when done. */
    public static final int HELD = 3;

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

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
        header.putLong(HOLDER_START_OFFSET, 0);
        header.putLongVolatile(STATE_OFFSET, stateWord(FREE, 0));
    }

    /** The 64-bit word at {@link #STATE_OFFSET} (read and CAS'd in native order) for a state and a holder pid. */
    static long stateWord(final int state, final int holderPid)
    {
        final long low = LITTLE_ENDIAN ? state : holderPid;
        final long high = LITTLE_ENDIAN ? holderPid : state;
        return (high << 32) | (low & 0xFFFF_FFFFL);
    }

    /** The state in a state word. */
    static int stateOf(final long word)
    {
        return LITTLE_ENDIAN ? (int)word : (int)(word >>> 32);
    }

    /** The holder pid in a state word (0 when nobody holds the block). */
    static int holderOf(final long word)
    {
        return LITTLE_ENDIAN ? (int)(word >>> 32) : (int)word;
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
