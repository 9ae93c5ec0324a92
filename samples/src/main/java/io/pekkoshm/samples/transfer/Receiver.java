package io.pekkoshm.samples.transfer;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.blob.SharedBlob;
import io.pekkoshm.samples.support.SampleChild;
import io.pekkoshm.samples.support.Samples;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The receiving JVM of the transfer sample: takes each payload (a {@code byte[]}, or a zero-copy {@link SharedBlob}
 * read where it lies and then released), computes its CRC32 and answers with it. Started by
 * {@link LargeTransfer} with the sender's address.
 */
public final class Receiver
{
    private Receiver()
    {
    }

    static final class Checker extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(byte[].class, payload ->
                {
                    final long receivedAt = System.nanoTime();
                    final long crc = LargeTransfer.crc32(payload);
                    Samples.say(String.format("received %,d MiB, CRC32 %08x", payload.length / LargeTransfer.MiB, crc));
                    getSender().tell(new TransferProtocol.Received(payload.length, crc, receivedAt), getSelf());
                })
                .match(SharedBlob.class, blob ->
                {
                    final long receivedAt = System.nanoTime();
                    final long crc = LargeTransfer.crc32(blob.byteBuffer());
                    final long length = blob.length();
                    blob.release();
                    Samples.say(String.format("received %,d MiB in shared memory (zero-copy), CRC32 %08x",
                        length / LargeTransfer.MiB, crc));
                    getSender().tell(new TransferProtocol.Received(length, crc, receivedAt), getSelf());
                })
                .match(TransferProtocol.Stop.class, stop -> getContext().getSystem().terminate())
                .build();
        }
    }

    /**
     * @param args the sender's address.
     */
    public static void main(final String[] args)
    {
        SampleChild.exitWhenParentExits();
        Samples.runAndExit("receiver", () ->
        {
            final ActorSystem system = ActorSystem.create("receiver", ConfigFactory.load("transfer"));
            final ActorRef checker = system.actorOf(Props.create(Checker.class), "receiver");
            system.actorSelection(args[0] + "/user/sender").tell(new TransferProtocol.Ready(), checker);
            system.getWhenTerminated().toCompletableFuture().get(Duration.ofHours(1).toMillis(), TimeUnit.MILLISECONDS);
        });
    }
}
