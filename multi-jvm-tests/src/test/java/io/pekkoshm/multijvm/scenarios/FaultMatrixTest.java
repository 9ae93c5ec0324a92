package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.remote.tools.ShmStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault matrix (docs/operations.md, "Failure behaviour"): what a node does when a peer is killed mid-stream,
 * paused past the liveness timeouts, or consumes slowly. Each test states the expected outcome in its Javadoc and
 * asserts it from the outside: child JVMs, their output and their counters.
 */
@Timeout(300)
class FaultMatrixTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final String[] NO_JVM_ARGS = new String[0];
    /**
     * A killed node's driver client is freed after this, and only then can the idle driver exit and the test end:
     * shorter than the test configuration's 10 s, still far above any stall of a loaded machine.
     */
    private static final String[] FAST_CLIENT_TIMEOUT = { "pekko.remote.shm.driver.client-liveness-timeout", "5 s" };
    private static final Pattern REPORT = Pattern.compile(
        "received=(\\d+) next=(\\d+) gaps=(\\d+) outOfOrder=(\\d+) bad=(\\d+)");

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    /**
     * Sender killed with {@code kill -9} while many small messages (16 B to 4 KiB, so some span several IPC fragments)
     * are in flight. Expected: the receiver delivers a gap-free, in-order prefix of the sender's stream, every message
     * whole (checksum); it ends the association because the peer's process exited; and a third JVM streaming to it at
     * the same time loses nothing and keeps talking to it afterwards.
     */
    @Test
    void shouldDeliverOnlyWholeMessagesInOrderAndKeepServingOtherPeersWhenASenderIsKilledMidStream()
    {
        final ChildJvm r = Nodes.launch(multiJvm, NO_JVM_ARGS, "receiver", "receiver", 0, FAST_CLIENT_TIMEOUT);
        final ChildJvm s = Nodes.launch(multiJvm, NO_JVM_ARGS, "sender", "sender", 0, FAST_CLIENT_TIMEOUT);
        final ChildJvm t = Nodes.launch(multiJvm, NO_JVM_ARGS, "third", "third", 0, FAST_CLIENT_TIMEOUT);
        final Nodes.Node receiver = Nodes.ready(r);
        final Nodes.Node sender = Nodes.ready(s);
        final Nodes.Node third = Nodes.ready(t);
        run(receiver, "checked-sink from-sender", "^OK checked-sink", AWAIT);
        run(receiver, "checked-sink from-third", "^OK checked-sink", AWAIT);
        run(receiver, "echo", "^OK echo$", AWAIT);

        third.jvm().send("send-checked " + receiver.address() + "/user/from-third 100000000 4096 5000");
        receiver.jvm().awaitLine("^CHECKED from-third received=1$", AWAIT);
        sender.jvm().send("send-checked " + receiver.address() + "/user/from-sender 100000000 4096 20000");
        receiver.jvm().awaitLine("^CHECKED from-sender received=20000$", AWAIT);

        sender.jvm().kill();

        receiver.jvm().awaitLine("Association \\S+ <-> \\S+sender@\\S+ ended: the peer's process \\(pid " +
            sender.jvm().pid() + "\\) has exited", AWAIT);
        final long thirdBeforeKill = report(receiver, "from-third")[0];
        awaitReport(receiver, "from-third", "more messages from the third JVM after the kill",
            counts -> counts[0] >= thirdBeforeKill + 10_000);
        final long sentByThird = Long.parseLong(
            run(third, "stop-checked", "^STOPPED-CHECKED sent=(\\d+)$", AWAIT).group(1));

        final long[] fromThird = awaitReport(receiver, "from-third", "all " + sentByThird + " messages of the third",
            counts -> counts[0] >= sentByThird);
        assertReport("from-third", fromThird, sentByThird, sentByThird);
        final long[] fromSender = report(receiver, "from-sender");
        assertReport("from-sender", fromSender, fromSender[0], fromSender[0]);
        assertTrue(fromSender[0] >= 20_000, "delivered before the kill: " + fromSender[0]);
        assertEquals("still-serving",
            run(third, "ask " + receiver.address() + "/user/echo still-serving", "^REPLY (.*)$", AWAIT).group(1));
        final Map<String, Long> counters = Nodes.counters(receiver);
        assertEquals(0L, counters.get("framesRejected"), counters::toString);
        assertTrue(receiver.jvm().outputLines().stream().noneMatch(l -> l.startsWith("CHECKED-BAD")),
            "a torn or changed message was delivered");
        stopGracefully(third, receiver);
    }

    /**
     * A peer frozen with {@code SIGSTOP}, then resumed with {@code SIGCONT}, twice: first for longer than
     * {@code peer-timeout} (2 s here) but shorter than the driver's {@code client-liveness-timeout} (5 s here), then
     * for longer than both.
     * <p>
     * Short pause, expected and asserted: the other side ends the association, logging that it heard nothing for
     * longer than the peer timeout; the resumed peer ends its side too (it logs why); nothing hangs: both talk again,
     * both ways (once classic remoting's gate has opened: {@code pekko.remote.classic.retry-gate-closed-for}, 5 s by
     * default, 1 s here, during which Pekko sends messages for that address to dead letters), and no {@code Terminated}
     * is reported for a pause shorter than Pekko's watch failure detector. Messages sent to the frozen peer are at most
     * once: those that arrive come in order, without duplicates, before any sent after the resume.
     * <p>
     * Long pause, expected and asserted: the media driver drops the frozen JVM's Aeron client; on resume the node logs
     * that it lost its media driver and ends its associations, attaches to the driver again without restarting, talks
     * to the watcher again, and shuts down cleanly when told to (exit code 0, no shutdown hook left hanging), leaving
     * no node file behind.
     */
    @Test
    void shouldEndTheAssociationWithAPausedPeerTalkAgainAfterAShortPauseAndReattachAfterALongOne()
    {
        final String[] config = { "pekko.remote.shm.peer-timeout", "2 s",
            "pekko.remote.shm.driver.client-liveness-timeout", "5 s", "pekko.remote.classic.retry-gate-closed-for",
            "1 s" };
        final ChildJvm a = Nodes.launch(multiJvm, NO_JVM_ARGS, "watcher", "watcher", 0, config);
        final ChildJvm b = Nodes.launch(multiJvm, NO_JVM_ARGS, "paused", "paused", 0, config);
        final Nodes.Node watcher = Nodes.ready(a);
        final Nodes.Node paused = Nodes.ready(b);
        run(watcher, "echo", "^OK echo$", AWAIT);
        run(paused, "echo", "^OK echo$", AWAIT);
        run(paused, "recorder rec", "^OK recorder rec$", AWAIT);
        assertEquals("before", run(watcher, "ask " + paused.address() + "/user/echo before", "^REPLY (.*)$", AWAIT)
            .group(1));
        run(watcher, "watch " + paused.address() + "/user/echo", "^WATCHING ", AWAIT);
        run(watcher, "remember rec " + paused.address() + "/user/rec", "^REMEMBERED rec ", AWAIT);

        paused.jvm().suspend();
        for (int i = 0; i < 5; i++)
        {
            run(watcher, "tell rec during-" + i, "^TOLD rec during-" + i + "$", AWAIT);
        }
        // The pause lasts until the watcher has given up on the frozen peer: longer than peer-timeout by construction.
        final String ended = watcher.jvm().awaitLine("Association \\S+ <-> \\S+paused@\\S+ ended: (.*)$", AWAIT)
            .group(1);
        paused.jvm().resume();

        assertTrue(ended.startsWith("nothing heard from the peer for ") &&
            ended.endsWith("(pekko.remote.shm.peer-timeout = 2000 ms)"), ended);
        final String endedOnResume = paused.jvm().awaitLine("Association \\S+ <-> \\S+watcher@\\S+ ended: (.*)$",
            AWAIT).group(1);
        assertEquals("after", run(watcher, "ask " + paused.address() + "/user/echo after", "^REPLY (.*)$", AWAIT)
            .group(1));
        assertEquals("back", run(paused, "ask " + watcher.address() + "/user/echo back", "^REPLY (.*)$", AWAIT)
            .group(1));
        run(watcher, "tell rec after-resume", "^TOLD rec after-resume$", AWAIT);
        paused.jvm().awaitLine("^GOT rec after-resume$", AWAIT);

        final List<String> during = new ArrayList<>();
        for (final String line : paused.jvm().outputLines())
        {
            if (line.startsWith("GOT rec during-"))
            {
                during.add(line.substring("GOT rec ".length()));
            }
        }
        final List<String> expectedPrefix = new ArrayList<>();
        for (int i = 0; i < during.size(); i++)
        {
            expectedPrefix.add("during-" + i);
        }
        assertEquals(expectedPrefix, during, "messages sent during the pause: in order, no duplicates, a prefix");
        assertTrue(watcher.jvm().outputLines().stream().noneMatch(l -> l.startsWith("TERMINATED")),
            "a pause shorter than the watch failure detector is not a death");
        final Map<String, Long> watcherCounters = Nodes.counters(watcher);
        assertEquals(0L, watcherCounters.get("framesRejected"), watcherCounters::toString);

        // The long pause: frozen until the media driver has dropped the frozen JVM's client.
        final Path aeron = multiJvm.shmDirectory().resolve("aeron");
        final int clients = ShmStatus.collect(multiJvm.shmDirectory(), aeron,
            Duration.ofSeconds(30)).driver().clients();
        paused.jvm().suspend();
        awaitDriverClients(multiJvm.shmDirectory(), clients - 1);
        paused.jvm().resume();

        paused.jvm().awaitLine("lost its media driver", AWAIT);
        paused.jvm().awaitLine("is attached to a media driver again", AWAIT);
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!run(paused, "ask " + watcher.address() + "/user/echo again", "^(REPLY again|FAILED ask .*)$", AWAIT)
            .group(1).startsWith("REPLY"))
        {
            assertTrue(System.nanoTime() - deadline < 0, "the re-attached node talks to the watcher again");
        }
        assertEquals(0, paused.jvm().stop(AWAIT));
        assertTrue(paused.jvm().outputLines().stream().noneMatch(l -> l.contains("shutdown hooks still running")),
            "the detached node's shutdown hung");
        assertFalse(Files.exists(multiJvm.shmDirectory().resolve("nodes").resolve(paused.port() + ".node")),
            "the detached node left its node file");
        System.out.println("SIGSTOP outcome: watcher ended with '" + ended + "', paused ended with '" + endedOnResume +
            "', delivered of 5 sent during the pause: " + during.size() + ", watcher counters " + watcherCounters);
        stopGracefully(watcher);
    }

    /** Waits until the media driver of {@code directory} counts {@code expected} clients (its CnC file, read-only). */
    private static void awaitDriverClients(final Path directory, final int expected)
    {
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        int clients;
        while ((clients = ShmStatus.collect(directory, directory.resolve("aeron"), Duration.ofSeconds(30)).driver()
            .clients()) != expected)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("the media driver of " + directory + " counts " + clients + " clients, " +
                    "not " + expected + ", after " + AWAIT);
            }
            // Polls a file nobody can notify us about; 50 ms keeps the poll cheap.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /**
     * A slow consumer, two ways. (1) The receiving actor is slow (0.5 ms per message) and the sender sends without
     * any flow control: expected and asserted, every message arrives, in order, none dropped on either side. The
     * backlog waits in Pekko classic's own buffers (the sender's endpoint writer, the receiver's mailbox), which are
     * unbounded: the transport's back-pressure does not engage, because classic hands every inbound payload to an
     * actor without waiting (a sender that must bound the receiver's memory uses a window of acknowledgements).
     * (2) The receiving node stops reading altogether ({@code SIGSTOP}, shorter than {@code peer-timeout}): the
     * association's log fills and back-pressure reaches the sender (its back-pressure counter rises while the
     * receiver is frozen); after {@code SIGCONT} every message arrives in order and none is dropped.
     */
    @Test
    void shouldLoseNothingAndKeepOrderForASlowConsumerAndBackPressureTheSenderWhileTheReceiverStopsReading()
    {
        final String[] config = { "pekko.remote.shm.peer-timeout", "60 s" };
        final ChildJvm r = Nodes.launch(multiJvm, NO_JVM_ARGS, "receiver", "receiver", 0, config);
        final ChildJvm s = Nodes.launch(multiJvm, NO_JVM_ARGS, "sender", "sender", 0, config);
        final Nodes.Node receiver = Nodes.ready(r);
        final Nodes.Node sender = Nodes.ready(s);
        run(receiver, "checked-sink slow 500", "^OK checked-sink", AWAIT);
        run(receiver, "checked-sink stalled", "^OK checked-sink", AWAIT);

        final int slowCount = 2_000;
        run(sender, "send-checked " + receiver.address() + "/user/slow " + slowCount + " 1024 0", "^SENT-CHECKED",
            AWAIT);
        final long[] slowAtHandOff = report(receiver, "slow");
        final long[] slow = awaitReport(receiver, "slow", "all " + slowCount + " messages", c -> c[0] >= slowCount);
        assertReport("slow", slow, slowCount, slowCount);
        final Map<String, Long> afterSlow = Nodes.counters(sender);
        assertEquals(0L, afterSlow.get("messagesDropped"), afterSlow::toString);

        final int stalledCount = 10_000;
        run(sender, "resolve " + receiver.address() + "/user/stalled", "^RESOLVED ", AWAIT);
        receiver.jvm().suspend();
        run(sender, "send-checked " + receiver.address() + "/user/stalled " + stalledCount + " 4096 0",
            "^SENT-CHECKED", AWAIT);
        // The receiver stays frozen until the sender's transport has met a full log, however long that takes.
        final Map<String, Long> backPressured = Nodes.awaitCounters(sender, "back-pressure",
            c -> c.get("backPressureEvents") > afterSlow.get("backPressureEvents"), AWAIT);
        receiver.jvm().resume();

        final long[] stalled = awaitReport(receiver, "stalled", "all " + stalledCount + " messages",
            c -> c[0] >= stalledCount);
        assertReport("stalled", stalled, stalledCount, stalledCount);
        final Map<String, Long> senderCounters = Nodes.counters(sender);
        final Map<String, Long> receiverCounters = Nodes.counters(receiver);
        assertEquals(0L, senderCounters.get("messagesDropped"), senderCounters::toString);
        assertEquals(0L, receiverCounters.get("messagesDropped"), receiverCounters::toString);
        assertEquals(0L, receiverCounters.get("framesRejected"), receiverCounters::toString);
        System.out.println("Slow consumer outcome: the slow actor had processed " + slowAtHandOff[0] + " of " +
            slowCount + " when the sender had handed all to Pekko; sender counters after the slow phase " + afterSlow +
            "; while the receiver was frozen " + backPressured + "; at the end " + senderCounters);
        stopGracefully(sender, receiver);
    }

    /** Asks a checked sink for its counts: received, next expected, gaps, out of order, bad. */
    static long[] report(final Nodes.Node node, final String sink)
    {
        final Matcher report = REPORT.matcher(run(node, "sink-report " + sink, "^CHECKED-REPORT " + sink + " .*$",
            AWAIT).group());
        assertTrue(report.find());
        final long[] counts = new long[5];
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = Long.parseLong(report.group(i + 1));
        }
        return counts;
    }

    /** Polls a checked sink's report until {@code condition} holds, failing after AWAIT. */
    static long[] awaitReport(final Nodes.Node node, final String sink, final String description,
        final java.util.function.Predicate<long[]> condition)
    {
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        long[] counts = report(node, sink);
        while (!condition.test(counts))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("Sink " + sink + " of " + node.jvm().describe() + " did not show " +
                    description + " within " + AWAIT + ": received=" + counts[0] + " next=" + counts[1]);
            }
            // Each report is a round trip through the node's stdin, its sink actor and its stdout: no pause needed.
            counts = report(node, sink);
        }
        return counts;
    }

    /** A sink saw exactly {@code received} messages numbered 0 to {@code next - 1}: no gap, no reordering, none bad. */
    static void assertReport(final String sink, final long[] counts, final long received, final long next)
    {
        final String text = sink + ": received=" + counts[0] + " next=" + counts[1] + " gaps=" + counts[2] +
            " outOfOrder=" + counts[3] + " bad=" + counts[4];
        assertEquals(received, counts[0], text);
        assertEquals(next, counts[1], text);
        assertEquals(0, counts[2], "gaps in " + text);
        assertEquals(0, counts[3], "out of order in " + text);
        assertEquals(0, counts[4], "bad in " + text);
    }

    /** Stops nodes with the exit command, so their driver clients close at once (a kill waits for the timeout). */
    static void stopGracefully(final Nodes.Node... nodes)
    {
        final List<Integer> codes = new ArrayList<>();
        for (final Nodes.Node node : nodes)
        {
            codes.add(node.jvm().stop(AWAIT));
        }
        assertTrue(codes.stream().allMatch(code -> 0 == code), "exit codes " + codes);
    }
}
