package io.pekkoshm.benchmarks.zerocopy;

import io.pekkoshm.benchmarks.workloads.MessageSink;
import io.pekkoshm.benchmarks.workloads.Wire;
import io.pekkoshm.remote.blob.SharedBlob;
import io.pekkoshm.remote.blob.ShmBlobs;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.nio.ByteBuffer;

/**
 * The bandwidth workload over the plugin's zero-copy API (the {@code shm-zero-copy} column). Only the plugin's JVMs
 * load this class (never those of Artery Aeron-UDP, whose class path has another Agrona).
 * <ul>
 *   <li>Driver: each message is a {@link SharedBlob} of the message's size, filled by one copy from a direct buffer
 *       prepared beforehand (the copy the memcpy column measures alone: data the application made elsewhere is
 *       moved into shared memory once), then sent to the peer's {@code /user/bulk}.</li>
 *   <li>Peer: reads the blob's first byte in place, releases the blob (its block goes back to the driver's pool) and
 *       acknowledges, as the byte[] workload's peer does.</li>
 * </ul>
 */
public final class ZeroCopyBulk
{
    private ZeroCopyBulk()
    {
    }

    /** The driver's sink: a blob per message, one copy into it, tell. */
    public static MessageSink sink(final ActorSystem system, final ActorRef bulk, final ActorRef sender)
    {
        final ShmBlobs blobs = ShmBlobs.get(system);
        final UnsafeBuffer source = new UnsafeBuffer(0, 0);
        return message ->
        {
            if (source.capacity() != message.length)
            {
                source.wrap(ByteBuffer.allocateDirect(message.length));
                source.putBytes(0, message);
            }
            final SharedBlob blob = blobs.allocate(message.length);
            blob.buffer().putBytes(0, source, 0, message.length);
            bulk.tell(blob, sender);
        };
    }

    /** The peer's {@code /user/bulk}. */
    public static Props peerProps()
    {
        return Props.create(Receiver.class);
    }

    /** Reads a blob in place, releases it, acknowledges. */
    static final class Receiver extends AbstractActor
    {
        private final byte[] ack = Wire.message(Wire.BULK_ACK, 16);

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(SharedBlob.class, blob ->
            {
                try (blob)
                {
                    if (Wire.BULK != blob.buffer().getByte(0))
                    {
                        throw new IllegalStateException("not a bulk message: " + blob);
                    }
                }
                getSender().tell(ack, getSelf());
            }).build();
        }
    }
}
