package io.pekkoshm.benchmarks.pekko;

import io.pekkoshm.benchmarks.workloads.Wire;
import org.apache.pekko.actor.AbstractActor;

/**
 * The receiving side at {@code /user/peer}: acknowledges every {@link Wire#ACK_EVERY} stream messages and answers
 * pings with the same bytes.
 */
final class PeerActor extends AbstractActor
{
    private final byte[] ack = Wire.message(Wire.ACK, 16);
    private long received;

    @Override
    public Receive createReceive()
    {
        return receiveBuilder().match(byte[].class, this::onBytes).build();
    }

    private void onBytes(final byte[] message)
    {
        switch (message[0])
        {
            case Wire.STREAM:
                if (++received % Wire.ACK_EVERY == 0)
                {
                    getSender().tell(ack, getSelf());
                }
                break;
            case Wire.PING:
                getSender().tell(message, getSelf());
                break;
            default:
                break;
        }
    }
}
