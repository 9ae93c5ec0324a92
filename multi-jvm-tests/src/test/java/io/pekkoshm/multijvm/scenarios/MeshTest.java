package io.pekkoshm.multijvm.scenarios;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.multijvm.nodes.PathMode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many JVMs on one host, every pair talking: each of {@code mesh.nodes} nodes (8 by default) sends
 * {@code mesh.messages} checked messages to every other node at once. Every message arrives, whole and in order, and
 * the shared memory the host then holds stays within the sizing formula of docs/operations.md ("Sizing /dev/shm"):
 * the driver's files plus at most three terms (and a page of metadata) per directed association.
 * <p>
 * It reports what it measured ({@code MESH nodes=.. pairs=.. shmAllocated=.. ...}, also in
 * {@code target/mesh/mesh-<nodes>.txt}): the blocks {@code /dev/shm} actually allocated (what counts against a
 * container's limit, not file sizes) and each node's resident memory. For the sizing table run it with
 * {@code -Dmesh.nodes=16}, and with {@code -Dpekko.remote.shm.term-length=...} for another term length than the
 * plugin's default. Direct path only: the logs are the same in classic mode, which would only double the time.
 */
@Timeout(600)
class MeshTest
{
    private static final int NODES = Integer.getInteger("mesh.nodes", 8);
    private static final long MESSAGES = Long.getLong("mesh.messages", 20_000);
    private static final int MAX_SIZE = 1024;
    private static final int WINDOW = 4_000;
    /** The plugin's default, unless the run sets it ({@code -Dpekko.remote.shm.term-length=1MiB}). */
    private static final String TERM_LENGTH = "pekko.remote.shm.term-length";
    private static final Duration AWAIT = Duration.ofSeconds(240);
    private static final Pattern REPORT = Pattern.compile(
        "^CHECKED-REPORT (\\S+) received=(\\d+) next=(\\d+) gaps=(\\d+) outOfOrder=(\\d+) bad=(\\d+)$");
    /**
     * The driver's own files (CnC with its rings, counters and error log; the loss report stays empty with IPC), the
     * secret and the directories' blocks: see the formula in docs/operations.md.
     */
    private static final long DRIVER_FILES_BOUND = (16L << 20) + (64L << 10);
    /** Each node's node file and bell file (its doorbell), a block each. */
    private static final long NODE_FILES = 8L << 10;
    /** A log's metadata page, after its three terms. */
    private static final long LOG_METADATA = 4096;
    /** Between two reports of a sink that has not received everything yet. */
    private static final long POLL_PACE_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension(Duration.ofSeconds(60));

    @Test
    void shouldDeliverEveryMessageInOrderBetweenEveryPairWithinTheSizingFormula() throws Exception
    {
        Assumptions.assumeTrue(PathMode.direct(), "runs in the direct-path execution only");
        final long termLength = ConfigFactory.systemProperties().withFallback(ConfigFactory.defaultReference())
            .getBytes(TERM_LENGTH);
        final List<Nodes.Node> nodes = startAll(termLength);
        for (final Nodes.Node node : nodes)
        {
            for (final Nodes.Node peer : nodes)
            {
                if (peer != node)
                {
                    run(node, "checked-sink from-" + peer.port(), "^OK checked-sink ", AWAIT);
                }
            }
        }
        for (final Nodes.Node node : nodes)
        {
            for (final Nodes.Node peer : nodes)
            {
                if (peer != node)
                {
                    run(node, "resolve " + peer.address() + "/user/from-" + node.port(), "^RESOLVED ", AWAIT);
                }
            }
        }
        for (final Nodes.Node node : nodes)
        {
            for (final Nodes.Node peer : nodes)
            {
                if (peer != node)
                {
                    node.jvm().send("send-checked " + peer.address() + "/user/from-" + node.port() + " " + MESSAGES +
                        " " + MAX_SIZE + " " + WINDOW);
                }
            }
        }
        for (final Nodes.Node node : nodes)
        {
            for (int i = 1; i < NODES; i++)
            {
                assertEquals(Long.toString(MESSAGES), node.jvm().awaitLine("^SENT-CHECKED (\\d+)$", AWAIT).group(1));
            }
        }
        for (final Nodes.Node node : nodes)
        {
            for (final Nodes.Node peer : nodes)
            {
                if (peer != node)
                {
                    assertAllArrived(node, peer);
                }
            }
        }

        final long pairs = (long)NODES * (NODES - 1);
        final Path aeron = multiJvm.shmDirectory().resolve("aeron");
        final long shmAllocated = allocatedBytes(multiJvm.shmDirectory());
        final long logs = allocatedBytes(aeron.resolve("publications"));
        final StringBuilder report = new StringBuilder("MESH nodes=" + NODES + " pairs=" + pairs + " messagesPerPair=" +
            MESSAGES + " termLength=" + termLength + " shmAllocated=" + shmAllocated + " logs=" + logs +
            " driverFiles=" + (allocatedBytes(aeron) - logs) + " blobs=" +
            allocatedBytes(multiJvm.shmDirectory().resolve("blobs")));
        try (var entries = Files.list(aeron))
        {
            for (final Path entry : entries.sorted().toList())
            {
                report.append(' ').append("aeron/").append(entry.getFileName()).append('=')
                    .append(allocatedBytes(entry));
            }
        }
        for (final Nodes.Node node : nodes)
        {
            report.append(' ').append(node.port()).append(":rss=").append(residentBytes(node.jvm(), "VmRSS"))
                .append(",rssShmem=").append(residentBytes(node.jvm(), "RssShmem"));
        }
        System.out.println(report);
        final Path reports = Path.of("target", "mesh");
        Files.createDirectories(reports);
        Files.writeString(reports.resolve("mesh-" + NODES + ".txt"), report + "\n", StandardCharsets.UTF_8);

        final long formula = DRIVER_FILES_BOUND + NODES * NODE_FILES + pairs * (3 * termLength + LOG_METADATA);
        assertTrue(shmAllocated <= formula, "/dev/shm allocated " + shmAllocated + " bytes, more than the sizing " +
            "formula's " + formula + " for " + NODES + " nodes: " + report);
        for (final Nodes.Node node : nodes)
        {
            node.jvm().stop(Duration.ofSeconds(60));
        }
    }

    private List<Nodes.Node> startAll(final long termLength)
    {
        final List<ChildJvm> launched = new ArrayList<>();
        for (int i = 0; i < NODES; i++)
        {
            launched.add(Nodes.launch(multiJvm, new String[] {"-Xmx256m"}, "mesh" + i, "mesh", 0,
                TERM_LENGTH, Long.toString(termLength)));
        }
        final List<Nodes.Node> nodes = new ArrayList<>();
        for (final ChildJvm jvm : launched)
        {
            nodes.add(Nodes.ready(jvm));
        }
        return nodes;
    }

    /** Every message of {@code peer} reached {@code node}'s sink, in order; if not, both nodes' state says where. */
    private static void assertAllArrived(final Nodes.Node node, final Nodes.Node peer)
    {
        final String sink = "sink-report from-" + peer.port();
        Matcher report = run(node, sink, REPORT.pattern(), AWAIT);
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        while (Long.parseLong(report.group(2)) < MESSAGES && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(POLL_PACE_NS); // polls at a pace that leaves the machine to the nodes
            report = run(node, sink, REPORT.pattern(), AWAIT);
        }
        final String line = report.group();
        if (Long.parseLong(report.group(2)) < MESSAGES)
        {
            fail("all messages of " + peer + " to " + node + ": " + line + "\n receiver: " + state(node) +
                "\n sender: " + state(peer));
        }
        assertEquals(MESSAGES, Long.parseLong(report.group(3)), "the last one in order: " + line);
        assertEquals("0 0 0", report.group(4) + " " + report.group(5) + " " + report.group(6),
            "no gaps, none out of order, none damaged: " + line);
    }

    private static String state(final Nodes.Node node)
    {
        return run(node, "counters", "^COUNTERS (.*)$", AWAIT).group(1) + " " +
            run(node, "direct-state", "^DIRECT-STATE (.*)$", AWAIT).group(1);
    }

    /** The blocks allocated under {@code path} (what {@code du} counts), not the files' apparent sizes. */
    private static long allocatedBytes(final Path path) throws IOException, InterruptedException
    {
        if (!Files.exists(path))
        {
            return 0;
        }
        final Process du = new ProcessBuilder("du", "-s", "-B1", path.toString()).redirectErrorStream(true).start();
        final String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, du.waitFor(), "du " + path + ": " + output);
        return Long.parseLong(output.split("\\s+")[0]);
    }

    /** A field of {@code /proc/<pid>/status} in bytes, e.g. {@code VmRSS}. */
    private static long residentBytes(final ChildJvm jvm, final String field) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(jvm.pid()), "status")))
        {
            if (line.startsWith(field + ":"))
            {
                return 1024 * Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + jvm.pid() + "/status");
    }
}
