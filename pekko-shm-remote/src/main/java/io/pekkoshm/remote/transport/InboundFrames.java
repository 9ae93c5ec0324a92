package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.wire.BatchRecordFlyweight;
import io.pekkoshm.remote.wire.BlobDescriptorFlyweight;
import io.pekkoshm.remote.wire.ChunkFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import io.pekkoshm.remote.wire.MalformedFrameException;
import org.agrona.DirectBuffer;

/**
 * Decodes the frames of the node's stream and hands each to a {@link FrameHandler}: the wire format is checked here
 * (header length and version, frame type, batch record bounds, blob descriptor size), nothing else is decided here.
 * A frame on a session that is not an association can only be a handshake (or a late frame of an ended one); any
 * other frame there is rejected. Nothing a peer writes can make this throw: every fault is reported to the handler.
 * <p>
 * Threading: the node agent's only.
 */
final class InboundFrames
{
    /** What to do about a peer of another wire version (see the wire package's version policy). */
    static final String VERSION_REMEDY = " (the nodes of one host share one media driver and must run the same " +
        "pekko-shm-remote wire version: stop every node of this host, then start them all on one version)";

    private final Associations associations;
    private final FrameHandler handler;
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BatchRecordFlyweight batchRecord = new BatchRecordFlyweight();
    /** The BLOB frame inside a batch's BLOB record. */
    private final FrameHeaderFlyweight recordHeader = new FrameHeaderFlyweight();
    private final BlobDescriptorFlyweight blobDescriptor = new BlobDescriptorFlyweight();
    private final ChunkFlyweight chunk = new ChunkFlyweight();
    private int heartbeatsRead;

    InboundFrames(final Associations associations, final FrameHandler handler)
    {
        this.associations = associations;
        this.handler = handler;
    }

    /**
     * {@return how many heartbeats of established associations were read since the last call} A poll that read only
     * heartbeats found no work: a peer's heartbeat must not keep an idle node awake.
     */
    int takeHeartbeatsRead()
    {
        final int read = heartbeatsRead;
        heartbeatsRead = 0;
        return read;
    }

    /**
     * One whole frame (Aeron's fragments already assembled).
     *
     * @param sessionKey the session of the publication it came from.
     * @param nowNs     the duty cycle's clock: the association heard from its peer now.
     */
    void onFrame(final long sessionKey, final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        if (length < FrameHeaderFlyweight.LENGTH)
        {
            reject(sessionKey, "the peer sent a frame of " + length + " bytes", "a frame of " + length + " bytes");
            return;
        }
        header.wrap(buffer, offset);
        final byte type = header.type();
        if (FrameHeaderFlyweight.VERSION != header.version())
        {
            final String versions = "wire format version " + header.version() + ", this node speaks " +
                FrameHeaderFlyweight.VERSION + VERSION_REMEDY;
            reject(sessionKey, "the peer sent " + versions,
                "a " + FrameHeaderFlyweight.typeName(type) + " frame of " + versions);
            return;
        }

        final Association association = associations.bySession(sessionKey);
        try
        {
            if (null == association)
            {
                onSessionFrame(sessionKey, buffer, offset, length, type);
                return;
            }
            association.onReceived(nowNs);
            onAssociationFrame(association, buffer, offset, length, type);
        }
        catch (final MalformedFrameException ex)
        {
            if (null != association)
            {
                handler.onMalformed(association, "malformed frame from the peer: " + ex.getMessage());
            }
            else
            {
                handler.onRejected(sessionKey, ex.getMessage());
            }
        }
    }

    /** A frame too short or of another version: it ends the session's association, or is rejected if none. */
    private void reject(final long sessionKey, final String associationReason, final String sessionReason)
    {
        final Association association = associations.bySession(sessionKey);
        if (null != association)
        {
            handler.onMalformed(association, associationReason);
        }
        else
        {
            handler.onRejected(sessionKey, sessionReason);
        }
    }

    private void onSessionFrame(
        final long sessionKey, final DirectBuffer buffer, final int offset, final int length, final byte type)
    {
        if (associations.isEnded(sessionKey))
        {
            onLateFrame(sessionKey, buffer, offset, length, type);
        }
        else if (FrameHeaderFlyweight.HELLO == type)
        {
            handler.onHello(sessionKey, buffer, offset, length);
        }
        else if (FrameHeaderFlyweight.HELLO_ACK == type)
        {
            handler.onHelloAck(sessionKey, buffer, offset, length);
        }
        else
        {
            handler.onRejected(
                sessionKey, FrameHeaderFlyweight.typeName(type) + " frame from a session without handshake");
        }
    }

