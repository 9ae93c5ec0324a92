package io.pekkoshm.remote.pekko;

/**
 * What the transport needs to know of classic remoting's wire format (Pekko 1.7, {@code WireFormats.proto}): whether a
 * PDU handed to {@link ShmAssociationHandle#write} carries a message envelope. Classic writes envelopes only on the
 * one association it uses for writing to a peer, while handshakes, heartbeats and pure acknowledgements go on every
 * association; so the association of the last envelope is the one the direct path must write on to stay in the same
 * ordered stream as classic.
 * <pre>
 *   PekkoProtocolMessage     { bytes payload = 1; PekkoControlMessage instruction = 2; }
 *   payload: AckAndEnvelopeContainer { AcknowledgementInfo ack = 1; RemoteEnvelope envelope = 2; }
 * </pre>
 * {@code ClassicPduTest} checks this against PDUs made by Pekko's own codec.
 */
final class ClassicPdu
{
    private static final int LENGTH_DELIMITED = 2;
    private static final int VARINT = 0;
    private static final int PAYLOAD_FIELD = 1;
    private static final int ENVELOPE_FIELD = 2;

    private ClassicPdu()
    {
    }

    /**
     * @param pdu    a classic PDU as handed to the transport.
     * @param length its length.
     * @return true if it is a payload PDU whose container holds a message envelope (not a control PDU, not a pure
     * acknowledgement); false for anything else, malformed input included.
     */
    static boolean carriesEnvelope(final byte[] pdu, final int length)
    {
        if (length < 2 || pdu[0] != (byte)((PAYLOAD_FIELD << 3) | LENGTH_DELIMITED))
        {
            return false;
        }
        long read = varint(pdu, 1, length);
        if (read < 0)
        {
            return false;
        }
        int position = position(read);
        final long end = position + value(read);
        if (end > length)
        {
            return false;
        }
        while (position < end)
        {
            read = varint(pdu, position, (int)end);
            if (read < 0)
            {
                return false;
            }
            position = position(read);
            final int tag = value(read);
            final int wireType = tag & 7;
            if ((tag >>> 3) == ENVELOPE_FIELD && LENGTH_DELIMITED == wireType)
            {
                return true;
            }
            if (LENGTH_DELIMITED != wireType && VARINT != wireType)
            {
                return false;
            }
            read = varint(pdu, position, (int)end);
            if (read < 0)
            {
                return false;
            }
            position = LENGTH_DELIMITED == wireType ? position(read) + value(read) : position(read);
        }
        return false;
    }

    /**
     * A protobuf varint of at most 31 bits at {@code position}: its value in the high and the position after it in
     * the low half of the result; -1 if it runs past {@code limit} or is larger (nothing this reads is).
     */
    private static long varint(final byte[] bytes, final int position, final int limit)
    {
        long value = 0;
        int at = position;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (at >= limit)
            {
                return -1;
            }
            final byte b = bytes[at++];
            value |= (long)(b & 0x7F) << shift;
            if (b >= 0)
            {
                return value > Integer.MAX_VALUE ? -1 : (value << 32) | at;
            }
        }
        return -1;
    }

    private static int value(final long read)
    {
        return (int)(read >>> 32);
    }

    private static int position(final long read)
    {
        return (int)read;
    }
}
