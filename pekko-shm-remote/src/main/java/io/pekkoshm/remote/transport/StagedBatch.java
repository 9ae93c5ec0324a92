package io.pekkoshm.remote.transport;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Messages an {@link Outbox} could not write because the log was full, kept in order as the records of one BATCH
 * frame, sent as a whole when the log has room.
 * <pre>
 *   | frame header: BATCH, argument = count | length | type | body ... | length | type | body ... |
 * </pre>
 * Threading: its outbox's, under the outbox's lock.
 */
final class StagedBatch
{
    private final UnsafeBuffer buffer;
    private int length;
    private int count;
    private int directCount;

    /** @param capacity the most bytes of one batch frame, header included. */
    StagedBatch(final int capacity)
    {
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
    }

    boolean isEmpty()
    {
        return 0 == count;
    }

    /** {@return how many messages are staged} */
    int count()
    {
        return count;
    }

    /** {@return how many of them are DIRECT ones} */
    int directCount()
    {
        return directCount;
    }

    /** {@return the payload bytes staged, without frame and record headers} */
    long payloadBytes()
    {
        return length - FrameHeader.LENGTH - (long)count * FrameHeader.BATCH_RECORD_HEADER_LENGTH;
    }

    /**
     * Appends one record, written in place by its body.
     *
     * @return false, taking nothing, when the batch has no room for it.
     */
    boolean add(final byte type, final FrameBody body, final int bodyLength)
    {
        final int start = 0 == count ? FrameHeader.LENGTH : length;
        final int end = start + FrameHeader.BATCH_RECORD_HEADER_LENGTH + bodyLength;
        if (end > buffer.capacity())
        {
            return false;
        }
        buffer.putInt(start, bodyLength);
        buffer.putInt(start + FrameHeader.BATCH_RECORD_TYPE_OFFSET, type);
        body.write(buffer, start + FrameHeader.BATCH_RECORD_HEADER_LENGTH);
        body.committed();
        length = end;
        count++;
        if (FrameHeader.DIRECT == type)
        {
            directCount++;
        }
        return true;
    }

    /** {@return the whole BATCH frame, its header written, to offer from offset 0 for {@link #frameLength()} bytes} */
    UnsafeBuffer frame()
    {
        FrameHeader.write(buffer, 0, FrameHeader.BATCH, count);
        return buffer;
    }

    int frameLength()
    {
        return length;
    }

    /** The batch went out, or is given up: empty again. */
    void clear()
    {
        count = 0;
        directCount = 0;
        length = 0;
    }
}
