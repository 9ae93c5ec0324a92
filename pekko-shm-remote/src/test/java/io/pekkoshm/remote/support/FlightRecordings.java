package io.pekkoshm.remote.support;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A flight recording of the plugin's events (every {@code io.pekkoshm.remote.*} event, no threshold) around a
 * scenario, written to a file and read back with {@link RecordingFile}, as a user's {@code jfr print} would.
 */
public final class FlightRecordings implements AutoCloseable
{
    /** The plugin's event names (see {@code io.pekkoshm.remote.jfr}). */
    public static final List<String> EVENT_NAMES = List.of(
        "AssociationHandshakeStarted", "AssociationEstablished", "AssociationEnded", "AssociationQuarantined",
        "MessagesDropped", "BlobAllocated", "BlobClaimed", "BlobReclaimed", "BlobPoolGrown", "BlobPoolShrunk",
        "MediaDriverLost", "MediaDriverReattached", "BackPressure", "DirectPathSwitched").stream()
        .map(name -> "io.pekkoshm.remote." + name).collect(Collectors.toList());

    private final Recording recording = new Recording();
    private final Path file;
    private List<RecordedEvent> events;

    private FlightRecordings() throws IOException
    {
        file = Files.createTempFile("pekko-shm-", ".jfr");
        recording.setToDisk(true);
        for (final String name : EVENT_NAMES)
        {
            recording.enable(name).withoutThreshold();
        }
    }

    /**
     * {@return a recording of the plugin's events, started}
     *
     * @throws IOException if its file cannot be made.
     */
    public static FlightRecordings start() throws IOException
    {
        final FlightRecordings recordings = new FlightRecordings();
        recordings.recording.start();
        return recordings;
    }

    /**
     * Stops the recording, writes it to its file and reads every event back.
     *
     * @return this, to query.
     * @throws IOException if the file cannot be written or read.
     */
    public FlightRecordings stop() throws IOException
    {
        recording.stop();
        recording.dump(file);
        events = RecordingFile.readAllEvents(file);
        return this;
    }

    /** {@return the events read back of type {@code io.pekkoshm.remote.<simpleName>} that match} */
    public List<RecordedEvent> events(final String simpleName, final Predicate<RecordedEvent> matching)
    {
        return events.stream().filter(e -> e.getEventType().getName().equals("io.pekkoshm.remote." + simpleName))
            .filter(matching).collect(Collectors.toList());
    }

    /** {@return every event read back, for failure messages} */
    public String describe()
    {
        return events.stream().map(RecordedEvent::toString).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() throws IOException
    {
        recording.close();
        Files.deleteIfExists(file);
    }
}
