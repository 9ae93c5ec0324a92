package io.pekkoshm.remote.blob;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.event.Logging;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /dev/shm full or too small (Docker's 64 MiB default): a large message that cannot get a block is reported (an
 * error log naming the sizes and what to do, counted as dropped, published as Pekko's Dropped), the actor system
 * keeps running, small messages keep flowing, and large ones flow again once there is room.
 * <p>
 * Two ways to fill /dev/shm: a real 64 MiB tmpfs mounted for the test (needs the right to mount; the test is skipped
 * without it), and, always, a full file system injected where the pool creates block files.
 */
@Timeout(120)
class SharedMemoryFullTest
{
    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final int MiB = 1024 * 1024;

    private Path mountPoint;
    private Path directory;
    private ActorSystem receiver;
    private ActorSystem sender;

    /** Answers every byte[] with its length and CRC32. */
    static final class Checksummer extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(byte[].class, bytes -> getSender().tell(describe(bytes), getSelf())).build();
        }
    }

    private void start(final Path shmDirectory)
    {
        directory = shmDirectory;
        final String blobs = "pekko.remote.shm.blob.threshold = 64 KiB";
        receiver = ActorSystem.create("receiver",
            ConfigFactory.parseString(blobs).withFallback(EmbeddedNodes.config(directory, 0)));
        sender = ActorSystem.create("sender",
            ConfigFactory.parseString(blobs).withFallback(EmbeddedNodes.config(directory, 0)));
        receiver.actorOf(Props.create(Checksummer.class), "checksum");
    }

    @AfterEach
    void stop() throws Exception
    {
        if (null != sender)
        {
            TestKit.shutdownActorSystem(sender);
        }
        if (null != receiver)
        {
            TestKit.shutdownActorSystem(receiver);
        }
        final boolean gone = null == directory || !Files.exists(directory);
        final String left = null == directory ? "" : ShmTestDirectory.describe(directory);
        if (null != directory)
        {
            ShmTestDirectory.deleteRecursively(directory);
        }
        if (null != mountPoint)
        {
            run("umount", mountPoint.toString());
            Files.deleteIfExists(mountPoint);
        }
        assertTrue(gone, "the shared-memory directory should be gone: " + left);
    }

    @Test
    void shouldReportALargeMessageThatDoesNotFitATooSmallDevShmAndKeepGoing() throws Exception
    {
        mountPoint = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"),
            "pekko-shm-tmpfs-" + UUID.randomUUID()));
        final int mounted = run("mount", "-t", "tmpfs", "-o", "size=64m,mode=700", "tmpfs", mountPoint.toString());
        if (0 != mounted)
        {
            Files.deleteIfExists(mountPoint);
            mountPoint = null;
        }
        Assumptions.assumeTrue(0 == mounted, "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)");
        start(mountPoint.resolve("pekko-shm"));
        final long usableBefore = Files.getFileStore(mountPoint).getUsableSpace();

        reportsAndKeepsGoing(60 * MiB);

        final long usable = Files.getFileStore(mountPoint).getUsableSpace();
        assertTrue(usable >= usableBefore - MiB, "the partly written block was removed, its room given back: " +
            usable + " bytes usable, " + usableBefore + " before; " + ShmTestDirectory.describe(directory));
    }

    @Test
    void shouldReportALargeMessageWhenTheFileSystemIsFullAndKeepGoing()
    {
        start(ShmTestDirectory.newPath("full"));
        final BlobPool pool = ShmBlobs.get(sender).currentStore().pool();
        pool.blockFactory((id, path, capacity) ->
        {
            throw new IOException("No space left on device");
        });

        reportsAndKeepsGoing(16 * MiB);
        final BlobStoreException zeroCopy = assertThrows(BlobStoreException.class,
            () -> ShmBlobs.get(sender).allocate(16 * MiB), "the zero-copy API says it at once, to its caller");
        assertTrue(zeroCopy.getMessage().contains("--shm-size"), zeroCopy.getMessage());
        assertEquals(0, ShmBlobs.get(sender).stats().allocatedNow());

        pool.blockFactory(BlobBlock::create);
        final TestKit probe = new TestKit(sender);
        final byte[] large = payload(16 * MiB, 7);
        sender.actorSelection(ShmRemote.get(receiver).address().orElseThrow() + "/user/checksum")
            .tell(large, probe.getRef());
        assertEquals(describe(large), probe.expectMsgClass(AWAIT, String.class), "large messages flow again");
    }

    @Test
    void shouldPublishOneDroppedNamingTheMessageForALargeDirectMessageThatCannotBePlaced()
    {
        directory = ShmTestDirectory.newPath("full-direct");
        final Config config = ConfigFactory.parseString("pekko.remote.shm.blob.threshold = 64 KiB\n" +
            "pekko.actor.provider = \"io.pekkoshm.remote.ShmRemoteProvider\"")
            .withFallback(EmbeddedNodes.config(directory, 0));
        receiver = ActorSystem.create("receiver", config);
        sender = ActorSystem.create("sender", config);
        receiver.actorOf(Props.create(Checksummer.class), "checksum");
        final String path = ShmRemote.get(receiver).address().orElseThrow() + "/user/checksum";
        final TestKit probe = new TestKit(sender);
        sender.actorSelection(path).tell(new Identify(path), probe.getRef());
        final ActorRef checksum = probe.expectMsgClass(AWAIT, ActorIdentity.class).getActorRef().orElseThrow();
        Await.until(AWAIT, () ->
        {
            final long direct = ShmRemote.get(sender).counters().directMessagesSent();
            final byte[] small = payload(100, 1);
            checksum.tell(small, probe.getRef());
            probe.expectMsg(AWAIT, describe(small));
            return ShmRemote.get(sender).counters().directMessagesSent() > direct;
        }, () -> "the sender's link never went direct");
        ShmBlobs.get(sender).currentStore().pool().blockFactory((id, file, capacity) ->
        {
            throw new IOException("No space left on device");
        });
        final TestKit dropped = new TestKit(sender);
        sender.getEventStream().subscribe(dropped.getRef(), Dropped.class);
        final long droppedBefore = ShmRemote.get(sender).counters().messagesDropped();

        final byte[] large = payload(16 * MiB, 2);
        checksum.tell(large, probe.getRef());
        sender.getEventStream().publish(new Dropped("marker", "the test's marker", ActorRef.noSender(),
            sender.deadLetters()));

        final Dropped drop = dropped.expectMsgClass(AWAIT, Dropped.class);
        assertTrue(large == drop.message(), "the direct path names the message itself, not " + drop.message() + ": " +
            drop.reason());
        assertEquals("marker", dropped.expectMsgClass(AWAIT, Dropped.class).message(), "one Dropped per message");
        assertEquals(droppedBefore + 1, ShmRemote.get(sender).counters().messagesDropped());
    }

    /** Sends a large message that cannot be placed, then a small one and a smaller large one, which arrive. */
    private void reportsAndKeepsGoing(final int tooLarge)
    {
        final TestKit dropped = new TestKit(sender);
        sender.getEventStream().subscribe(dropped.getRef(), Dropped.class);
        final TestKit errors = new TestKit(sender);
        sender.getEventStream().subscribe(errors.getRef(), Logging.Error.class);
        final TestKit probe = new TestKit(sender);
        final String checksum = ShmRemote.get(receiver).address().orElseThrow() + "/user/checksum";
        final byte[] first = payload(100, 1);
        sender.actorSelection(checksum).tell(first, probe.getRef());
        assertEquals(describe(first), probe.expectMsgClass(AWAIT, String.class));

        sender.actorSelection(checksum).tell(payload(tooLarge, 2), probe.getRef());

        final Dropped drop = dropped.expectMsgClass(AWAIT, Dropped.class);
        assertTrue(drop.reason().contains("A payload of ") && drop.reason().contains("--shm-size"), drop.reason());
        final String error = errors.expectMsgClass(AWAIT, Logging.Error.class).message().toString();
        assertTrue(error.contains("Dropped a payload of ") && error.contains("bytes") && error.contains("/dev/shm") &&
            error.contains("--shm-size") && error.contains("pekko.remote.shm.blob.max-bytes"), error);
        assertEquals(1, ShmRemote.get(sender).counters().messagesDropped());

        final byte[] small = payload(200, 3);
        sender.actorSelection(checksum).tell(small, probe.getRef());
        assertEquals(describe(small), probe.expectMsgClass(AWAIT, String.class), "small messages keep flowing");
        assertEquals(1, ShmRemote.get(sender).counters().associations(), "the association stayed up");
    }

    private static int run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
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
}
