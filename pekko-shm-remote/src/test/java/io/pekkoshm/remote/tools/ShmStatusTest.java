package io.pekkoshm.remote.tools;

import io.pekkoshm.remote.support.EmbeddedNodes;
import com.typesafe.config.Config;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.ShmTestDirectory;
import io.pekkoshm.remote.tools.StatusReport.CounterSet;
import io.pekkoshm.remote.tools.StatusReport.DriverState;
import io.pekkoshm.remote.tools.StatusReport.NodeStatus;
import io.pekkoshm.remote.transport.TransportCounters;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ShmStatusTest
{
    private static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(10);

    private Path directory;
    private ActorSystem a;
    private ActorSystem b;

    private static Config config(final Path directory)
    {
        return EmbeddedNodes.config(directory, 0);
    }


    @AfterEach
    void stop()
    {
        EmbeddedNodes.shutdown(b, a);
        if (null != directory)
        {
            final boolean leftOver = Files.exists(directory);
            final String contents = ShmTestDirectory.describe(directory);
            ShmTestDirectory.deleteRecursively(directory);
            assertFalse(leftOver, "the shared-memory directory should be gone: " + contents);
        }
    }

    @Test
    void shouldListBothNodesWithTheirAddressesAndMessageCounters()
    {
        directory = ShmTestDirectory.newPath("status");
        a = ActorSystem.create("a", config(directory));
        b = ActorSystem.create("b", config(directory));
        a.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        final Address addressOfA = ShmRemote.get(a).address().orElseThrow();
        final Address addressOfB = ShmRemote.get(b).address().orElseThrow();

        final TestKit probe = new TestKit(b);
        final ActorSelection echo = b.actorSelection(addressOfA + "/user/echo");
        final int count = 5;
        for (int i = 0; i < count; i++)
        {
            echo.tell("m" + i, probe.getRef());
        }
        for (int i = 0; i < count; i++)
        {
            assertEquals("m" + i, probe.expectMsgClass(Duration.ofSeconds(20), String.class));
        }

        // The nodes publish their counters into the CnC file periodically (every heartbeat-interval): await them.
        final int portOfA = addressOfA.getPort().get();
        final int portOfB = addressOfB.getPort().get();
        final StatusReport[] last = new StatusReport[1];
        Await.until(Duration.ofSeconds(10), () ->
        {
            last[0] = ShmStatus.collect(directory, directory.resolve("aeron"), DRIVER_TIMEOUT);
            return counter(last[0], portOfA, TransportCounters.MESSAGES_RECEIVED_TYPE_ID) >= count &&
                counter(last[0], portOfB, TransportCounters.MESSAGES_SENT_TYPE_ID) >= count &&
                counter(last[0], portOfA, TransportCounters.MESSAGES_SENT_TYPE_ID) >= count;
        }, () -> "the counters of both nodes in the status: " + last[0]);
        final StatusReport report = last[0];

        assertTrue(report.directoryExists());
        assertEquals(DriverState.LIVE, report.driver().state(), report.driver().toString());
        assertEquals(ProcessLiveness.currentPid(), report.driver().pid(), "the embedded driver runs in this JVM");
        assertTrue(report.driver().clients() >= 2, "one Aeron client per node: " + report.driver());
        assertEquals(2, report.nodes().size(), report.toString());

        final NodeStatus nodeA = report.node(portOfA).orElseThrow();
        final NodeStatus nodeB = report.node(portOfB).orElseThrow();
        assertEquals(addressOfA.toString(), nodeA.address());
        assertEquals(addressOfB.toString(), nodeB.address());
        for (final NodeStatus node : List.of(nodeA, nodeB))
        {
            assertTrue(node.alive(), node.toString());
            assertEquals(ProcessLiveness.currentPid(), node.pid());
        }

        final CounterSet countersOfA = nodeA.counters().orElseThrow(() -> new AssertionError(report.toString()));
        final CounterSet countersOfB = nodeB.counters().orElseThrow(() -> new AssertionError(report.toString()));
        assertTrue(countersOfA.value(TransportCounters.MESSAGES_RECEIVED_TYPE_ID).orElse(0) >= count,
            countersOfA::toString);
        assertTrue(countersOfA.value(TransportCounters.MESSAGES_SENT_TYPE_ID).orElse(0) >= count,
            countersOfA::toString);
        assertTrue(countersOfB.value(TransportCounters.MESSAGES_SENT_TYPE_ID).orElse(0) >= count,
            countersOfB::toString);
        assertTrue(countersOfB.value(TransportCounters.BYTES_SENT_TYPE_ID).orElse(0) > 0, countersOfB::toString);
        assertTrue(countersOfB.value(TransportCounters.ASSOCIATIONS_TYPE_ID).orElse(0) >= 1, countersOfB::toString);
        for (final int typeId : new int[] {
            TransportCounters.MESSAGES_SENT_TYPE_ID, TransportCounters.BYTES_SENT_TYPE_ID,
            TransportCounters.MESSAGES_RECEIVED_TYPE_ID, TransportCounters.BYTES_RECEIVED_TYPE_ID,
            TransportCounters.BATCHES_SENT_TYPE_ID, TransportCounters.BACK_PRESSURE_TYPE_ID,
            TransportCounters.ASSOCIATIONS_TYPE_ID, TransportCounters.DROPPED_TYPE_ID,
            TransportCounters.REJECTED_TYPE_ID })
        {
            assertTrue(countersOfA.value(typeId).isPresent(), "type id " + typeId + " in " + countersOfA);
        }
        assertEquals(0, countersOfB.value(TransportCounters.DROPPED_TYPE_ID).orElse(-1));
        // each node's association with the other, both ways, over IPC, the peer named by its address
        assertTrue(countersOfA.links().stream().anyMatch(l -> l.outbound() && "ipc".equals(l.medium()) &&
            addressOfB.toString().equals(l.peer()) && NodeRegistry.portOfStream(l.streamId()) == portOfB),
            countersOfA::toString);
        assertTrue(countersOfA.links().stream().anyMatch(l -> !l.outbound() && "ipc".equals(l.medium()) &&
            addressOfB.toString().equals(l.peer()) && NodeRegistry.portOfStream(l.streamId()) == portOfA),
            countersOfA::toString);
        assertTrue(report.unmatchedCounters().isEmpty(), report.toString());
        final StatusReport.SharedMemoryUsage usage = report.sharedMemory();
        assertTrue(usage.publications().files() >= 2, "a publication each way: " + usage);
        assertTrue(usage.apparentBytes() >= usage.publications().apparentBytes(), usage::toString);
        assertTrue(usage.parts().stream().anyMatch(part -> part.name().equals("aeron/cnc.dat") && part.files() == 1),
            usage::toString);
        // a node file and a bell file (its doorbell) per node
        assertTrue(usage.parts().stream().anyMatch(part -> part.name().equals("nodes/") && part.files() == 4),
            usage::toString);

        final String table = runStatus(0, "--directory", directory.toString());
        assertTrue(table.contains("Media driver (" + directory.resolve("aeron") + "): live"), table);
        assertTrue(table.contains(addressOfA.toString()) && table.contains(addressOfB.toString()), table);
        assertTrue(table.contains("messages sent") && table.contains("frames rejected"), table);
        assertTrue(table.contains("aeron/publications/"), table);
        assertTrue(table.contains("Associations (the driver's stream counters") && table.contains(" to    ipc"),
            table);

        final String json = runStatus(0, "--directory", directory.toString(), "--json");
        assertTrue(json.contains("\"address\": \"" + addressOfA + "\""), json);
        assertTrue(json.contains("\"address\": \"" + addressOfB + "\""), json);
        assertTrue(json.contains("\"messagesSent\": ") && json.contains("\"state\": \"LIVE\""), json);
        assertTrue(json.contains("\"links\": [{\"direction\": \"to\", \"medium\": \"ipc\""), json);
    }

    @Test
    void shouldSaySoAndSucceedWhenThereIsNoDirectory()
    {
        final Path missing = ShmTestDirectory.newPath("status-none");

        final StatusReport report = ShmStatus.collect(missing, missing.resolve("aeron"), DRIVER_TIMEOUT);
        assertFalse(report.directoryExists());
        assertEquals(DriverState.NONE, report.driver().state());
        assertTrue(report.nodes().isEmpty() && report.unmatchedCounters().isEmpty());
        assertEquals(0, report.sharedMemory().files());
        assertEquals(0, report.sharedMemory().publications().files());
        assertTrue(report.sharedMemory().parts().isEmpty());

        final String table = runStatus(0, "--directory", missing.toString());
        assertTrue(table.contains("No pekko-shm directory at " + missing), table);
        final String json = runStatus(0, "--directory", missing.toString(), "--json");
        assertTrue(json.contains("\"directoryExists\": false") && json.contains("\"nodes\": []"), json);
        assertFalse(Files.exists(missing), "the status tool must create nothing");
    }

    @Test
    void shouldShowANodeFileOfADeadProcessAsStaleWithoutADriver() throws Exception
    {
        directory = ShmTestDirectory.newPath("status-stale");
        final Process exited = new ProcessBuilder("true").start();
        assertTrue(exited.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        Files.createDirectories(directory.resolve("nodes"));
        final Path nodeFile = directory.resolve("nodes").resolve("20001.node");
        Files.writeString(nodeFile, "port=20001\npid=" + exited.pid() +
            "\nstart=1\naddress=pekko.shm://gone@localhost:20001\n",
            StandardCharsets.UTF_8);

        final StatusReport report = ShmStatus.collect(directory, directory.resolve("aeron"), DRIVER_TIMEOUT);

        assertEquals(DriverState.NONE, report.driver().state());
        final NodeStatus node = report.node(20001).orElseThrow(() -> new AssertionError(report.toString()));
        assertFalse(node.alive());
        assertEquals(exited.pid(), node.pid());
        assertEquals("pekko.shm://gone@localhost:20001", node.address());
        assertTrue(node.counters().isEmpty());
        assertEquals(1, report.sharedMemory().files());

        final String table = runStatus(0, "--directory", directory.toString());
        assertTrue(table.contains("stale") && table.contains("none (no cnc.dat)"), table);
        assertTrue(Files.exists(nodeFile), "the status tool must not remove stale files: that is the nodes' job");
        ShmTestDirectory.deleteRecursively(directory);
    }

    @Test
    void shouldRefuseUnknownOptionsWithUsage()
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = ShmStatus.run(new String[] { "--verbose" }, new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(ShmStatus.EXIT_USAGE, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: pekko-shm-status"));
    }

    @Test
    void shouldWriteValidJsonKeysAndStrings()
    {
        assertEquals("backPressureEvents", StatusJson.key("back-pressure events"));
        assertEquals("messagesSent", StatusJson.key("messages sent"));
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", StatusJson.string("a\"b\\c\n\u0001"));
        assertNotEquals(-1, StatusTable.bytes(1536).indexOf("1.5 KiB"));
    }

    private static long counter(final StatusReport report, final int port, final int typeId)
    {
        return report.node(port).flatMap(NodeStatus::counters).map(set -> set.value(typeId).orElse(0)).orElse(0L);
    }

    private static String runStatus(final int expectedStatus, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = ShmStatus.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(expectedStatus, status, () -> err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
