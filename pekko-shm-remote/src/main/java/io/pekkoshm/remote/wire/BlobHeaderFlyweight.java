package io.pekkoshm.remote.wire;

import org.agrona.concurrent.AtomicBuffer;

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
 * Fields are in the platform's native order (little-endian on every platform the plugin runs on), because the
 * state word is read and compared-and-set as one 64-bit word by processes of the same host.
 * <p>
 * States: {@code FREE} (the owner may reuse it), {@code WRITING} (the owner, or a user of the zero-copy API on the
 * owner's side, is filling it), {@code SENT} (its descriptor is on its way; only a receiver may take it),
 * {@code HELD} (a receiver is reading it; it stores {@code FREE} when done).
 * <p>
 * A receiver claims a block with one 64-bit CAS of the state word from ({@code SENT}, 0) to ({@code HELD}, its pid),
 * so the block never is {@code HELD} without naming its holder, then writes its process start time (which guards
 * against pid reuse; 0 until written). The generation changes with every fill, so a stale descriptor never matches:
 * every receiver checks the generation and length before its claim (a stale descriptor never takes a block that
 * waits for its rightful receiver) and again after it, handing the block back to {@code SENT} at once if the owner
 * refilled it in between.
 * <p>
 * The owner takes a block back ({@code FREE}) when a receiver stored {@code FREE}, when the receiver it was sent to
 * (transport path) or its holder (zero-copy path) has died, or when a block (either path) was not claimed within
 * {@code blob.claim-timeout}; each by a CAS, so it never races a claim.
 * <p>
 * The holder's start time is 0 between the claim's CAS and its store. The owner never reads a 0 as "any process with
 * that pid": a holder whose pid is gone is dead; a holder whose pid is alive but whose start time is still 0
 * {@code blob.claim-timeout} after the owner first saw that claim is taken to have died before writing it (its pid
 * reused since), because a live holder writes it right after its CAS. Only a holder stopped between those two
 * instructions for that long (e.g. {@code SIGSTOP} at that very point) would lose its block.
 * <p>
 * An instance wraps the header of one block for the block's life. Its accessors are as thread-safe as their memory
 * semantics say (volatile, release, CAS or plain); which process and thread may write which field is the protocol
 * above.
 */
public final class BlobHeaderFlyweight
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

    private AtomicBuffer buffer;
    private int offset;

    /**
     * @param buffer the block's mapping (or a view of its header page), aligned for the 64-bit state word.
     * @param offset where the header starts.
     * @return this flyweight.
     */
    public BlobHeaderFlyweight wrap(final AtomicBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Owner: writes the header of a new block, {@code FREE} and generation 0, the state word last (volatile).
     *
     * @param capacity the block's data capacity in bytes.
     */
    public void initialise(final long capacity)
    {
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC);
        buffer.putInt(offset + VERSION_OFFSET, VERSION);
        buffer.putLong(offset + GENERATION_OFFSET, 0);
        buffer.putLong(offset + LENGTH_OFFSET, 0);
        buffer.putLong(offset + CAPACITY_OFFSET, capacity);
        buffer.putLong(offset + HOLDER_START_OFFSET, 0);
        buffer.putLongVolatile(offset + STATE_OFFSET, stateWord(FREE, 0));
    }

    /** {@return the magic; {@link #MAGIC} in a blob block} */
    public int magic()
    {
        return buffer.getInt(offset + MAGIC_OFFSET);
    }

    /** {@return the layout's version} */
    public int version()
    {
        return buffer.getInt(offset + VERSION_OFFSET);
    }

    /** {@return the data capacity the owner wrote} */
    public long capacity()
    {
        return buffer.getLong(offset + CAPACITY_OFFSET);
    }

    /** {@return the state (volatile read)} */
    public int state()
    {
        return buffer.getIntVolatile(offset + STATE_OFFSET);
    }

    /**
     * Stores a state, leaving the holder's pid (release store).
     *
     * @param state one of the state constants.
     */
    public void stateRelease(final int state)
    {
        buffer.putIntRelease(offset + STATE_OFFSET, state);
    }

    /**
     * CAS of the state alone.
     *
     * @param expected the state it must have.
     * @param update   the state it gets.
     * @return whether the state was {@code expected} and is {@code update} now.
     */
    public boolean compareAndSetState(final int expected, final int update)
    {
        return buffer.compareAndSetInt(offset + STATE_OFFSET, expected, update);
    }

    /** {@return the state and the holder's pid as one word (volatile read), see {@link #stateWord(int, int)}} */
    public long stateWord()
    {
        return buffer.getLongVolatile(offset + STATE_OFFSET);
    }

    /**
     * Stores the state word (volatile store).
     *
     * @param word a word made by {@link #stateWord(int, int)}.
     */
    public void stateWordVolatile(final long word)
    {
        buffer.putLongVolatile(offset + STATE_OFFSET, word);
    }

    /**
     * CAS of the whole state word: state and holder pid together.
     *
     * @param expected the word it must have.
     * @param update   the word it gets.
     * @return whether the word was {@code expected} and is {@code update} now.
     */
    public boolean compareAndSetStateWord(final long expected, final long update)
    {
        return buffer.compareAndSetLong(offset + STATE_OFFSET, expected, update);
    }

    /** {@return the generation (volatile read)} */
    public long generation()
    {
        return buffer.getLongVolatile(offset + GENERATION_OFFSET);
    }

    /**
     * Owner, while {@code WRITING}: the generation of the new fill (plain store, published by the state change).
     *
     * @param generation the new generation.
     */
    public void generation(final long generation)
    {
        buffer.putLong(offset + GENERATION_OFFSET, generation);
    }

    /** {@return the payload length (volatile read)} */
    public long payloadLength()
    {
        return buffer.getLongVolatile(offset + LENGTH_OFFSET);
    }

    /**
     * Owner, before the block is {@code SENT}: the payload's length (plain store, published by the state change).
     *
     * @param length the payload's length in bytes.
     */
    public void payloadLength(final long length)
    {
        buffer.putLong(offset + LENGTH_OFFSET, length);
    }

    /** {@return the holder's process start time, epoch ms, 0 if not (yet) known (volatile read)} */
    public long holderStartMillis()
    {
        return buffer.getLongVolatile(offset + HOLDER_START_OFFSET);
    }

    /**
     * Plain store of the holder's process start time (0 to clear it before a state change publishes it).
     *
     * @param startMillis epoch ms, or 0.
     */
    public void holderStartMillis(final long startMillis)
    {
        buffer.putLong(offset + HOLDER_START_OFFSET, startMillis);
    }

    /**
     * Receiver, right after its claim: its process start time (release store).
     *
     * @param startMillis epoch ms.
     */
    public void holderStartMillisRelease(final long startMillis)
    {
        buffer.putLongRelease(offset + HOLDER_START_OFFSET, startMillis);
    }

    /**
     * {@return the 64-bit word at {@link #STATE_OFFSET} (read and CAS'd in native order) for a state and a holder pid}
     *
     * @param state     one of the state constants.
     * @param holderPid the holder's pid, 0 when nobody holds the block.
     */
    public static long stateWord(final int state, final int holderPid)
    {
        final long low = LITTLE_ENDIAN ? state : holderPid;
        final long high = LITTLE_ENDIAN ? holderPid : state;
        return (high << 32) | (low & 0xFFFF_FFFFL);
    }

    /**
     * {@return the state in a state word}
     *
     * @param word a state word.
     */
    public static int stateOf(final long word)
    {
        return LITTLE_ENDIAN ? (int)word : (int)(word >>> 32);
    }

    /**
     * {@return the holder pid in a state word (0 when nobody holds the block)}
     *
     * @param word a state word.
     */
    public static int holderOf(final long word)
    {
        return LITTLE_ENDIAN ? (int)(word >>> 32) : (int)word;
    }

    /**
     * {@return a state's name, for logs}
     *
     * @param state a state.
     */
    public static String stateName(final int state)
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
