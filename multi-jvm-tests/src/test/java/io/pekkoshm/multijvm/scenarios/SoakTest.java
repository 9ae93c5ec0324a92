package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.ChildJvmSpec;
import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.testkit.process.Processes;
import io.pekkoshm.testkit.hygiene.ShmDirectories;
import io.pekkoshm.multijvm.nodes.SoakNode;
import io.pekkoshm.remote.driver.DriverProbe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak run ({@code mvn -Psoak -pl multi-jvm-tests -am verify}; not in the default build): {@value #NODES} nodes
 * stream mixed small (24 B to 1 KiB) and large (256 KiB to 4 MiB, through the blob store) checked messages to each
 * other for {@code -Dsoak.minutes} (30 by default), while one node at a time is killed with {@code kill -9} at random
 * and restarted on the same address. At the end it reports messages sent and delivered, what was not delivered and
 * why (receiver killed, sender killed with messages in flight, or lost while both ends lived), the transport's
 * dropped counter and the reasons logged for drops, and what was left behind (shared memory, processes); the report
 * is printed and written to {@code target/soak-report.txt}.
 * <p>
 * Asserted: no message is torn or changed, none is delivered twice or out of order, none is lost between two ends
 * that both lived, every node started is gone at the end and the shared-memory directory is removed.
 * <p>
 * Knobs: {@code -Dsoak.minutes}, {@code -Dsoak.rate} (messages per second per stream, 200), {@code -Dsoak.largeEvery}
 * (every n-th message is large, 200), {@code -Dsoak.seed} (the kill schedule; printed).
 */
@Tag("soak")
@Timeout(value = 12, unit = TimeUnit.HOURS)
class SoakTest
{
    private static final int NODES = 3;
    private static final Duration AWAIT = Duration.ofSeconds(90);
    private static final Duration MIN_BETWEEN_KILLS = Duration.ofSeconds(15);
    private static final Duration MAX_BETWEEN_KILLS = Duration.ofSeconds(45);
    private static final Pattern SENT = Pattern.compile(
        "^SOAK-SENT stream=(\\S+) to=(\\S+) sent=(\\d+) state=(\\S+)$");
    private static final Pattern RECV = Pattern.compile("^SOAK-RECV stream=(\\S+) at=(\\S+) from=(\\S+) " +
        "received=(\\d+) next=(\\d+) gaps=(\\d+) outOfOrder=(\\d+) bad=(\\d+)$");
    private static final Pattern SINK = Pattern.compile("^SOAK-SINK (\\S+)$");
    private static final Pattern DROP_REASON = Pattern.compile(
        "(Counted as dropped|Dropped a payload|were not sent|was not delivered)");

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension(Duration.ofSeconds(90));

    private final List<ChildJvm> all = new ArrayList<>();
    private final List<ChildJvm> killed = new ArrayList<>();
    private final List<String> kills = new ArrayList<>();

    @Test
    void shouldCarryMixedTrafficThroughRandomKillsAndRestartsAndLeaveNothingBehind() throws IOException
    {
        final double minutes = Double.parseDouble(System.getProperty("soak.minutes", "30"));
        final int rate = Integer.getInteger("soak.rate", 200);
        final int largeEvery = Integer.getInteger("soak.largeEvery", 200);
        final long seed = Long.getLong("soak.seed", ThreadLocalRandom.current().nextLong());
        System.out.println("SoakTest: " + minutes + " min, " + NODES + " nodes, " + rate +
            " msgs/s per stream, every " + largeEvery + "th large, seed " + seed + " (-Dsoak.seed=" + seed +
            " replays the kill schedule)");
        final SplittableRandom random = new SplittableRandom(seed);
        final long startNanos = System.nanoTime();
        final long endNanos = startNanos + (long)(minutes * 60e9);

        final List<ChildJvm> launched = new ArrayList<>();
        for (int i = 1; i <= NODES; i++)
        {
            launched.add(launch("n" + i, 0));
        }
        final List<Nodes.Node> live = new ArrayList<>();
        for (final ChildJvm jvm : launched)
        {
            live.add(Nodes.ready(jvm));
        }
        final long driverPid = DriverProbe.liveDriverPid(multiJvm.shmDirectory().resolve("aeron"), 30_000);
        for (final Nodes.Node node : live)
        {
            startLoad(node, live, rate, largeEvery);
        }

        int restarts = 0;
        while (true)
        {
            final long pause = random.nextLong(MIN_BETWEEN_KILLS.toNanos(), MAX_BETWEEN_KILLS.toNanos());
            if (System.nanoTime() + pause + MIN_BETWEEN_KILLS.toNanos() > endNanos)
            {
                break;
            }
            // Pacing the fault schedule: the load runs meanwhile.
            LockSupport.parkNanos(pause);
            final int index = random.nextInt(live.size());
            final Nodes.Node victim = live.get(index);
            kills.add(victim.jvm().nodeName() + " at " + elapsed(startNanos));
            victim.jvm().kill();
            killed.add(victim.jvm());
            restarts++;
            final String name = victim.jvm().nodeName().replaceAll("-r\\d+$", "") + "-r" + restarts;
            final String system = name.replaceAll("-r\\d+$", "");
            final Nodes.Node restarted = Nodes.ready(launch(name, victim.port(), system));
            assertEquals(victim.address(), restarted.address());
            live.set(index, restarted);
            startLoad(restarted, live, rate, largeEvery);
        }
        final long remaining = endNanos - System.nanoTime();
        if (remaining > 0)
        {
            // The last stretch of load, after the last kill.
            LockSupport.parkNanos(remaining);
        }

        for (final Nodes.Node node : live)
        {
            Nodes.run(node, "soak-stop", "^SOAK-STOPPED$", AWAIT);
        }
        awaitDrained(live);
        final Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        for (final Nodes.Node node : live)
        {
            counters.put(node.jvm().nodeName(), Nodes.counters(node));
        }
        for (final Nodes.Node node : live)
        {
            assertEquals(0, node.jvm().stop(AWAIT), node.jvm().describe());
        }
        final boolean shmGone = ShmDirectories.awaitGone(multiJvm.shmDirectory(), AWAIT);
        final String shmLeft = shmGone ? "none (the directory is gone)" :
            ShmDirectories.describe(multiJvm.shmDirectory());
        final List<String> processesLeft = new ArrayList<>();
        for (final ChildJvm jvm : all)
        {
            if (jvm.isAlive())
            {
                processesLeft.add(jvm.describe());
            }
        }
        if (driverPid > 0 && !ProcessHandle.of(driverPid).map(p -> Processes.awaitGone(p, AWAIT)).orElse(true))
        {
            processesLeft.add("media driver pid " + driverPid);
        }

        final Tally tally = tally();
        final String report = report(minutes, rate, largeEvery, seed, elapsed(startNanos), tally, counters, shmLeft,
            processesLeft);
        System.out.println(report);
        Files.writeString(Path.of(System.getProperty("basedir", "."), "target", "soak-report.txt"), report,
            StandardCharsets.UTF_8);

        assertEquals(0, tally.bad, "torn or changed messages\n" + report);
        assertEquals(0, tally.outOfOrder, "messages out of order or twice\n" + report);
        assertEquals(0, tally.gaps, "messages missing inside a stream\n" + report);
        assertEquals(0, tally.notDelivered.getOrDefault(BOTH_ALIVE, 0L), "lost between two live ends\n" + report);
        assertTrue(tally.delivered > 0, report);
        assertTrue(shmGone && processesLeft.isEmpty(), "resources left\n" + report);
    }

    private static final String BOTH_ALIVE = "lost while sender and receiver both lived";
    private static final String RECEIVER_KILLED = "receiver killed (sent to it, or in flight, when it died)";
    private static final String SENDER_KILLED = "sender killed (in flight when it died)";

    private ChildJvm launch(final String name, final int port)
    {
        return launch(name, port, name);
    }

    private ChildJvm launch(final String name, final int port, final String system)
    {
        final ChildJvm jvm = multiJvm.start(ChildJvmSpec.of(name, SoakNode.class)
            .jvmArgs("-Xmx512m")
            .systemProperty("pekko.remote.shm.port", Integer.toString(port))
            .systemProperty("pekko.remote.shm.directory", multiJvm.shmDirectory().toString())
            .programArgs(system));
        all.add(jvm);
        return jvm;
    }

    private static void startLoad(final Nodes.Node node, final List<Nodes.Node> live, final int rate,
        final int largeEvery)
    {
        final StringBuilder peers = new StringBuilder();
        for (final Nodes.Node other : live)
        {
            if (other != node)
            {
                peers.append(' ').append(other.address());
            }
        }
        Nodes.run(node, "soak-start " + rate + " " + largeEvery + peers, "^SOAK-STARTED$", AWAIT);
    }

    /** After the senders stopped: waits until every stream between live nodes has delivered all it sent. */
    private void awaitDrained(final List<Nodes.Node> live)
    {
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        while (true)
        {
            for (final Nodes.Node node : live)
            {
                Nodes.run(node, "soak-report", "^SOAK-REPORTED$", AWAIT);
            }
            final Tally tally = tally();
            if (tally.inFlightBetweenLiveNodes == 0 || System.nanoTime() - deadline > 0)
            {
                return;
            }
            // Each round of reports is a round trip through every node: no extra pause needed.
        }
    }

    /** What one stream did, from the last SOAK-SENT line of its sender and the last SOAK-RECV line of its receiver. */
    private static final class Stream
    {
        ChildJvm sender;
        String to;
        long sent;
        long received;
        long next;
        long gaps;
        long outOfOrder;
        long bad;
    }

    /** The sums over all streams. */
    private static final class Tally
    {
        long streams;
        long sent;
        long delivered;
        long gaps;
        long outOfOrder;
        long bad;
        long inFlightBetweenLiveNodes;
        final Map<String, Long> notDelivered = new TreeMap<>();
        final Map<String, Long> dropReasons = new TreeMap<>();
        long deadLetterLines;
    }

    private Tally tally()
    {
        final Map<String, ChildJvm> sinkOwners = new LinkedHashMap<>();
        final Map<String, Stream> streams = new LinkedHashMap<>();
        final Tally tally = new Tally();
        for (final ChildJvm jvm : all)
        {
            for (final String line : jvm.outputLines())
            {
                Matcher m;
                if ((m = SINK.matcher(line)).matches())
                {
                    sinkOwners.put(m.group(1), jvm);
                }
                else if ((m = SENT.matcher(line)).matches())
                {
                    final Stream stream = streams.computeIfAbsent(m.group(1), s -> new Stream());
                    stream.sender = jvm;
                    stream.to = m.group(2);
                    stream.sent = Math.max(stream.sent, Long.parseLong(m.group(3)));
                }
                else if ((m = RECV.matcher(line)).matches())
                {
                    final Stream stream = streams.computeIfAbsent(m.group(1), s -> new Stream());
                    stream.received = Long.parseLong(m.group(4));
                    stream.next = Long.parseLong(m.group(5));
                    stream.gaps = Long.parseLong(m.group(6));
                    stream.outOfOrder = Long.parseLong(m.group(7));
                    stream.bad = Long.parseLong(m.group(8));
                }
                else if (line.startsWith("SOAK-BAD") || line.startsWith("SOAK-RECV-BAD"))
                {
                    tally.bad++;
                }
                else if ((m = DROP_REASON.matcher(line)).find())
                {
                    final String reason = line.contains("dead letters encountered") ? "Pekko dead letters (logged)" :
                        line.substring(line.indexOf(" - ") + 3).replaceAll("\\d+", "N").replaceAll("\\S+@\\S+", "ADDR");
                    tally.dropReasons.merge(reason.length() > 160 ? reason.substring(0, 160) + "..." : reason, 1L,
                        Long::sum);
                }
            }
        }
        for (final Stream stream : streams.values())
        {
            tally.streams++;
            final long sent = Math.max(stream.sent, stream.next);
            tally.sent += sent;
            tally.delivered += stream.received;
            tally.gaps += stream.gaps;
            tally.outOfOrder += stream.outOfOrder;
            tally.bad += stream.bad;
            final ChildJvm receiver = null == stream.to ? null : sinkOwners.get(stream.to);
            final boolean receiverKilled = null == receiver || killed.contains(receiver);
            final boolean senderKilled = null == stream.sender || killed.contains(stream.sender);
            final long missing = sent - stream.received;
            if (missing > 0)
            {
                final String reason = receiverKilled ? RECEIVER_KILLED : senderKilled ? SENDER_KILLED : BOTH_ALIVE;
                tally.notDelivered.merge(reason, missing, Long::sum);
                if (!receiverKilled && !senderKilled)
                {
                    tally.inFlightBetweenLiveNodes += missing;
                }
            }
        }
        return tally;
    }

    private String report(final double minutes, final int rate, final int largeEvery, final long seed,
        final String took, final Tally tally, final Map<String, Map<String, Long>> counters, final String shmLeft,
        final List<String> processesLeft)
    {
        final StringBuilder report = new StringBuilder();
        report.append("=== Soak report ===\n")
            .append("duration ").append(minutes).append(" min (took ").append(took).append("), ").append(NODES)
            .append(" nodes, ").append(rate).append(" msgs/s per stream, every ").append(largeEvery)
            .append("th message 256 KiB-4 MiB, seed ").append(seed).append('\n')
            .append("kill -9 and restart: ").append(kills.size()).append(' ').append(kills).append('\n')
            .append("streams (sender incarnation -> receiver incarnation): ").append(tally.streams).append('\n')
            .append("messages sent: ").append(tally.sent).append(", delivered: ").append(tally.delivered)
            .append(", not delivered: ").append(tally.sent - tally.delivered).append('\n');
        tally.notDelivered.forEach((reason, count) ->
            report.append("  not delivered, ").append(reason).append(": ").append(count).append('\n'));
        report.append("integrity: torn or changed ").append(tally.bad).append(", out of order or twice ")
            .append(tally.outOfOrder).append(", missing inside a stream ").append(tally.gaps).append('\n')
            .append("transport counters of the nodes alive at the end (messagesDropped, blobsSent, blobsReclaimed, " +
                "framesRejected):\n");
        counters.forEach((node, c) -> report.append("  ").append(node).append(": ").append(c.get("messagesDropped"))
            .append(", ").append(c.get("blobsSent")).append(", ").append(c.get("blobsReclaimed")).append(", ")
            .append(c.get("framesRejected")).append('\n'));
        report.append("drops and undelivered messages the logs give a reason for (lines):\n");
        if (tally.dropReasons.isEmpty())
        {
            report.append("  none\n");
        }
        tally.dropReasons.forEach((reason, count) ->
            report.append("  ").append(count).append(" x ").append(reason).append('\n'));
        report.append("resources left at the end: shared memory: ").append(shmLeft.strip()).append("; processes: ")
            .append(processesLeft.isEmpty() ? "none" : processesLeft).append('\n');
        return report.toString();
    }

    private static String elapsed(final long startNanos)
    {
        final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
        return String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}
