package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zero-copy API between real JVMs: a SharedBlob filled by one JVM is read (and written) in place by another,
 * checked by a checksum on the receiver; its block comes back when the receiver releases it or is killed, and a
 * receiver keeps reading its blob after the sender is killed.
 */
@Timeout(300)
class ZeroCopyAcrossJvmsTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final long MiB = 1024 * 1024;

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldHandTheReceiverTheSendersVeryMemoryAndTakeTheBlockBackOnRelease()
    {
        final Nodes.Node receiver = Nodes.start(multiJvm, "receiver", "receiver", 0);
        final Nodes.Node sender = Nodes.start(multiJvm, "sender", "sender", 0);
        run(receiver, "zc-sink hold", "^OK zc-sink$", AWAIT);
        final String sink = receiver.address() + "/user/zc-sink";

        for (final long size : List.of(MiB, 16 * MiB, 256 * MiB))
        {
            final String file = run(sender, "zc-send " + sink + " " + size + " 1", "^ZC-SENT 1 (\\S+)$",
                AWAIT).group(1);
            final Matcher got = receiver.jvm().awaitLine("^ZC (\\S+) (\\d+) (\\S+) (\\d+)$", AWAIT);
            assertEquals("ok", got.group(1), "the receiver's checksum of the sender's bytes");
            assertEquals(size, Long.parseLong(got.group(2)));
            assertEquals(file, got.group(3), "the receiver reads the sender's block");
            assertEquals(got.group(4), run(sender, "zc-peek " + file, "^PEEK (\\d+)$", AWAIT).group(1),
                "what the receiver wrote into its blob is in the sender's block file");
        }
        assertTrue(stats(sender).contains("inFlight=3"), stats(sender));
        assertTrue(stats(receiver).contains("heldNow=3"), stats(receiver));

        run(receiver, "zc-release", "^ZC-RELEASED 3$", AWAIT);
        awaitStats(sender, "inFlight=0");
        assertTrue(stats(sender).contains("reclaimed=0"), "given back, not reclaimed: " + stats(sender));

        final String reused = run(sender, "zc-send " + sink + " " + 16 * MiB + " 1", "^ZC-SENT 1 (\\S+)$", AWAIT)
            .group(1);
        assertEquals("ok", receiver.jvm().awaitLine("^ZC (\\S+) ", AWAIT).group(1));
        assertTrue(stats(sender).contains("allocated=4"), stats(sender));
        assertTrue(Files.exists(Path.of(reused)));
        run(receiver, "zc-release", "^ZC-RELEASED 1$", AWAIT);
        awaitStats(sender, "inFlight=0");
        assertEquals(0, sender.jvm().stop(AWAIT));
        assertEquals(0, receiver.jvm().stop(AWAIT));
    }

    @Test
    void shouldTakeBackTheBlocksOfAReceiverKilledWithKill9()
    {
        final Nodes.Node sender = Nodes.start(multiJvm, "sender", "sender", 0);
        final Nodes.Node victim = Nodes.start(multiJvm, "victim", "victim", 0);
        final Nodes.Node other = Nodes.start(multiJvm, "other", "other", 0);
        run(victim, "zc-sink hold", "^OK zc-sink$", AWAIT);
        run(other, "zc-sink release", "^OK zc-sink$", AWAIT);

        final String files = run(sender, "zc-send " + victim.address() + "/user/zc-sink " + 8 * MiB + " 2",
            "^ZC-SENT 2 (\\S+)$", AWAIT).group(1);
        victim.jvm().awaitLine("^ZC ok ", AWAIT);
        victim.jvm().awaitLine("^ZC ok ", AWAIT);
        assertTrue(stats(sender).contains("inFlight=2"), stats(sender));

        victim.jvm().kill();

        awaitStats(sender, "inFlight=0");
        assertTrue(stats(sender).contains("reclaimed=2"), stats(sender));
        final String again = run(sender, "zc-send " + other.address() + "/user/zc-sink " + 8 * MiB + " 2",
            "^ZC-SENT 2 (\\S+)$", AWAIT).group(1);
        assertEquals("ok", other.jvm().awaitLine("^ZC (\\S+) ", AWAIT).group(1));
        assertEquals("ok", other.jvm().awaitLine("^ZC (\\S+) ", AWAIT).group(1));
        assertEquals(Set.of(files.split(",")), Set.of(again.split(",")), "the reclaimed blocks are reused");
        awaitStats(sender, "inFlight=0");
    }

    @Test
    void shouldKeepAReceivedBlobReadableAfterItsSenderIsKilled()
    {
        final Nodes.Node receiver = Nodes.start(multiJvm, "receiver", "receiver", 0);
        final Nodes.Node sender = Nodes.start(multiJvm, "sender", "sender", 0);
        run(receiver, "zc-sink hold", "^OK zc-sink$", AWAIT);
        final String file = run(sender, "zc-send " + receiver.address() + "/user/zc-sink " + 32 * MiB + " 1",
            "^ZC-SENT 1 (\\S+)$", AWAIT).group(1);
        assertEquals("ok", receiver.jvm().awaitLine("^ZC (\\S+) ", AWAIT).group(1));

        sender.jvm().kill();

        final long deadline = System.nanoTime() + AWAIT.toNanos();
        while (Files.exists(Path.of(file)) && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        assertFalse(Files.exists(Path.of(file)), "the dead sender's block file is removed from /dev/shm");
        run(receiver, "zc-verify", "^ZC-VERIFIED 1 ok$", AWAIT);
        run(receiver, "zc-release", "^ZC-RELEASED 1$", AWAIT);
        run(receiver, "echo", "^OK echo$", AWAIT);
    }

    private static String stats(final Nodes.Node node)
    {
        return run(node, "zc-stats", "^ZC-STATS (.*)$", AWAIT).group(1);
    }

    /** Polls a node's zero-copy stats until they show {@code expected}, failing after AWAIT. */
    private static void awaitStats(final Nodes.Node node, final String expected)
    {
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        String stats = stats(node);
        while (!stats.contains(expected) && System.nanoTime() - deadline < 0)
        {
            stats = stats(node);
        }
        assertTrue(stats.contains(expected), "expected " + expected + " in " + stats);
    }
}