    private void onAssociationFrame(
        final Association association, final DirectBuffer buffer, final int offset, final int length, final byte type)
    {
        switch (type)
        {
            case FrameHeaderFlyweight.DATA:
                handler.onData(association, buffer, header.bodyOffset(), length - FrameHeaderFlyweight.LENGTH);
                break;
            case FrameHeaderFlyweight.DIRECT:
                handler.onDirect(association, buffer, header.bodyOffset(), length - FrameHeaderFlyweight.LENGTH);
                break;
            case FrameHeaderFlyweight.BATCH:
                onBatch(association, buffer, offset, length);
                break;
            case FrameHeaderFlyweight.BLOB:
                onBlob(association, header, buffer, length);
                break;
            case FrameHeaderFlyweight.CHUNK:
                onChunk(association, buffer, length);
                break;
            case FrameHeaderFlyweight.HEARTBEAT:
                heartbeatsRead++;
                break;
            case FrameHeaderFlyweight.HELLO:
            case FrameHeaderFlyweight.HELLO_ACK:
                break;
            case FrameHeaderFlyweight.DISASSOCIATE:
                handler.onDisassociate(association);
                break;
            default:
                throw new MalformedFrameException("unknown frame type " + type);
        }
    }

    private void onBatch(final Association association, final DirectBuffer buffer, final int offset, final int length)
    {
        final int count = header.argument();
        final int end = offset + length;
        int position = header.bodyOffset();
        for (int i = 0; i < count; i++)
        {
            if (position + BatchRecordFlyweight.HEADER_LENGTH > end)
            {
                throw new MalformedFrameException("batch of " + count + " ends after " + i + " payloads");
            }
            batchRecord.wrap(buffer, position);
            final int payloadLength = batchRecord.bodyLength();
            final byte recordType = batchRecord.type();
            final int reserved = batchRecord.reserved();
            position = batchRecord.bodyOffset();
            if (payloadLength < 0 || payloadLength > end - position)
            {
                throw new MalformedFrameException("batch payload length " + payloadLength + " does not fit the frame");
            }
            if (0 != reserved)
            {
                throw new MalformedFrameException("batch record of type " + recordType + " with reserved bytes 0x" +
                    Integer.toHexString(reserved));
            }
            if (FrameHeaderFlyweight.DATA == recordType)
            {
                handler.onData(association, buffer, position, payloadLength);
            }
            else if (FrameHeaderFlyweight.DIRECT == recordType)
            {
                handler.onDirect(association, buffer, position, payloadLength);
            }
            else if (FrameHeaderFlyweight.BLOB == recordType)
            {
                onBlob(association, blobRecord(buffer, position, payloadLength), buffer, payloadLength);
            }
            else
            {
                throw new MalformedFrameException("batch record of type " + recordType);
            }
            position += payloadLength;
        }
    }

    /** A BLOB record of a batch carries a whole BLOB frame (its header says which type of body the block holds). */
    private FrameHeaderFlyweight blobRecord(final DirectBuffer buffer, final int position, final int length)
    {
        if (length != BlobDescriptorFlyweight.FRAME_LENGTH)
        {
            throw new MalformedFrameException("a batch's blob record of " + length + " bytes");
        }
        recordHeader.wrap(buffer, position);
        if (FrameHeaderFlyweight.BLOB != recordHeader.type())
        {
            throw new MalformedFrameException("a batch's blob record holding a frame of type " + recordHeader.type());
        }
        return recordHeader;
    }

    /** A BLOB frame, alone or as a batch's record, whose header {@code blobHeader} is wrapped. */
    private void onBlob(final Association association, final FrameHeaderFlyweight blobHeader,
        final DirectBuffer buffer, final int length)
    {
        final int bodyType = blobHeader.argument();
        if (length < BlobDescriptorFlyweight.FRAME_LENGTH)
        {
            throw new MalformedFrameException("a blob descriptor of " + length + " bytes");
        }
        if (FrameHeaderFlyweight.DATA != bodyType && FrameHeaderFlyweight.DIRECT != bodyType)
        {
            throw new MalformedFrameException("a blob descriptor of a body of type " + bodyType);
        }
        blobDescriptor.wrap(buffer, blobHeader.bodyOffset());
        handler.onBlob(association, (byte)bodyType,
            blobDescriptor.blockId(), blobDescriptor.generation(), blobDescriptor.bodyLength());
    }

