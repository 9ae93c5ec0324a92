package io.pekkoshm.remote.blob;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.serialization.KryoMessage;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import io.pekkoshm.remote.wire.BlobHeaderFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The zero-copy API between two actor systems of one JVM, each its own pekko.shm node. */
@Timeout(120)
class SharedBlobTest
{
    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final int MiB = 1024 * 1024;
    /** The receiver writes this where the sender's checksum was, to show it wrote the sender's very memory. */
    static final long MARKER = 0x5A45524F434F5059L; // "ZEROCOPY"

    private Path directory;
    private ActorSystem a;
    private ActorSystem b;

    /** A message carrying a blob next to ordinary fields, through the Kryo serializer. */
    public record Carrier(String name, SharedBlob blob) implements KryoMessage
    {
    }

    /**
     * Receives blobs (alone or in a {@link Carrier}): checks each, overwrites its checksum with {@link #MARKER}, keeps
     * it and answers "ok LENGTH FILE" (or "BAD ..."); "release" releases all it holds and answers "released N".
     */
    static final class Holder extends AbstractActor
    {
        private final List<SharedBlob> held = new ArrayList<>();

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(SharedBlob.class, this::onBlob)
                .match(Carrier.class, carrier -> onBlob(carrier.blob()))
                .matchEquals("release", m ->
                {
                    held.forEach(SharedBlob::release);
                    getSender().tell("released " + held.size(), getSelf());
                    held.clear();
                })
                .build();
        }

