package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pekkoshm.remote.tools.ShmStatus;
import io.pekkoshm.remote.tools.StatusReport;
import io.pekkoshm.remote.transport.TransportCounters;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large payloads through the shared-memory blob store between real JVMs, including kills. */
@Timeout(600)
class BlobStoreAcrossJvmsTest
{
    static final Duration AWAIT = Duration.ofSeconds(120);
    static final int MiB = 1024 * 1024;

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldCarryPayloadsFromOneToOneHundredTwentyEightMebibytesIntact()
    {
        carryIntact(multiJvm, new String[0], new int[] { MiB, 16 * MiB, 128 * MiB });
    }

    /** Sends one self-checking payload of each size and checks each arrives intact; then stops both JVMs. */
    static void carryIntact(final MultiJvmExtension multiJvm, final String[] jvmArgs, final int[] sizes,
        final String... props)
    {
        final Nodes.Node receiver = Nodes.start(multiJvm, jvmArgs, "receiver", "receiver", 0, props);
        final Nodes.Node sender = Nodes.start(multiJvm, jvmArgs, "sender", "sender", 0, props);
        run(receiver, "blob-sink", "^OK blob-sink$", AWAIT);
        final String sink = receiver.address() + "/user/blob-sink";

        for (final int size : sizes)
        {
            run(sender, "send-blobs " + sink + " " + size + " 1", "^SENT-BLOBS 1$", AWAIT);
            assertEquals("ok " + size, receiver.jvm().awaitLine("^BLOB (.*)$", AWAIT).group(1));
        }
        final String counters = run(sender, "counters", "^COUNTERS (.*)$", AWAIT).group(1);
        assertTrue(counters.contains("blobsSent=" + sizes.length), counters);
        assertTrue(counters.contains("messagesDropped=0"), counters);
        // A graceful stop closes their driver clients at once (a kill would leave them for the liveness timeout).
        assertEquals(0, sender.jvm().stop(AWAIT));
        assertEquals(0, receiver.jvm().stop(AWAIT));
    }

    /** Polls the node's counters until they show {@code expected} (e.g. "blobsSent=4"), failing after AWAIT. */
    private static void awaitCounter(final Nodes.Node node, final String expected)
    {
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        String counters = "";
        while (System.nanoTime() < deadline && !counters.contains(expected))
        {
            counters = run(node, "counters", "^COUNTERS (.*)$", AWAIT).group(1);
        }
        assertTrue(counters.contains(expected), "expected " + expected + " in " + counters);
    }

    @Test
    void shouldNeverDeliverAPartialPayloadWhenTheSenderIsKilledMidTransfer()
    {
        final Nodes.Node receiver = Nodes.start(multiJvm, "receiver", "receiver", 0);
        final Nodes.Node sender = Nodes.start(multiJvm, "sender", "sender", 0);
        run(receiver, "blob-sink", "^OK blob-sink$", AWAIT);
        final String sink = receiver.address() + "/user/blob-sink";
        run(sender, "send-blobs " + sink + " " + (4 * MiB) + " 1", "^SENT-BLOBS 1$", AWAIT);
        assertEquals("ok " + (4 * MiB), receiver.jvm().awaitLine("^BLOB (.*)$", AWAIT).group(1));

        sender.jvm().send("send-blobs " + sink + " " + (64 * MiB) + " 40");
        receiver.jvm().awaitLine("^BLOB .*$", AWAIT);
        sender.jvm().kill();

        run(receiver, "counters", "^COUNTERS .*$", AWAIT);
        for (final String line : receiver.jvm().outputLines())
        {
            assertTrue(!line.startsWith("BLOB BAD"), "a torn payload was delivered: " + line);
        }
        run(receiver, "echo", "^OK echo$", AWAIT);
    }

