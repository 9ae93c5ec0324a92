package io.pekkoshm.remote.pekko;

import org.apache.pekko.remote.WireFormats;
import org.apache.pekko.remote.transport.AssociationHandle;
import org.apache.pekko.remote.transport.PekkoPduProtobufCodec$;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct path's route follows the association classic remoting writes messages on, recognised by the PDUs it
 * writes: checked against PDUs made by Pekko's own codec, so that a change of Pekko's wire format fails here.
 */
@SuppressWarnings("deprecation") // AssociationHandle: classic remoting's, which the transport implements
class ClassicPduTest
{
    private static final PekkoPduProtobufCodec$ CODEC = PekkoPduProtobufCodec$.MODULE$;

    @Test
    void shouldRecogniseAMessageEnvelopeWithAndWithoutAPiggybackedAck()
    {
        assertTrue(carriesEnvelope(CODEC.constructPayload(container(false))));
        assertTrue(carriesEnvelope(CODEC.constructPayload(container(true))));
    }

    @Test
    void shouldNotTakeHeartbeatsHandshakesDisassociationsOrPureAcksForMessages()
    {
        assertFalse(carriesEnvelope(CODEC.constructHeartbeat()));
        assertFalse(carriesEnvelope(CODEC.constructDisassociate(AssociationHandle.Unknown$.MODULE$)));
        assertFalse(carriesEnvelope(CODEC.constructPayload(ByteString.fromArray(
            WireFormats.AckAndEnvelopeContainer.newBuilder().setAck(ack()).build().toByteArray()))));
    }

    @Test
    void shouldAnswerFalseForEveryTruncationOfAMessagePduWithoutThrowing()
    {
        final byte[] whole = CODEC.constructPayload(container(true)).toArray();
        for (int length = 0; length < whole.length; length++)
        {
            // a cut inside the ack or the envelope's length prefix is malformed; only a complete prefix up to the
            // envelope's tag may be recognised
            ClassicPdu.carriesEnvelope(whole, length);
        }
        assertFalse(ClassicPdu.carriesEnvelope(whole, 1));
        assertFalse(ClassicPdu.carriesEnvelope(new byte[] { 0x0A, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF,
            (byte)0xFF, 0x01 }, 7));
        assertTrue(ClassicPdu.carriesEnvelope(whole, whole.length));
    }

    private static boolean carriesEnvelope(final ByteString pdu)
    {
        final byte[] bytes = pdu.toArray();
        return ClassicPdu.carriesEnvelope(bytes, bytes.length);
    }

    private static ByteString container(final boolean withAck)
    {
        final WireFormats.AckAndEnvelopeContainer.Builder builder = WireFormats.AckAndEnvelopeContainer.newBuilder()
            .setEnvelope(WireFormats.RemoteEnvelope.newBuilder()
                .setRecipient(WireFormats.ActorRefData.newBuilder().setPath("pekko.tcp://sys@localhost:2552/user/a"))
                .setMessage(WireFormats.SerializedMessage.newBuilder()
                    .setMessage(org.apache.pekko.protobufv3.internal.ByteString.copyFromUtf8("hello"))
                    .setSerializerId(20))
                .setSeq(7));
        if (withAck)
        {
            builder.setAck(ack());
        }
        return ByteString.fromArray(builder.build().toByteArray());
    }

    private static WireFormats.AcknowledgementInfo.Builder ack()
    {
        return WireFormats.AcknowledgementInfo.newBuilder().setCumulativeAck(41).addNacks(39).addNacks(40);
    }
}
