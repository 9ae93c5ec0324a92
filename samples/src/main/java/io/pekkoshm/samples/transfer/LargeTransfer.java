package io.pekkoshm.samples.transfer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.blob.SharedBlob;
import io.pekkoshm.remote.blob.ShmBlobs;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.samples.support.Args;
import io.pekkoshm.samples.support.ChildProcess;
import io.pekkoshm.samples.support.SampleFailure;
import io.pekkoshm.samples.support.Samples;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.agrona.MutableDirectBuffer;
import org.apache.pekko.remote.DisassociatedEvent;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * A large transfer with a checksum, the plugin's large-message case: this JVM (the sender) starts a second one
 * ({@link Receiver}), sends it one {@code byte[]} of 1 GiB (by default twice: the first fill of a shared-memory block
 * and a warm one), and both sides print the payload's CRC32; the sender prints MiB/s.
 * <pre>
 *   mvn -q -Ptransfer -pl samples -am verify -DskipTests [-Dsample.args="--size-mib 256 --count 3"]
 * </pre>
 * Options: {@code --size-mib N}, {@code --count N}, {@code --mode serialized|zero-copy}.
 * <p>
 * Mode {@code serialized} (the default) is ordinary Pekko: the {@code byte[]} goes through Pekko's
 * ByteArraySerializer, classic remoting's envelope, and the transport's blob store (one copy into shared memory on
 * the sending side, one out of it on the receiving side). Classic remoting holds several heap copies of the message
 * on each side, hence the large heaps the Maven profile gives both JVMs ({@code -Xms6g -Xmx6g}: a heap fixed at its
 * full size, since one that shrinks and grows again pays page faults on GiBs per message; the receiver gets this
 * JVM's heap options). Mode {@code zero-copy} uses the plugin's zero-copy API instead: see {@link #zeroCopyTransfer}.
 */
public final class LargeTransfer
{
    /** Bytes in a mebibyte. */
    static final int MiB = 1024 * 1024;
    /** The largest payload the sample sends in one message (the blob store's limit is 2 GiB less a page). */
    private static final long MAX_SIZE_MIB = 2000;
    /** Heap copies of the payload classic remoting may hold at once on one side (measured: 1 GiB fits in 6 GiB). */
    private static final long HEAP_COPIES = 5;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(5);

    private LargeTransfer()
    {
    }

    /**
     * Completes {@code receiver} when the receiver says it is up, and {@code lost} if the association with it ends
     * afterwards (then an answer in flight is lost with it, and waiting longer is pointless). Classic remoting's
     * lifecycle events are deprecated together with classic remoting, which this transport plugs into.
     */
    @SuppressWarnings("deprecation")
    static final class Sender extends AbstractActor
    {
        private final CompletableFuture<ActorRef> receiver;
        private final CompletableFuture<String> lost;

        Sender(final CompletableFuture<ActorRef> receiver, final CompletableFuture<String> lost)
        {
            this.receiver = receiver;
            this.lost = lost;
        }

        @Override
        public void preStart()
        {
            getContext().getSystem().getEventStream().subscribe(getSelf(), DisassociatedEvent.class);
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(TransferProtocol.Ready.class, ready -> receiver.complete(getSender()))
                .match(DisassociatedEvent.class, event ->
                {
                    if (receiver.isDone() && event.getRemoteAddress().equals(receiver.join().path().address()))
                    {
                        lost.complete(event.toString());
                    }
                })
                .build();
        }
    }

    /**
     * @param args {@code [--size-mib N] [--count N] [--mode serialized|zero-copy]}.
     */
    public static void main(final String[] args)
    {
        Samples.runAndExit("transfer", () ->
        {
            final Args options = Args.parse("transfer", args, "size-mib", "1024", "count", "2", "mode", "serialized");
            final long sizeMib = options.number("size-mib", 1);
            final long count = options.number("count", 1);
            if (sizeMib > MAX_SIZE_MIB)
            {
                throw new SampleFailure("--size-mib is at most " + MAX_SIZE_MIB + " (one message)");
            }
            switch (options.string("mode"))
            {
                case "serialized":
                    serializedTransfer((int)(sizeMib * MiB), count);
                    break;
                case "zero-copy":
                    zeroCopyTransfer((int)(sizeMib * MiB), count);
                    break;
                default:
                    throw new SampleFailure("--mode is serialized or zero-copy, not " + options.string("mode"));
            }
        });
    }

    /** One message to send and the CRC32 of its payload. */
    private record Payload(Object message, long crc32)
    {
    }

    /** Makes the message of each transfer; runs on the sender, in the sender's actor system. */
    private interface PayloadSource
    {
        Payload next(ActorSystem system, int size);
    }

    /**
     * Mode {@code zero-copy}: each transfer allocates a shared buffer from this node ({@link ShmBlobs#allocate}),
     * fills it in place (no {@code byte[]} on the heap), and sends the {@link SharedBlob} itself; the receiver reads
     * the very same memory (its CRC32 without a copy), releases it, and the block comes back to this node's pool warm
     * for the next transfer. Heaps stay small: nothing of the payload is on either heap.
     */
    private static void zeroCopyTransfer(final int size, final long count) throws Exception
    {
        transfer(size, count, List.of("-Xmx256m"), "through the zero-copy API: filled in place in shared memory, " +
            "read in place by the receiver", (system, length) ->
            {
                final SharedBlob blob = ShmBlobs.get(system).allocate(length);
                fill(blob.buffer(), length);
                return new Payload(blob, crc32(blob.byteBuffer()));
            });
    }

    private static void serializedTransfer(final int size, final long count) throws Exception
    {
        final long heapNeeded = HEAP_COPIES * size + 256L * MiB;
        if (Runtime.getRuntime().maxMemory() < heapNeeded)
        {
            throw new SampleFailure(String.format("a %,d MiB message needs a heap of about %,d MiB on each side " +
                "(classic remoting holds several copies of it), this JVM has %,d MiB: run it with -Xmx%dm or more " +
                "(the receiver gets the same heap options)", size / MiB, heapNeeded / MiB,
                Runtime.getRuntime().maxMemory() / MiB, heapNeeded / MiB));
        }
        final byte[] bytes = new byte[size];
        fill(bytes);
        final Payload payload = new Payload(bytes, crc32(bytes));
        Samples.say(String.format("transfer: sending %,d MiB, CRC32 %08x, %d time(s), as an ordinary byte[] message",
            size / MiB, payload.crc32(), count));
        transfer(size, count, heapOptions(), "as an ordinary byte[] message", (system, length) -> payload);
    }

    /**
     * Starts the sender's actor system and the receiver's JVM, sends {@code count} messages from {@code source} one
     * at a time, and checks length and CRC32 of each on the receiver's answer.
     */
    private static void transfer(final int size, final long count, final List<String> receiverJvmOptions,
        final String how, final PayloadSource source) throws Exception
    {
        final Config config = ConfigFactory.load("transfer");
        final ShmSettings settings = ShmSettings.fromRootConfig(config);
        final ActorSystem system = ActorSystem.create("sender", config);
        try
        {
            final CompletableFuture<ActorRef> ready = new CompletableFuture<>();
            final CompletableFuture<String> lost = new CompletableFuture<>();
            system.actorOf(Props.create(Sender.class, () -> new Sender(ready, lost)), "sender");
            final String address = ShmRemote.get(system).address().orElseThrow().toString();
            Samples.say("transfer: sender " + address + ", shared memory in " + settings.transport().directory());
            try (ChildProcess receiverJvm = ChildProcess.start("receiver", Receiver.class, receiverJvmOptions, address))
            {
                final ActorRef receiver = Samples.await(ready, Duration.ofSeconds(60), "word from the receiver",
                    receiverJvm);
                Samples.say(String.format("transfer: sending %,d MiB %d time(s) %s", size / MiB, count, how));
                for (long i = 1; i <= count; i++)
                {
                    final Payload payload = source.next(system, size);
                    final long sentAt = System.nanoTime();
                    final long transfer = i;
                    final TransferProtocol.Received received = (TransferProtocol.Received)Samples.await(
                        CompletableFuture.anyOf(
                            Patterns.ask(receiver, payload.message(), TRANSFER_TIMEOUT).toCompletableFuture(),
                            lost.thenApply(reason ->
                            {
                                throw new SampleFailure("the association with the receiver ended during transfer " +
                                    transfer + " (" + reason + "), and the answer with it. Was a JVM paused for " +
                                    "longer than pekko.remote.shm.peer-timeout? See the log above.");
                            })),
                        TRANSFER_TIMEOUT, "answer to transfer " + i, receiverJvm);
                    final double seconds = (received.receivedNanos() - sentAt) / 1e9;
                    if (received.length() != size || received.crc32() != payload.crc32())
                    {
                        throw new SampleFailure(String.format("transfer %d: sent %,d bytes with CRC32 %08x, the " +
                            "receiver got %,d bytes with CRC32 %08x", i, size, payload.crc32(), received.length(),
                            received.crc32()));
                    }
                    Samples.say(String.format("transfer %d of %d: %,d MiB in %.3f s = %,.0f MiB/s (send to delivery " +
                        "to the receiving actor); CRC32 %08x on both sides", i, count, size / MiB, seconds,
                        size / (double)MiB / seconds, received.crc32()));
                }
                final ShmCountersSnapshot counters = ShmRemote.get(system).counters();
                Samples.say(String.format("transfer: counters: blobs sent %d, messages dropped %d",
                    counters.blobsSent(), counters.messagesDropped()));
                receiver.tell(new TransferProtocol.Stop(), ActorRef.noSender());
                receiverJvm.awaitSuccessfulExit(Duration.ofSeconds(60));
            }
        }
        finally
        {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        Samples.awaitSharedMemoryReleased(settings);
    }

    /** This JVM's heap size and garbage collector options, for the receiver, which holds as many copies. */
    private static List<String> heapOptions()
    {
        final List<String> options = new ArrayList<>();
        for (final String option : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (option.startsWith("-Xmx") || option.startsWith("-Xms") ||
                (option.startsWith("-XX:+Use") && option.endsWith("GC")))
            {
                options.add(option);
            }
        }
        return options;
    }

    /** Fills the payload with pseudo-random bytes (xorshift64), fast enough for a GiB. */
    static void fill(final byte[] payload)
    {
        final LongBuffer longs = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        long x = 0x9E3779B97F4A7C15L ^ payload.length;
        while (longs.hasRemaining())
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            longs.put(x);
        }
        for (int i = longs.capacity() * Long.BYTES; i < payload.length; i++)
        {
            payload[i] = (byte)i;
        }
    }

    /** As {@link #fill(byte[])}, in place in a shared buffer: the same bytes for the same length. */
    static void fill(final MutableDirectBuffer buffer, final int length)
    {
        long x = 0x9E3779B97F4A7C15L ^ length;
        final int longs = length / Long.BYTES;
        for (int i = 0; i < longs; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            buffer.putLong(i * Long.BYTES, x, ByteOrder.LITTLE_ENDIAN);
        }
        for (int i = longs * Long.BYTES; i < length; i++)
        {
            buffer.putByte(i, (byte)i);
        }
    }

    /**
     * @param bytes a view of the payload (read from its position to its limit, without copying it to the heap).
     * @return its CRC32.
     */
    static long crc32(final ByteBuffer bytes)
    {
        final CRC32 crc = new CRC32();
        crc.update(bytes.duplicate());
        return crc.getValue();
    }

    /**
     * @param bytes the payload.
     * @return its CRC32.
     */
    static long crc32(final byte[] bytes)
    {
        final CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        return crc.getValue();
    }
}
