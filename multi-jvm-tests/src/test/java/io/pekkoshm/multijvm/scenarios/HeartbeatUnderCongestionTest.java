package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.multijvm.nodes.PathMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.pekkoshm.multijvm.scenarios.FaultMatrixTest.assertReport;
import static io.pekkoshm.multijvm.scenarios.FaultMatrixTest.stopGracefully;
import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failure-detector heartbeats do not wait behind a backlog for a congested receiver.
 * <p>
 * On the direct path, while a peer's log is full the sender's messages are held, in order, and written as room
 * appears (up to {@code pekko.remote.shm.direct.pending-limit}). Pekko's heartbeats ({@code PriorityMessage}s: the
 * cluster's {@code Heartbeat}, sent through an actor selection, and {@code HeartbeatRsp}) must not wait behind that
 * backlog, as classic remoting sends them ahead of its queue: otherwise a member that is busy, not dead, is seen as
 * unreachable and downed. A heartbeat that cannot be written at once goes the classic way
 * ({@code DirectRemoteActorRef.isPriority}, the {@code priority} of {@code DirectLink.send}); with that taken out,
 * the receiver reports the sender unreachable a few seconds into the drain and this test fails.
 * <p>
 * It runs in both executions: in the classic one the backlog waits in classic remoting's endpoint writer (the same
 * small log, the transport staging and back-pressuring), which must send heartbeats first as well.
 */