    /** A CHUNK frame, whose header is wrapped: one piece of a DATA or DIRECT body. */
    private void onChunk(final Association association, final DirectBuffer buffer, final int length)
    {
        final int bodyType = header.argument();
        if (FrameHeaderFlyweight.DATA != bodyType && FrameHeaderFlyweight.DIRECT != bodyType)
        {
            throw new MalformedFrameException("a chunk of a body of type " + bodyType);
        }
        handler.onChunk(association, (byte)bodyType, buffer, header.bodyOffset(), length - FrameHeaderFlyweight.LENGTH);
    }

    /**
     * A frame of an association this node has already ended: data in it is counted as dropped, and the block of a
     * BLOB frame is handed back to its owner (which would otherwise keep it until the claim timeout).
     */
    private void onLateFrame(
        final long sessionKey, final DirectBuffer buffer, final int offset, final int length, final byte type)
    {
        int messages = FrameHeaderFlyweight.DATA == type || FrameHeaderFlyweight.DIRECT == type ||
            FrameHeaderFlyweight.BLOB == type || isFirstChunk(type, buffer, length) ? 1 : 0;
        if (FrameHeaderFlyweight.BATCH == type)
        {
            // the count is the sender's word: only as many as the frame can hold
            final int count = header.argument();
            if (count < 1 || count > (length - FrameHeaderFlyweight.LENGTH) / BatchRecordFlyweight.HEADER_LENGTH)
            {
                handler.onRejected(sessionKey, "a late batch frame of " + length + " bytes claims " + count +
                    " records");
                return;
            }
            messages = count;
        }
        if (messages > 0)
        {
            handler.onLateMessages(sessionKey, messages);
        }
        if (FrameHeaderFlyweight.BLOB == type && length >= BlobDescriptorFlyweight.FRAME_LENGTH)
        {
            onLateBlob(sessionKey, buffer, header.bodyOffset());
        }
        else if (FrameHeaderFlyweight.BATCH == type)
        {
            onLateBatchBlobs(sessionKey, buffer, offset, length, messages);
        }
    }

    /** A late CHUNK frame counts one message at its body's first piece (a body's later pieces are the same message). */
    private boolean isFirstChunk(final byte type, final DirectBuffer buffer, final int length)
    {
        if (FrameHeaderFlyweight.CHUNK != type || length < ChunkFlyweight.FRAME_HEADER_LENGTH)
        {
            return false;
        }
        return 0 == chunk.wrap(buffer, header.bodyOffset(), length - FrameHeaderFlyweight.LENGTH).pieceStart();
    }

    /** The blocks named by the BLOB records of a late batch go back too; the walk stops at the first bad record. */
    private void onLateBatchBlobs(
        final long sessionKey, final DirectBuffer buffer, final int offset, final int length, final int count)
    {
        final int end = offset + length;
        int position = offset + FrameHeaderFlyweight.LENGTH;
        for (int i = 0; i < count && position + BatchRecordFlyweight.HEADER_LENGTH <= end; i++)
        {
            batchRecord.wrap(buffer, position);
            final int bodyLength = batchRecord.bodyLength();
            position = batchRecord.bodyOffset();
            if (bodyLength < 0 || bodyLength > end - position)
            {
                return;
            }
            if (FrameHeaderFlyweight.BLOB == batchRecord.type() && BlobDescriptorFlyweight.FRAME_LENGTH == bodyLength)
            {
                onLateBlob(sessionKey, buffer, position + FrameHeaderFlyweight.LENGTH);
            }
            position += bodyLength;
        }
    }

    private void onLateBlob(final long sessionKey, final DirectBuffer buffer, final int descriptorOffset)
    {
        blobDescriptor.wrap(buffer, descriptorOffset);
        handler.onLateBlob(
            sessionKey, blobDescriptor.blockId(), blobDescriptor.generation(), blobDescriptor.bodyLength());
    }
}