        private void onBlob(final SharedBlob blob)
        {
            final boolean intact = isIntact(blob.buffer(), blob.length());
            blob.buffer().putLong(0, MARKER, ByteOrder.LITTLE_ENDIAN);
            held.add(blob);
            getSender().tell((intact ? "ok " : "BAD ") + blob.length() + " " + blob.file() + " " +
                blob.isReceived(), getSelf());
        }
    }

    private void start(final String extraConfig)
    {
        directory = ShmTestDirectory.newPath("shared-blob");
        a = ActorSystem.create("a",
            ConfigFactory.parseString(extraConfig).withFallback(EmbeddedNodes.config(directory, 0)));
        b = ActorSystem.create("b",
            ConfigFactory.parseString(extraConfig).withFallback(EmbeddedNodes.config(directory, 0)));
        b.actorOf(Props.create(Holder.class), "holder");
    }

    @AfterEach
    void stop()
    {
        EmbeddedNodes.shutdown(b, a);
        if (null != directory)
        {
            final boolean gone = !Files.exists(directory);
            final String left = ShmTestDirectory.describe(directory);
            ShmTestDirectory.deleteRecursively(directory);
            assertTrue(gone, "the shared-memory directory should be gone: " + left);
        }
    }

    private ActorRef holderOfB(final TestKit probe)
    {
        final String path = ShmRemote.get(b).address().orElseThrow() + "/user/holder";
        a.actorSelection(path).tell(new Identify(path), probe.getRef());
        return probe.expectMsgClass(AWAIT, ActorIdentity.class).getActorRef().orElseThrow();
    }

    @Test
    void shouldHandTheReceiverTheSameSharedMemoryWithoutACopy() throws IOException
    {
        start("");
        final TestKit probe = new TestKit(a);
        final ActorRef holder = holderOfB(probe);
        final SharedBlob blob = ShmBlobs.get(a).allocate(8 * MiB + 5);
        fill(blob.buffer(), blob.length(), 1);
        final Path file = blob.file();
        final long poolBytes = ShmBlobs.get(a).stats().poolBytes();

        holder.tell(blob, probe.getRef());

        assertEquals("ok " + (8 * MiB + 5) + " " + file + " true", probe.expectMsgClass(AWAIT, String.class),
            "the receiver checked the sender's bytes in the sender's file");
        assertEquals(MARKER, readLong(file, 0), "what the receiver wrote is in the sender's block file");
        assertEquals(1, ShmBlobs.get(a).stats().inFlight());
        assertEquals(1, ShmBlobs.get(b).stats().heldNow());

        holder.tell("release", probe.getRef());
        probe.expectMsgEquals(AWAIT, "released 1");
        Await.until(AWAIT, () -> 0 == ShmBlobs.get(a).stats().inFlight(), () -> "block back: " +
            ShmBlobs.get(a).stats());
        assertEquals(0, ShmBlobs.get(b).stats().heldNow());

        final SharedBlob again = ShmBlobs.get(a).allocate(8 * MiB);
        assertEquals(file, again.file(), "the block came back to the pool and is reused");
        assertEquals(poolBytes, ShmBlobs.get(a).stats().poolBytes(), "no new block");
        again.release();
        final SharedBlobStats stats = ShmBlobs.get(a).stats();
        assertEquals(2, stats.allocated());
        assertEquals(1, stats.sent());
        assertEquals(0, stats.allocatedNow());
        assertEquals(1, ShmBlobs.get(b).stats().received());
    }

    @Test
    void shouldRevokeTheSendersViewOnceTheBlobIsSent()
    {
        start("");
        final TestKit probe = new TestKit(a);
        final ActorRef holder = holderOfB(probe);
        final SharedBlob blob = ShmBlobs.get(a).allocate(MiB);
        final MutableDirectBuffer view = blob.buffer();
        fill(view, blob.length(), 2);

        holder.tell(blob, probe.getRef());
        probe.expectMsgClass(AWAIT, String.class);

        assertFalse(blob.isHeld());
        assertThrows(IllegalStateException.class, blob::buffer);
        assertThrows(IllegalStateException.class, blob::byteBuffer);
        assertThrows(IndexOutOfBoundsException.class, () -> view.putByte(0, (byte)1), "the old view is revoked");
        blob.release(); // does nothing to a sent blob: the receiver holds it
        assertEquals(1, ShmBlobs.get(a).stats().inFlight());
        holder.tell("release", probe.getRef());
        probe.expectMsgEquals(AWAIT, "released 1");
    }

    @Test
    void shouldCarryABlobInsideAKryoMessage()
    {
        start("pekko.remote.shm.kryo.classes { \"" + Carrier.class.getName() + "\" = 100 }");
        final TestKit probe = new TestKit(a);
        final ActorRef holder = holderOfB(probe);
        final SharedBlob blob = ShmBlobs.get(a).allocate(3 * MiB);
        fill(blob.buffer(), blob.length(), 3);

        holder.tell(new Carrier("with a blob", blob), probe.getRef());

        assertEquals("ok " + 3 * MiB + " " + blob.file() + " true", probe.expectMsgClass(AWAIT, String.class));
        holder.tell("release", probe.getRef());
        probe.expectMsgEquals(AWAIT, "released 1");
        Await.until(AWAIT, () -> 0 == ShmBlobs.get(a).stats().inFlight(), () -> "back: " + ShmBlobs.get(a).stats());
    }

    @Test
    void shouldDeliverABlobOnlyOnceWhenItIsSentTwice()
    {
        start("");
        final TestKit probe = new TestKit(a);
        final ActorRef holder = holderOfB(probe);
        final SharedBlob blob = ShmBlobs.get(a).allocate(MiB);
        fill(blob.buffer(), blob.length(), 4);

        holder.tell(blob, probe.getRef());
        holder.tell(blob, probe.getRef());
        holder.tell("release", probe.getRef());

        assertTrue(probe.expectMsgClass(AWAIT, String.class).startsWith("ok "));
        assertEquals("released 1", probe.expectMsgClass(AWAIT, String.class),
            "the second message carrying the same blob is dropped by the receiver (messages keep their order)");
        assertEquals(1, ShmBlobs.get(b).stats().received());
    }

    @Test
    void shouldReleaseTheBlobsAReceiverHoldsWhenItsActorSystemTerminates()
    {
        start("");
        final TestKit probe = new TestKit(a);
        final ActorRef holder = holderOfB(probe);
        for (int i = 0; i < 3; i++)
        {
            final SharedBlob blob = ShmBlobs.get(a).allocate(2 * MiB);
            fill(blob.buffer(), blob.length(), 10 + i);
            holder.tell(blob, probe.getRef());
            assertTrue(probe.expectMsgClass(AWAIT, String.class).startsWith("ok "));
        }
        assertEquals(3, ShmBlobs.get(a).stats().inFlight());

        TestKit.shutdownActorSystem(b);
        b = null;

        Await.until(AWAIT, () -> 0 == ShmBlobs.get(a).stats().inFlight(), () -> "blocks back: " +
            ShmBlobs.get(a).stats());
        assertEquals(0, ShmBlobs.get(a).stats().reclaimed(), "handed back by the receiver, not reclaimed");
    }

    @Test
    void shouldTakeBackABlobNobodyClaimsWithinTheClaimTimeout() throws Exception
    {
        start("pekko.remote.shm.blob.claim-timeout = 500 ms");
        final SharedBlob blob = ShmBlobs.get(a).allocate(MiB);
        final Serialization serialization = SerializationExtension.get(a);
        final Serializer serializer = serialization.findSerializerFor(blob);
        final byte[] descriptor = serializer.toBinary(blob); // as if its message were lost after serialization
        assertEquals(48, descriptor.length);
        assertEquals(1, ShmBlobs.get(a).stats().inFlight());

        Await.until(AWAIT, () -> 0 == ShmBlobs.get(a).stats().inFlight(), () -> "taken back: " +
            ShmBlobs.get(a).stats());
        assertEquals(1, ShmBlobs.get(a).stats().reclaimed());

        final Exception late = assertThrows(Exception.class, () ->
            SerializationExtension.get(b).deserialize(descriptor, serializer.identifier(), "").get());
        assertTrue(late.getMessage().contains("not SENT"), late.getMessage());
        assertEquals(0, ShmBlobs.get(b).stats().heldNow());
    }

    @Test
    void shouldRefuseToSendOnABlobItReceived()
    {
        start("");
        final SharedBlob blob = ShmBlobs.get(a).allocate(MiB);
        final Serializer serializer = SerializationExtension.get(a).findSerializerFor(blob);
        final SharedBlob received = (SharedBlob)SerializationExtension.get(b)
            .deserialize(serializer.toBinary(blob), serializer.identifier(), "").get();
        assertTrue(received.isReceived());

        final Exception ex = assertThrows(IllegalStateException.class, () -> serializer.toBinary(received));
        assertTrue(ex.getMessage().contains("cannot be sent on"), ex.getMessage());
        received.release();
        Await.until(AWAIT, () -> 0 == ShmBlobs.get(a).stats().inFlight(), () -> "back: " + ShmBlobs.get(a).stats());
    }

    @Test
    void shouldGiveBackAnUnsentBlobAndRespectTheCap()
    {
        start("pekko.remote.shm.blob { max-bytes = 8 MiB, threshold = 64 KiB, allocate-timeout = 0 s }");
        final ShmBlobs blobs = ShmBlobs.get(a);
        final SharedBlob first = blobs.allocate(5 * MiB);
        assertEquals(Optional.empty(), blobs.tryAllocate(5 * MiB), "no room under blob.max-bytes");
        final BlobStoreException full = assertThrows(BlobStoreException.class, () -> blobs.allocate(5 * MiB));
        assertTrue(full.getMessage().contains("pekko.remote.shm.blob.max-bytes = " + 8 * MiB), full.getMessage());

        first.release();
        first.release();
        assertFalse(first.isHeld());
        final SharedBlob second = blobs.tryAllocate(5 * MiB).orElseThrow();
        assertEquals(first.file(), second.file());
        second.release();

        final IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
            () -> blobs.allocate(9 * MiB));
        assertTrue(tooLarge.getMessage().contains(Long.toString(blobs.largestBlob())), tooLarge.getMessage());
        assertThrows(IllegalStateException.class, () -> SerializationExtension.get(a).findSerializerFor(first)
            .toBinary(first), "a released blob cannot be sent");
    }

    @Test
    void shouldReleaseABlobThatBecameUnreachable()
    {
        start("");
        allocateAndDrop(ShmBlobs.get(a));
        assertEquals(1, ShmBlobs.get(a).stats().allocatedNow());
        Await.until(AWAIT, () ->
        {
            System.gc();
            return 0 == ShmBlobs.get(a).stats().allocatedNow();
        }, () -> "the collector gives the block back: " + ShmBlobs.get(a).stats());
    }

    private static void allocateAndDrop(final ShmBlobs blobs)
    {
        blobs.allocate(MiB).buffer().putInt(0, 1);
    }

    @Test
    void shouldSayWhatIsMissingWithoutTheShmTransport()
    {
        final ActorSystem local = ActorSystem.create("local",
            ConfigFactory.parseString("pekko.actor.provider = local"));
        try
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> ShmBlobs.get(local).allocate(MiB));
            assertTrue(ex.getMessage().contains("pekko.remote.shm"), ex.getMessage());
        }
        finally
        {
            TestKit.shutdownActorSystem(local);
        }
    }

    /** Fills bytes 8.. with a pattern from {@code seed}, and puts their CRC32 at 0 (little endian). */
    static void fill(final MutableDirectBuffer buffer, final long length, final long seed)
    {
        final byte[] chunk = new byte[64 * 1024];
        long x = seed * 0x9E3779B97F4A7C15L + length;
        final CRC32 crc = new CRC32();
        for (int at = 8; at < length; at += chunk.length)
        {
            final int n = (int)Math.min(chunk.length, length - at);
            for (int i = 0; i < n; i++)
            {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                chunk[i] = (byte)x;
            }
            buffer.putBytes(at, chunk, 0, n);
            crc.update(chunk, 0, n);
        }
        buffer.putLong(0, crc.getValue(), ByteOrder.LITTLE_ENDIAN);
    }

    /** Whether bytes 8.. of the buffer match the CRC32 at 0. */
    static boolean isIntact(final DirectBuffer buffer, final long length)
    {
        final byte[] chunk = new byte[64 * 1024];
        final CRC32 crc = new CRC32();
        for (int at = 8; at < length; at += chunk.length)
        {
            final int n = (int)Math.min(chunk.length, length - at);
            buffer.getBytes(at, chunk, 0, n);
            crc.update(chunk, 0, n);
        }
        return crc.getValue() == buffer.getLong(0, ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads a long of a blob's data through its file (not through any mapping). */
    static long readLong(final Path blockFile, final long dataOffset) throws IOException
    {
        try (FileChannel channel = FileChannel.open(blockFile))
        {
            final ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(bytes, BlobHeaderFlyweight.DATA_OFFSET + dataOffset);
            return bytes.flip().getLong();
        }
    }
}
