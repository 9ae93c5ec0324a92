package io.pekkoshm.remote.transport;

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
    private final Associations associations;
    private final FrameHandler handler;

    InboundFrames(final Associations associations, final FrameHandler handler)
    {
        this.associations = associations;
        this.handler = handler;
    }

    /**
     * One whole frame (Aeron's fragments already assembled).
     *
     * @param sessionId the session of the publication it came from.
     * @param nowNs     the duty cycle's clock: the association heard from its peer now.
     */
    void onFrame(final int sessionId, final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        if (length < FrameHeader.LENGTH || FrameHeader.VERSION != FrameHeader.version(buffer, offset))
        {
            final String reason = length < FrameHeader.LENGTH ? "a frame of " + length + " bytes" :
                "wire format version " + FrameHeader.version(buffer, offset) + ", this node speaks " + FrameHeader.VERSION;
            final Association association = associations.bySession(sessionId);
            if (null != association)
            {
                handler.onMalformed(association, "the peer sent " + reason);
            }
            else
            {
                handler.onRejected(sessionId, reason);
            }
            return;
        }

        final byte type = FrameHeader.type(buffer, offset);
        final Association association = associations.bySession(sessionId);
        try
        {
            if (null == association)
            {
                onSessionFrame(sessionId, buffer, offset, length, type);
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
                handler.onRejected(sessionId, ex.getMessage());
            }
        }
    }

    private void onSessionFrame(
        final int sessionId, final DirectBuffer buffer, final int offset, final int length, final byte type)
    {
        if (associations.isEnded(sessionId))
        {
            onLateFrame(sessionId, buffer, offset, length, type);
        }
        else if (FrameHeader.HELLO == type)
        {
            handler.onHello(sessionId, buffer, offset, length);
        }
        else if (FrameHeader.HELLO_ACK == type)
        {
            handler.onHelloAck(sessionId, buffer, offset, length);
        }
        else
        {
            handler.onRejected(sessionId, FrameHeader.typeName(type) + " frame from a session without handshake");
        }
    }

    private void onAssociationFrame(
        final Association association, final DirectBuffer buffer, final int offset, final int length, final byte type)
    {
        switch (type)
        {
            case FrameHeader.DATA:
                handler.onData(association, buffer, offset + FrameHeader.LENGTH, length - FrameHeader.LENGTH);
                break;
            case FrameHeader.DIRECT:
                handler.onDirect(association, buffer, offset + FrameHeader.LENGTH, length - FrameHeader.LENGTH);
                break;
            case FrameHeader.BATCH:
                onBatch(association, buffer, offset, length);
                break;
            case FrameHeader.BLOB:
                onBlob(association, buffer, offset, length);
                break;
            case FrameHeader.HEARTBEAT:
            case FrameHeader.HELLO:
            case FrameHeader.HELLO_ACK:
                break;
            case FrameHeader.DISASSOCIATE:
                handler.onDisassociate(association);
                break;
            default:
                throw new MalformedFrameException("unknown frame type " + type);
        }
    }

    private void onBatch(final Association association, final DirectBuffer buffer, final int offset, final int length)
    {
        final int count = FrameHeader.argument(buffer, offset);
        final int end = offset + length;
        int position = offset + FrameHeader.LENGTH;
        for (int i = 0; i < count; i++)
        {
            if (position + FrameHeader.BATCH_RECORD_HEADER_LENGTH > end)
            {
                throw new MalformedFrameException("batch of " + count + " ends after " + i + " payloads");
            }
            final int payloadLength = buffer.getInt(position);
            final int recordType = buffer.getInt(position + FrameHeader.BATCH_RECORD_TYPE_OFFSET);
            position += FrameHeader.BATCH_RECORD_HEADER_LENGTH;
            if (payloadLength < 0 || payloadLength > end - position)
            {
                throw new MalformedFrameException("batch payload length " + payloadLength + " does not fit the frame");
            }
            if (FrameHeader.DATA == recordType)
            {
                handler.onData(association, buffer, position, payloadLength);
            }
            else if (FrameHeader.DIRECT == recordType)
            {
                handler.onDirect(association, buffer, position, payloadLength);
            }
            else
            {
                throw new MalformedFrameException("batch record of type " + recordType);
            }
            position += payloadLength;
        }
    }

    private void onBlob(final Association association, final DirectBuffer buffer, final int offset, final int length)
    {
        final int bodyType = FrameHeader.argument(buffer, offset);
        if (length < FrameHeader.BLOB_FRAME_LENGTH)
        {
            throw new MalformedFrameException("a blob descriptor of " + length + " bytes");
        }
        if (FrameHeader.DATA != bodyType && FrameHeader.DIRECT != bodyType)
        {
            throw new MalformedFrameException("a blob descriptor of a body of type " + bodyType);
        }
        handler.onBlob(association, (byte)bodyType,
            buffer.getLong(offset + FrameHeader.BLOB_ID_OFFSET),
            buffer.getLong(offset + FrameHeader.BLOB_GENERATION_OFFSET),
            buffer.getLong(offset + FrameHeader.BLOB_LENGTH_OFFSET));
    }

    /** A frame of an association this node has already ended: data in it is counted as dropped, nothing else. */
    private void onLateFrame(
        final int sessionId, final DirectBuffer buffer, final int offset, final int length, final byte type)
    {
        int messages = FrameHeader.DATA == type || FrameHeader.DIRECT == type || FrameHeader.BLOB == type ? 1 : 0;
        if (FrameHeader.BATCH == type)
        {
            // the count is the sender's word: only as many as the frame can hold
            final int count = FrameHeader.argument(buffer, offset);
            if (count < 1 || count > (length - FrameHeader.LENGTH) / FrameHeader.BATCH_RECORD_HEADER_LENGTH)
            {
                handler.onRejected(sessionId, "a late batch frame of " + length + " bytes claims " + count +
                    " records");
                return;
            }
            messages = count;
        }
        if (messages > 0)
        {
            handler.onLateMessages(sessionId, messages);
        }
    }
}
