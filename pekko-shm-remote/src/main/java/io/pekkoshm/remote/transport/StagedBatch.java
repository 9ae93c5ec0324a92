package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.blob.BlobBlock;
import io.pekkoshm.remote.wire.BatchRecordFlyweight;
import io.pekkoshm.remote.wire.BlobDescriptorFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * Messages an {@link Outbox} could not write because the log was full, kept in order as the records of one BATCH
 * frame ({@link FrameHeaderFlyweight}, then {@link BatchRecordFlyweight}s), sent as a whole when the log has room.
 * <pre>
 *   | frame header: BATCH, argument = count | record | body ... | record | body ... |
 * </pre>
 * A large body whose block was filled while the log was full is staged as a BLOB record (its descriptor); the batch
 * keeps its block, which the outbox marks sent just before the batch is offered, or frees if the batch is given up.
 * <p>
 * Threading: its outbox's, under the outbox's lock.
 */
final class StagedBatch
{
    private final UnsafeBuffer buffer;
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BatchRecordFlyweight record = new BatchRecordFlyweight();
    private final BlobDescriptorFlyweight descriptor = new BlobDescriptorFlyweight();
    /** The blocks of the BLOB records, in order, and their bodies' lengths. */
    private final ArrayList<BlobBlock> blocks = new ArrayList<>();
    private long[] blockLengths = new long[4];
    private int length;
    private int count;
    private int directCount;
    private long payloadBytes;

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

    /** {@return the bytes of the staged messages' bodies (a large body's whole length), without frames and records} */
    long payloadBytes()
    {
        return payloadBytes;
    }

    /** {@return how many staged messages are BLOB records} */
    int blobCount()
    {
        return blocks.size();
    }

    /** {@return the block of the {@code index}th BLOB record} */
    BlobBlock block(final int index)
    {
        return blocks.get(index);
    }

    /** {@return the body length of the {@code index}th BLOB record} */
    long blockLength(final int index)
    {
        return blockLengths[index];
    }

    /**
     * Appends one record, written in place by its body.
     *
     * @return false, taking nothing, when the batch has no room for it.
     */
    boolean add(final byte type, final FrameBody body, final int bodyLength)
    {
        final int start = recordStart();
        final int end = start + BatchRecordFlyweight.HEADER_LENGTH + bodyLength;
        if (end > buffer.capacity())
        {
            return false;
        }
        record.wrap(buffer, start).bodyLength(bodyLength).type(type);
        body.write(buffer, record.bodyOffset());
        body.committed();
        appended(end, type, bodyLength);
        return true;
    }

    /**
     * Appends a BLOB record: a whole BLOB frame (header, its argument the body's type, and descriptor) for a block
     * already filled.
     *
     * @return false, taking nothing, when the batch has no room for it.
     */
    boolean addBlob(final byte bodyType, final BlobBlock block, final long bodyLength)
    {
        final int start = recordStart();
        final int end = start + BatchRecordFlyweight.HEADER_LENGTH + BlobDescriptorFlyweight.FRAME_LENGTH;
        if (end > buffer.capacity())
        {
            return false;
        }
        record.wrap(buffer, start).bodyLength(BlobDescriptorFlyweight.FRAME_LENGTH).type(FrameHeaderFlyweight.BLOB);
        header.wrap(buffer, record.bodyOffset()).write(FrameHeaderFlyweight.BLOB, bodyType);
        descriptor.wrap(buffer, header.bodyOffset())
            .blockId(block.id())
            .generation(block.generation())
            .bodyLength(bodyLength);
        final int index = blocks.size();
        if (index == blockLengths.length)
        {
            blockLengths = Arrays.copyOf(blockLengths, 2 * index);
        }
        blocks.add(block);
        blockLengths[index] = bodyLength;
        appended(end, bodyType, bodyLength);
        return true;
    }

    private int recordStart()
    {
        return 0 == count ? FrameHeaderFlyweight.LENGTH : length;
    }

    private void appended(final int end, final byte type, final long bodyLength)
    {
        length = end;
        count++;
        payloadBytes += bodyLength;
        if (FrameHeaderFlyweight.DIRECT == type)
        {
            directCount++;
        }
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

    /** The batch went out, or is given up (the outbox has dealt with its blocks): empty again. */
    void clear()
    {
        count = 0;
        directCount = 0;
        length = 0;
        payloadBytes = 0;
        blocks.clear();
    }
}
