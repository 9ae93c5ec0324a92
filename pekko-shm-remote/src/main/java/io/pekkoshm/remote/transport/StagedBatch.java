package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.wire.BatchRecordFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Messages an {@link Outbox} could not write because the log was full, kept in order as the records of one BATCH
 * frame ({@link FrameHeaderFlyweight}, then {@link BatchRecordFlyweight}s), sent as a whole when the log has room.
 * <pre>
 *   | frame header: BATCH, argument = count | record | body ... | record | body ... |
 * </pre>
 * Threading: its outbox's, under the outbox's lock.
 */
final class StagedBatch
{
    private final UnsafeBuffer buffer;
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BatchRecordFlyweight record = new BatchRecordFlyweight();
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
        return length - FrameHeaderFlyweight.LENGTH - (long)count * BatchRecordFlyweight.HEADER_LENGTH;
    }

    /**
     * Appends one record, written in place by its body.
     *
     * @return false, taking nothing, when the batch has no room for it.
     */
    boolean add(final byte type, final FrameBody body, final int bodyLength)
    {
        final int start = 0 == count ? FrameHeaderFlyweight.LENGTH : length;
        final int end = start + BatchRecordFlyweight.HEADER_LENGTH + bodyLength;
        if (end > buffer.capacity())
        {
            return false;
        }
        record.wrap(buffer, start).bodyLength(bodyLength).type(type);
        body.write(buffer, record.bodyOffset());
        body.committed();
        length = end;
        count++;
        if (FrameHeaderFlyweight.DIRECT == type)
        {
            directCount++;
        }
        return true;
    }

    /** {@return the whole BATCH frame, its header written, to offer from offset 0 for {@link #frameLength()} bytes} */
    UnsafeBuffer frame()
    {
        header.wrap(buffer, 0).write(FrameHeaderFlyweight.BATCH, count);
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