    /**
     * A receiver frozen while blocks are sent to it (they stay SENT, waiting for it), then killed: the sender takes
     * the blocks back (blobsReclaimed), its other association carries blobs while the blocks are held and after,
     * and once its blocks have been idle for {@code blob.idle-release} its blob memory is back to the idle level,
     * zero: the counter says so, and so does the status tool (the node's published counter, and no block file left
     * in the shared-memory directory).
     */
    @Test
    void shouldReclaimBlocksHeldForAReceiverThatIsKilled()
    {
        final String[] config = { "pekko.remote.shm.blob.idle-release", "1 s",
            "pekko.remote.shm.driver.client-liveness-timeout", "5 s" };
        final Nodes.Node sender = Nodes.start(multiJvm, "sender", "sender", 0, config);
        final Nodes.Node victim = Nodes.start(multiJvm, "victim", "victim", 0, config);
        final Nodes.Node other = Nodes.start(multiJvm, "other", "other", 0, config);
        run(victim, "blob-sink", "^OK blob-sink$", AWAIT);
        run(other, "blob-sink", "^OK blob-sink$", AWAIT);
        final String victimSink = victim.address() + "/user/blob-sink";
        final String otherSink = other.address() + "/user/blob-sink";
        run(sender, "send-blobs " + victimSink + " " + (2 * MiB) + " 1", "^SENT-BLOBS 1$", AWAIT);
        victim.jvm().awaitLine("^BLOB ok .*$", AWAIT);

        victim.jvm().suspend();
        run(sender, "send-blobs " + victimSink + " " + (8 * MiB) + " 3", "^SENT-BLOBS 3$", AWAIT);
        awaitCounter(sender, "blobsSent=4");
        run(sender, "send-blobs " + otherSink + " " + (8 * MiB) + " 1", "^SENT-BLOBS 1$", AWAIT);
        assertEquals("ok " + (8 * MiB), other.jvm().awaitLine("^BLOB (.*)$", AWAIT).group(1));
        victim.jvm().kill();

        awaitCounter(sender, "blobsReclaimed=3");

        run(sender, "send-blobs " + otherSink + " " + (8 * MiB) + " 2", "^SENT-BLOBS 2$", AWAIT);
        assertEquals("ok " + (8 * MiB), other.jvm().awaitLine("^BLOB (.*)$", AWAIT).group(1));
        assertEquals("ok " + (8 * MiB), other.jvm().awaitLine("^BLOB (.*)$", AWAIT).group(1));

        final Map<String, Long> idle = Nodes.awaitCounters(sender, "no blob bytes allocated",
            c -> 0 == c.get("blobBytesAllocated"), AWAIT);
        assertEquals(0L, idle.get("messagesDropped"), idle::toString);
        final StatusReport status = awaitStatus("the sender's published blob counters at the idle level, no block " +
            "file left", report -> report.node(sender.port()).flatMap(StatusReport.NodeStatus::counters)
                .map(c -> 0 == c.value(TransportCounters.BLOB_BYTES_TYPE_ID).orElse(-1) &&
                    3 == c.value(TransportCounters.BLOBS_RECLAIMED_TYPE_ID).orElse(-1))
                .orElse(false) && 0 == blobFiles(report));
        assertTrue(status.driver().isLive(), status.driver()::toString);
        assertEquals(0, sender.jvm().stop(AWAIT));
        assertEquals(0, other.jvm().stop(AWAIT));
    }

    /** Regular files under {@code blobs/} as the status tool counts them. */
    private static long blobFiles(final StatusReport report)
    {
        return report.sharedMemory().parts().stream().filter(part -> part.name().startsWith("blobs"))
            .mapToLong(StatusReport.SharedMemoryUsage.Part::files).sum();
    }

    /** Takes the status tool's report of this test's directory until {@code condition} holds, failing after AWAIT. */
    private StatusReport awaitStatus(final String description, final Predicate<StatusReport> condition)
    {
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        StatusReport report;
        while (!condition.test(report = ShmStatus.collect(multiJvm.shmDirectory(),
            multiJvm.shmDirectory().resolve("aeron"), Duration.ofSeconds(30))))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("The status tool did not show " + description + " within " + AWAIT + ": " +
                    report);
            }
            // The nodes publish their counters every heartbeat-interval (1 s); nothing can notify us.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return report;
    }
}
