package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.multijvm.nodes.PathMode;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sender JVM started with {@code -XX:StartFlightRecording}, as a user would: after it talked to a receiver JVM
 * (small messages and a blob) and stopped, its recording holds the plugin's events with their fields.
 */
@Timeout(300)
class FlightRecorderAcrossJvmsTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final int BLOB_SIZE = 2 << 20;

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldRecordTheSendersAssociationBlobAndSwitchEventsWhenItRunsWithStartFlightRecording() throws Exception
    {
        Files.createDirectories(multiJvm.logDirectory());
        final Path recording = multiJvm.logDirectory().resolve("sender.jfr");
        final Nodes.Node receiver = Nodes.start(multiJvm, "receiver", "receiver", 0);
        final Nodes.Node sender = Nodes.start(multiJvm,
            new String[] {"-XX:StartFlightRecording=filename=" + recording + ",dumponexit=true"},
            "sender", "sender", 0);
        run(receiver, "sink 10000", "^OK sink$", AWAIT);
        run(receiver, "blob-sink", "^OK blob-sink$", AWAIT);

        run(sender, "stream " + receiver.address() + "/user/sink 10000", "^STREAMED 10000$", AWAIT);
        receiver.jvm().awaitLine("^SINK received=10000 outOfOrder=0$", AWAIT);
        run(sender, "send-blobs " + receiver.address() + "/user/blob-sink " + BLOB_SIZE + " 1", "^SENT-BLOBS 1$",
            AWAIT);
        assertEquals("ok " + BLOB_SIZE, receiver.jvm().awaitLine("^BLOB (.*)$", AWAIT).group(1));
        // the actor system first: at exit, JFR's dump and Pekko's shutdown are shutdown hooks that run side by side,
        // so a system stopped by its hook may end its associations after the recording was written
        run(sender, "terminate", "^SYSTEM-TERMINATED$", AWAIT);
        assertEquals(0, sender.jvm().stop(AWAIT), "the sender should stop cleanly, writing its recording");

        assertTrue(Files.size(recording) > 0, recording + " should hold the recording");
        final List<RecordedEvent> events = RecordingFile.readAllEvents(recording).stream()
            .filter(e -> e.getEventType().getName().startsWith("io.pekkoshm.remote.")).collect(Collectors.toList());
        final String all = events.stream().map(RecordedEvent::toString).collect(Collectors.joining("\n"));
        final Predicate<RecordedEvent> toReceiver = e -> receiver.address().equals(e.getString("peerAddress"));

        final List<RecordedEvent> established = of(events, "AssociationEstablished", toReceiver);
        assertFalse(established.isEmpty(), all);
        assertEquals(sender.address(), established.get(0).getString("localAddress"));
        assertEquals("ipc", established.get(0).getString("medium"));
        assertTrue(0 != established.get(0).getLong("incarnation"), established.get(0).toString());
        assertFalse(of(events, "AssociationHandshakeStarted", toReceiver).isEmpty(), all);
        assertFalse(of(events, "AssociationEnded", toReceiver.and(e -> e.getBoolean("established"))).isEmpty(),
            all);
        assertFalse(of(events, "BlobPoolGrown", e -> e.getLong("bytes") > BLOB_SIZE).isEmpty(), all);
        assertFalse(of(events, "BlobAllocated", e -> e.getLong("capacity") >= BLOB_SIZE).isEmpty(), all);
        assertTrue(of(events, "MessagesDropped", e -> true).isEmpty(), all);
        if (PathMode.direct())
        {
            assertFalse(of(events, "DirectPathSwitched", toReceiver.and(e -> "DIRECT".equals(e.getString("to"))))
                .isEmpty(), all);
        }
    }

    private static List<RecordedEvent> of(final List<RecordedEvent> events, final String name,
        final Predicate<RecordedEvent> matching)
    {
        return events.stream().filter(e -> e.getEventType().getName().equals("io.pekkoshm.remote." + name))
            .filter(matching).collect(Collectors.toList());
    }
}
