package io.pekkoshm.remote.wire;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static io.pekkoshm.remote.wire.FrameHeaderFlyweightTest.toList;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bytes of the smaller layouts, exactly as their pictures draw them, and each read back by its own flyweight. */
class WireLayoutsTest
{
    @Test
    void shouldWriteABatchRecordAsLengthThenTypeThenZeroedReservedBytes()
    {
        final byte[] bytes = new byte[BatchRecordFlyweight.HEADER_LENGTH];
        Arrays.fill(bytes, (byte)0x7f);
        final BatchRecordFlyweight record = new BatchRecordFlyweight().wrap(new UnsafeBuffer(bytes), 0);
        record.bodyLength(0x01020304).type(FrameHeaderFlyweight.DIRECT);
        assertEquals(List.of(4, 3, 2, 1, 8, 0, 0, 0), toList(bytes));
        assertEquals(0x01020304, record.bodyLength());
        assertEquals(FrameHeaderFlyweight.DIRECT, record.type());
        assertEquals(0, record.reserved());
        assertEquals(BatchRecordFlyweight.HEADER_LENGTH, record.bodyOffset());
    }

    @Test
    void shouldReadTheReservedBytesOfABatchRecordWhateverTheTypeByte()
    {
        final byte[] bytes = { 0, 0, 0, 0, 3, 1, 2, 3 };
        final BatchRecordFlyweight record = new BatchRecordFlyweight().wrap(new UnsafeBuffer(bytes), 0);
        assertEquals(FrameHeaderFlyweight.DATA, record.type());
        assertEquals(0x030201, record.reserved());
    }

    @Test
    void shouldWriteABlobDescriptorAsThreeLittleEndianLongsAfterTheFrameHeader()
    {
        final byte[] bytes = new byte[BlobDescriptorFlyweight.FRAME_LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final FrameHeaderFlyweight header = new FrameHeaderFlyweight().wrap(buffer, 0);
        header.write(FrameHeaderFlyweight.BLOB, FrameHeaderFlyweight.DIRECT);
        final BlobDescriptorFlyweight descriptor = new BlobDescriptorFlyweight().wrap(buffer, header.bodyOffset())
            .blockId(7).generation(-2).bodyLength(1L << 40);
        final ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(32, BlobDescriptorFlyweight.FRAME_LENGTH);
        assertEquals(7, view.getLong(8));
        assertEquals(-2, view.getLong(16));
        assertEquals(1L << 40, view.getLong(24));
        assertEquals(7, descriptor.blockId());
        assertEquals(-2, descriptor.generation());
        assertEquals(1L << 40, descriptor.bodyLength());
    }

    @Test
    void shouldWriteASharedBlobDescriptorOfFortyEightBytesVersionFirst()
    {
        final byte[] bytes = new byte[SharedBlobDescriptorFlyweight.LENGTH];
        final SharedBlobDescriptorFlyweight descriptor = new SharedBlobDescriptorFlyweight()
            .wrap(new UnsafeBuffer(bytes), 0)
            .version(SharedBlobDescriptorFlyweight.VERSION)
            .ownerPid(1234).ownerIncarnation(-5).blockId(6).generation(7).length(8);
        final ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(48, bytes.length);
        assertEquals(1, bytes[0]);
        assertEquals(List.of(0, 0, 0, 0, 0, 0, 0), toList(Arrays.copyOfRange(bytes, 1, 8)), "reserved");
        assertEquals(1234, view.getLong(8));
        assertEquals(-5, view.getLong(16));
        assertEquals(6, view.getLong(24));
        assertEquals(7, view.getLong(32));
        assertEquals(8, view.getLong(40));
        assertEquals(List.of(1234L, -5L, 6L, 7L, 8L), List.of(descriptor.ownerPid(), descriptor.ownerIncarnation(),
            descriptor.blockId(), descriptor.generation(), descriptor.length()));
    }

    @Test
    void shouldInitialiseABlobHeaderFreeWithItsMagicVersionAndCapacity()
    {
        final UnsafeBuffer page = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BlobHeaderFlyweight.DATA_OFFSET,
            64));
        final BlobHeaderFlyweight header = new BlobHeaderFlyweight().wrap(page, 0);
        header.initialise(65536);
        assertEquals(0x50534842, page.getInt(0, ByteOrder.LITTLE_ENDIAN));
        assertEquals(BlobHeaderFlyweight.MAGIC, header.magic());
        assertEquals(2, header.version());
        assertEquals(65536, header.capacity());
        assertEquals(BlobHeaderFlyweight.FREE, header.state());
        assertEquals(0, BlobHeaderFlyweight.holderOf(header.stateWord()));
        assertEquals(0, header.generation());
    }

    @Test
    void shouldClaimABlobHeaderByOneCasOfStateAndHolderTogether()
    {
        final UnsafeBuffer page = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BlobHeaderFlyweight.DATA_OFFSET,
            64));
        final BlobHeaderFlyweight header = new BlobHeaderFlyweight().wrap(page, 0);
        header.initialise(4096);
        header.stateWordVolatile(BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.SENT, 0));
        final long held = BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.HELD, 4321);
        assertTrue(header.compareAndSetStateWord(BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.SENT, 0),
            held));
        assertEquals(BlobHeaderFlyweight.HELD, header.state());
        assertEquals(4321, page.getInt(BlobHeaderFlyweight.HOLDER_PID_OFFSET));
        assertEquals(BlobHeaderFlyweight.HELD, BlobHeaderFlyweight.stateOf(header.stateWord()));
        assertEquals(4321, BlobHeaderFlyweight.holderOf(header.stateWord()));
        assertFalse(header.compareAndSetStateWord(BlobHeaderFlyweight.stateWord(BlobHeaderFlyweight.SENT, 0),
            held), "a second claim fails");
        assertEquals("HELD", BlobHeaderFlyweight.stateName(header.state()));
    }
}
