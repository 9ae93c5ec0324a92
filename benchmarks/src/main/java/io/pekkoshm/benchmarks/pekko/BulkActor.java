package io.pekkoshm.benchmarks.pekko;

import io.pekkoshm.benchmarks.workloads.Wire;
import org.apache.pekko.actor.AbstractActor;

/**
 * The receiving side of large messages at {@code /user/bulk} (its own path, so Artery can route it through its
 * large-message stream): acknowledges each message.
 */
final class BulkActor extends AbstractActor
{
    private final byte[] ack = Wire.message(Wire.BULK_ACK, 16);

    @Override
    public Receive createReceive()
    {
        return receiveBuilder().match(byte[].class, m -> getSender().tell(ack, getSelf())).build();
    }
}
