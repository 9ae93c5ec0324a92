package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.support.FlightRecordings;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A back-pressure episode, as an outbox counts it, comes out as one duration event per episode. */
class BackPressureEpisodeTest
{
    private static final String PEER = "pekko.shm://b@localhost:25520";

    @Test
    void shouldRecordOneEpisodeFromTheFirstFullWriteToTheNextMessageSent() throws Exception
    {
        try (FlightRecordings recording = FlightRecordings.start())
        {
            final SendCounts counts = new SendCounts();
            counts.describe(PEER, true, "ipc");
            counts.messagesSent.increment();
            counts.backPressure.increment();
            counts.backPressure.increment();
            counts.backPressure.increment();
            counts.messagesSent.add(5);
            counts.messagesSent.increment();

            recording.stop();
            final List<RecordedEvent> episodes = recording.events("BackPressure", e -> true);
            assertEquals(1, episodes.size(), recording.describe());
            final RecordedEvent episode = episodes.get(0);
            assertEquals(PEER, episode.getString("peerAddress"));
            assertEquals("ipc", episode.getString("medium"));
            assertEquals(3, episode.getLong("events"));
            assertEquals("sent", episode.getString("endedBy"));
            assertTrue(!episode.getDuration().isNegative(), episode.toString());
            assertEquals(7, counts.messagesSent.get());
            assertEquals(3, counts.backPressure.get());
        }
    }

    @Test
    void shouldEndTheEpisodeAsClosedWhenTheOutboxClosesUnderBackPressure() throws Exception
    {
        try (FlightRecordings recording = FlightRecordings.start())
        {
            final SendCounts counts = new SendCounts();
            counts.describe(PEER, false, "ipc");
            counts.backPressure.increment();
            counts.closed();
            counts.backPressure.increment();
            counts.messagesSent.increment();

            recording.stop();
            final List<RecordedEvent> episodes = recording.events("BackPressure", e -> true);
            assertEquals(2, episodes.size(), recording.describe());
            assertEquals("closed", episodes.get(0).getString("endedBy"));
            assertEquals(1, episodes.get(0).getLong("events"));
            assertEquals("sent", episodes.get(1).getString("endedBy"));
        }
    }

    @Test
    void shouldRecordNoEpisodeWhenNoRecordingIsOn()
    {
        final SendCounts counts = new SendCounts();
        counts.describe(PEER, true, "ipc");
        counts.backPressure.increment();
        counts.messagesSent.increment();
        assertEquals(1, counts.backPressure.get());
        assertEquals(1, counts.messagesSent.get());
    }
}
