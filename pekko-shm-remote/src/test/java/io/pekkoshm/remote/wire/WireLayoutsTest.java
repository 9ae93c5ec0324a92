package io.pekkoshm.remote.wire;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.pekkoshm.remote.wire.FrameHeaderFlyweightTest.toList;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    @Test
    void shouldWriteADirectEnvelopeAsFourLittleEndianIntsThenLengthPrefixedLiterals()
    {
        final byte[] recipient = DirectEnvelopeFlyweight.literal("pekko.shm://a@h:1/user/\u00e9");
        final byte[] manifest = DirectEnvelopeFlyweight.literal("M");
        final byte[] bytes = new byte[DirectEnvelopeFlyweight.LITERALS_OFFSET + 2 + recipient.length + 2 + 1 + 3];
        final DirectEnvelopeFlyweight writer = new DirectEnvelopeFlyweight().wrap(new UnsafeBuffer(bytes), 0)
            .recipientCode(DirectEnvelopeFlyweight.definition(3))
            .senderCode(DirectEnvelopeFlyweight.NONE)
            .serializerId(0x01020304)
            .manifestCode(DirectEnvelopeFlyweight.LITERAL);
        int position = writer.putLiteral(writer.literalsOffset(), recipient);
        position = writer.putLiteral(position, manifest);
        assertEquals(bytes.length - 3, position, "the payload starts after the literals");

        final ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x4000_0003, view.getInt(0));
        assertEquals(-1, view.getInt(4));
        assertEquals(List.of(4, 3, 2, 1), toList(Arrays.copyOfRange(bytes, 8, 12)));
        assertEquals(-2, view.getInt(12));
        assertEquals(recipient.length, view.getShort(16) & 0xFFFF);
        assertEquals("pekko.shm://a@h:1/user/\u00e9",
            new String(bytes, 18, recipient.length, StandardCharsets.UTF_8));
        assertEquals(List.of(1, 0, (int)'M'), toList(Arrays.copyOfRange(bytes, 18 + recipient.length,
            18 + recipient.length + 3)));

        final DirectEnvelopeFlyweight reader = new DirectEnvelopeFlyweight().wrap(new UnsafeBuffer(bytes), 0);
        assertEquals(DirectEnvelopeFlyweight.definition(3), reader.recipientCode());
        assertEquals(DirectEnvelopeFlyweight.NONE, reader.senderCode());
        assertEquals(0x01020304, reader.serializerId());
        assertEquals(DirectEnvelopeFlyweight.LITERAL, reader.manifestCode());
        final int recipientLength = reader.literalLength(reader.literalsOffset(), bytes.length);
        assertEquals("pekko.shm://a@h:1/user/\u00e9", reader.getLiteral(reader.literalsOffset(), recipientLength));
        final int manifestAt = reader.literalsOffset() + DirectEnvelopeFlyweight.LITERAL_PREFIX_LENGTH +
            recipientLength;
        assertEquals("M", reader.getLiteral(manifestAt, reader.literalLength(manifestAt, bytes.length)));
    }

    @Test
    void shouldReadADirectEnvelopeAtTheOffsetItIsWrappedAt()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final DirectEnvelopeFlyweight envelope = new DirectEnvelopeFlyweight().wrap(buffer, 24)
            .recipientCode(7).senderCode(8).serializerId(9).manifestCode(10);
        assertEquals(7, buffer.getInt(24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(10, buffer.getInt(36, ByteOrder.LITTLE_ENDIAN));
        assertEquals(40, envelope.literalsOffset());
        envelope.wrap(buffer, 0);
        assertEquals(0, envelope.recipientCode(), "wrapped elsewhere, it reads there");
        assertEquals(16, envelope.literalsOffset());
    }

    @Test
    void shouldTellDirectEnvelopeCodesApart()
    {
        assertTrue(DirectEnvelopeFlyweight.hasLiteral(DirectEnvelopeFlyweight.LITERAL));
        assertTrue(DirectEnvelopeFlyweight.hasLiteral(DirectEnvelopeFlyweight.definition(0)));
        assertTrue(DirectEnvelopeFlyweight.hasLiteral(
            DirectEnvelopeFlyweight.definition(DirectEnvelopeFlyweight.MAX_ID)));
        assertFalse(DirectEnvelopeFlyweight.hasLiteral(DirectEnvelopeFlyweight.NONE));
        assertFalse(DirectEnvelopeFlyweight.hasLiteral(0));
        assertFalse(DirectEnvelopeFlyweight.hasLiteral(DirectEnvelopeFlyweight.MAX_ID));
        assertTrue(DirectEnvelopeFlyweight.isDefinition(DirectEnvelopeFlyweight.definition(5)));
        assertFalse(DirectEnvelopeFlyweight.isDefinition(DirectEnvelopeFlyweight.LITERAL));
        assertFalse(DirectEnvelopeFlyweight.isDefinition(5));
        assertEquals(5, DirectEnvelopeFlyweight.definedId(DirectEnvelopeFlyweight.definition(5)));
        assertEquals(0x4000_0000, DirectEnvelopeFlyweight.definition(0));
    }

    @Test
    void shouldAcceptOnlyDirectEnvelopeCodesThatFitTheTable()
    {
        final int size = 8;
        for (final int code : new int[] { DirectEnvelopeFlyweight.NONE, DirectEnvelopeFlyweight.LITERAL, 0, size - 1,
            DirectEnvelopeFlyweight.definition(0), DirectEnvelopeFlyweight.definition(size - 1) })
        {
            DirectEnvelopeFlyweight.checkCode(code, size, "sender");
        }
        assertEquals("direct envelope sender code 8 is invalid (table size 8)", assertThrows(
            MalformedFrameException.class, () -> DirectEnvelopeFlyweight.checkCode(size, size, "sender")).getMessage());
        for (final int code : new int[] { -3, Integer.MIN_VALUE, DirectEnvelopeFlyweight.definition(size),
            DirectEnvelopeFlyweight.MAX_ID, Integer.MAX_VALUE })
        {
            assertThrows(MalformedFrameException.class, () -> DirectEnvelopeFlyweight.checkCode(code, size, "x"),
                "code " + code);
        }
        DirectEnvelopeFlyweight.checkRecipient(0);
        assertEquals("direct envelope without a recipient", assertThrows(MalformedFrameException.class,
            () -> DirectEnvelopeFlyweight.checkRecipient(DirectEnvelopeFlyweight.NONE)).getMessage());
    }

    @Test
    void shouldRejectATruncatedDirectEnvelope()
    {
        DirectEnvelopeFlyweight.checkLength(DirectEnvelopeFlyweight.LITERALS_OFFSET);
        assertEquals("direct envelope of 15 bytes", assertThrows(MalformedFrameException.class,
            () -> DirectEnvelopeFlyweight.checkLength(15)).getMessage());

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        final DirectEnvelopeFlyweight envelope = new DirectEnvelopeFlyweight().wrap(buffer, 0);
        final int at = envelope.literalsOffset();
        assertEquals(at + 6, envelope.putLiteral(at, new byte[] { 'a', 'b', 'c', 'd' }));
        assertEquals(4, envelope.literalLength(at, at + 6), "exactly fits");
        assertEquals("direct envelope literal of 4 bytes does not fit", assertThrows(MalformedFrameException.class,
            () -> envelope.literalLength(at, at + 5)).getMessage());
        assertEquals("direct envelope ends inside a literal's length", assertThrows(MalformedFrameException.class,
            () -> envelope.literalLength(at, at + 1)).getMessage());
        buffer.putShort(at, (short)0xFFFF, ByteOrder.LITTLE_ENDIAN);
        assertEquals("direct envelope literal of 65535 bytes does not fit", assertThrows(
            MalformedFrameException.class, () -> envelope.literalLength(at, 32)).getMessage(), "an unsigned length");
    }

    @Test
    void shouldRefuseADirectEnvelopeLiteralLongerThanItsLengthCanSay()
    {
        assertEquals(DirectEnvelopeFlyweight.MAX_LITERAL_LENGTH,
            DirectEnvelopeFlyweight.literal("x".repeat(DirectEnvelopeFlyweight.MAX_LITERAL_LENGTH)).length);
        assertThrows(IllegalArgumentException.class,
            () -> DirectEnvelopeFlyweight.literal("x".repeat(DirectEnvelopeFlyweight.MAX_LITERAL_LENGTH + 1)));
    }
}