@Timeout(180)
class HeartbeatUnderCongestionTest
{
    private static final Duration AWAIT = Duration.ofSeconds(90);
    /**
     * Messages of 16 to {@link #MAX_SIZE} bytes, about 40 MB. With a 64 KiB term only about 18 of them fit into the
     * log, and a congested direct link writes more once per scheduler tick (10 ms), so its backlog needs at least
     * ~11 s to drain (about 25 s on this machine; classic remoting's about 8 s): clearly longer than the failure
     * detector lets a heartbeat be late. With heartbeats held, the receiver reported the sender unreachable 5 to 7 s
     * into the drain. A multiple of {@code CheckedActors.PROGRESS_EVERY}, so the sink prints a line at the last one.
     */
    private static final int FLOOD = 20_000;
    private static final int MAX_SIZE = 4096;
    private static final String ACCEPTABLE_HEARTBEAT_PAUSE = "3 s";

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    /**
     * Two cluster members; the sender floods the receiver without flow control while the receiver is frozen with
     * {@code SIGSTOP} (only until the sender has handed all its messages to Pekko, far shorter than the failure
     * detector's acceptable pause), so the receiver's log (64 KiB terms here) is full and almost all of them wait in
     * the sender (held by the direct path, or in classic remoting's endpoint writer). After {@code SIGCONT} the
     * backlog drains through the small log for much longer than the acceptable pause. Expected and asserted:
     * neither member ever sees the other as unreachable, nobody is downed, and every message arrives, in order, none
     * dropped.
     */
    @Test
    void shouldKeepMembersReachableWhileTheBacklogOfACongestedReceiverDrains() throws Exception
    {
        final int seedPort = freePortNumber();
        final String seed = "pekko.tcp://cluster@localhost:" + seedPort;
        final String[] config = {
            "pekko.actor.provider", "cluster",
            "pekko.cluster.seed-nodes.0", seed,
            "pekko.cluster.failure-detector.acceptable-heartbeat-pause", ACCEPTABLE_HEARTBEAT_PAUSE,
            "pekko.remote.shm.term-length", "64 KiB",
            "pekko.remote.shm.outbound-batch-size", "8 KiB", // at most the largest message of a 64 KiB term
            "pekko.remote.shm.direct.pending-limit", "1000000" };
        final Nodes.Node sender = Nodes.start(multiJvm, "sender", "cluster", seedPort, config);
        final Nodes.Node receiver = Nodes.start(multiJvm, "receiver", "cluster", 0, config);
        for (final Nodes.Node node : List.of(sender, receiver))
        {
            run(node, "cluster-listener", "^OK cluster-listener$", AWAIT);
            final Set<String> up = new HashSet<>();
            while (up.size() < 2)
            {
                up.add(node.jvm().awaitLine("^MEMBER_UP (\\S+)$", AWAIT).group(1));
            }
            assertEquals(Set.of(sender.address(), receiver.address()), up);
        }
        run(receiver, "checked-sink flood", "^OK checked-sink flood$", AWAIT);
        run(sender, "resolve " + receiver.address() + "/user/flood", "^RESOLVED ", AWAIT);
        final long writtenBefore = written(Nodes.counters(sender));

        final long frozenAt = System.nanoTime();
        receiver.jvm().suspend();
        run(sender, "send-checked " + receiver.address() + "/user/flood " + FLOOD + " " + MAX_SIZE + " 0",
            "^SENT-CHECKED " + FLOOD + "$", AWAIT);
        final long writtenWhileFrozen = written(Nodes.counters(sender)) - writtenBefore;
        receiver.jvm().resume();
        final long resumedAt = System.nanoTime();

        // The sink prints its count every CheckedActors.PROGRESS_EVERY messages, FLOOD being a multiple: waiting for
        // that line costs nothing, where polling its report would take a core from the drain. A heartbeat held behind
        // the backlog makes the receiver see the sender as unreachable (its HeartbeatRsp waits) long before that line.
        final String last = "CHECKED flood received=" + FLOOD;
        final String outcome = receiver.jvm().awaitLine("the flood's last message, or a member unreachable or downed",
            l -> l.equals(last) || l.startsWith("UNREACHABLE ") || l.startsWith("MEMBER_DOWNED ") ||
                l.startsWith("MEMBER_REMOVED "), AWAIT);
        final long drainedAt = System.nanoTime();
        assertEquals(last, outcome, "the receiver, " + millis(drainedAt - resumedAt) + " ms into the drain of a " +
            "backlog of " + (FLOOD - writtenWhileFrozen) + " messages");
        final long[] flood = FaultMatrixTest.report(receiver, "flood");
        assertReport("flood", flood, FLOOD, FLOOD);
        assertTrue(writtenWhileFrozen < FLOOD / 10, "most of the flood waited in the sender while the receiver was " +
            "frozen, not only " + (FLOOD - writtenWhileFrozen) + " of " + FLOOD);
        for (final Nodes.Node node : List.of(sender, receiver))
        {
            final List<String> seen = node.jvm().outputLines().stream()
                .filter(l -> l.startsWith("UNREACHABLE ") || l.startsWith("MEMBER_DOWNED ") ||
                    l.startsWith("MEMBER_REMOVED "))
                .toList();
            assertEquals(List.of(), seen, node.jvm().nodeName() + " saw a busy member as unreachable");
            final Map<String, Long> counters = Nodes.counters(node);
            assertEquals(0L, counters.get("messagesDropped"), counters::toString);
            assertEquals(0L, counters.get("framesRejected"), counters::toString);
        }
        System.out.println("Heartbeats under congestion: receiver frozen for " + millis(resumedAt - frozenAt) +
            " ms, " + writtenWhileFrozen + " of " + FLOOD + " messages written meanwhile (" +
            (PathMode.direct() ? "direct path" : "classic") + "), the rest waited; the backlog " +
            "drained in " + millis(drainedAt - resumedAt) + " ms (acceptable-heartbeat-pause " +
            ACCEPTABLE_HEARTBEAT_PAUSE + ")");
        stopGracefully(sender, receiver);
    }

    /** Messages written into logs so far, classic and direct (the direct path holds its own until they are). */
    private static long written(final Map<String, Long> counters)
    {
        return counters.get("messagesSent") + counters.get("directMessagesSent");
    }

    private static long millis(final long nanos)
    {
        return nanos / 1_000_000;
    }

    /** A port number unlikely to be taken by another node: pekko.shm ports only need to be unique on this host. */
    private static int freePortNumber() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
