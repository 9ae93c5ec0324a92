package io.pekkoshm.remote.transport;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.pekko.ShmTransport;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large payloads through the blob store between two actor systems of one JVM. */
@Timeout(180)
class BlobTransferTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);

    private Path directory;
    private ActorSystem a;
    private ActorSystem b;

    /** Answers every byte[] with its length and CRC32, so large payloads need not travel back. */
    static final class Checksummer extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(byte[].class, bytes -> getSender().tell(describe(bytes), getSelf())).build();
        }
    }

    private void start(final String extraConfig)
    {
        directory = ShmTestDirectory.newPath("blob");
        a = ActorSystem.create("a", ConfigFactory.parseString(extraConfig)
            .withFallback(TwoSystemsInOneJvmTest.config(directory, 0)));
        b = ActorSystem.create("b", ConfigFactory.parseString(extraConfig)
            .withFallback(TwoSystemsInOneJvmTest.config(directory, 0)));
        a.actorOf(Props.create(Checksummer.class), "checksum");
    }

    @AfterEach
    void stop()
    {
        EmbeddedNodes.shutdown(b, a);
        final boolean gone = !Files.exists(directory);
        ShmTestDirectory.deleteRecursively(directory);
        assertTrue(gone, "the shared-memory directory should be gone");
    }

    @Test
    void shouldDeliverLargePayloadsThroughBlobStoreInOrderWithSmallOnes()
    {
        start("pekko.remote.shm.blob.threshold = 64 KiB");
        final TestKit probe = new TestKit(b);
        final ActorSelection checksum = b.actorSelection(ShmRemote.get(a).address().orElseThrow() + "/user/checksum");
        final int[] sizes = { 10, 70 * 1024, 100, 5 * 1024 * 1024 + 3, 200, 64 * 1024 * 1024, 7, 300 * 1024 };
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++)
        {
            final byte[] payload = payload(sizes[i], i);
            expected.add(describe(payload));
            checksum.tell(payload, probe.getRef());
        }
        for (final String want : expected)
        {
            assertEquals(want, probe.expectMsgClass(AWAIT, String.class), "replies come in send order, intact");
        }
        final ShmCountersSnapshot sender = ShmRemote.get(b).counters();
        final ShmCountersSnapshot receiver = ShmRemote.get(a).counters();
        assertEquals(4, sender.blobsSent(), sender.toString());
        assertEquals(4, receiver.blobsReceived(), receiver.toString());
        assertEquals(0, sender.messagesDropped());
        assertEquals(0, receiver.framesRejected());
    }

    @Test
    void shouldReuseBlocksSoRepeatedLargeMessagesAllocateOnce()
    {
        start("pekko.remote.shm.blob.threshold = 64 KiB");
        final TestKit probe = new TestKit(b);
        final ActorSelection checksum = b.actorSelection(ShmRemote.get(a).address().orElseThrow() + "/user/checksum");
        for (int i = 0; i < 20; i++)
        {
            final byte[] payload = payload(2 * 1024 * 1024, i);
            checksum.tell(payload, probe.getRef());
            assertEquals(describe(payload), probe.expectMsgClass(AWAIT, String.class));
        }
        final ShmCountersSnapshot sender = ShmRemote.get(b).counters();
        assertEquals(20, sender.blobsSent());
        assertTrue(sender.blobBytesAllocated() <= 3L * 1024 * 1024,
            "one warm block should serve every message: " + sender.blobBytesAllocated() + " bytes allocated");
    }

    @Test
    void shouldBackPressureAtTheCapAndLoseNothing()
    {
        start("pekko.remote.shm.blob { threshold = 64 KiB, max-bytes = 12 MiB }");
        final TestKit probe = new TestKit(b);
        final ActorSelection checksum = b.actorSelection(ShmRemote.get(a).address().orElseThrow() + "/user/checksum");
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++)
        {
            final byte[] payload = payload(3 * 1024 * 1024, i);
            expected.add(describe(payload));
            checksum.tell(payload, probe.getRef());
        }
        for (final String want : expected)
        {
            assertEquals(want, probe.expectMsgClass(AWAIT, String.class));
        }
        final ShmCountersSnapshot sender = ShmRemote.get(b).counters();
        assertEquals(30, sender.blobsSent());
        assertTrue(sender.blobBytesAllocated() <= 12L * 1024 * 1024, sender.toString());
        assertEquals(0, sender.messagesDropped());
    }

    @Test
    void shouldRefuseAMessageLargerThanTheCapAsDroppedNamingBothSizes()
    {
        start("pekko.remote.shm.blob { threshold = 64 KiB, max-bytes = 4 MiB }");
        final TestKit dropped = new TestKit(b);
        b.getEventStream().subscribe(dropped.getRef(), Dropped.class);
        final TestKit probe = new TestKit(b);
        final ActorSelection checksum = b.actorSelection(ShmRemote.get(a).address().orElseThrow() + "/user/checksum");
        checksum.tell(payload(100, 0), probe.getRef());
        probe.expectMsgClass(AWAIT, String.class);

        checksum.tell(payload(5 * 1024 * 1024, 1), probe.getRef());

        final Dropped drop = dropped.expectMsgClass(AWAIT, Dropped.class);
        assertTrue(drop.reason().contains(Integer.toString(ShmTransportLimits.maximumPayload(4L * 1024 * 1024))),
            drop.reason());
        final byte[] small = payload(50, 2);
        checksum.tell(small, probe.getRef());
        assertEquals(describe(small), probe.expectMsgClass(AWAIT, String.class), "the association survives");
        assertFalse(ShmRemote.get(b).counters().blobsSent() > 0);
    }

    static byte[] payload(final int size, final int seed)
    {
        final byte[] bytes = new byte[size];
        long x = seed * 0x9E3779B97F4A7C15L + size;
        for (int i = 0; i < size; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte)x;
        }
        return bytes;
    }

    static String describe(final byte[] bytes)
    {
        final CRC32 crc = new CRC32();
        crc.update(bytes);
        return bytes.length + ":" + Long.toHexString(crc.getValue());
    }

    /** The limit classic remoting enforces for a given cap (what the Dropped reason names). */
    static final class ShmTransportLimits
    {
        static int maximumPayload(final long maxBytes)
        {
            return (int)Math.min(Integer.MAX_VALUE - 8,
                io.pekkoshm.remote.blob.BlobPool.largestPayload(maxBytes) - ShmTransport.CLASSIC_ENVELOPE_MARGIN);
        }
    }
}
