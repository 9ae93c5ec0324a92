package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.blob.BlobStoreException;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import org.apache.pekko.event.LoggingAdapter;

/**
 * What happens to a classic payload that can never be written: it is dropped, counted in {@code messages dropped}
 * and logged with its size and the setting that decides it. The association goes on.
 * <p>
 * Threading: any thread (classic's writing threads); counters and the log adapter are thread-safe.
 */
final class WriteFailures
{
    private final TransportCounters counters;
    private final LoggingAdapter log;
    private final int termLength;

    WriteFailures(final TransportCounters counters, final LoggingAdapter log, final int termLength)
    {
        this.counters = counters;
        this.log = log;
        this.termLength = termLength;
    }

    /** A payload the blob store can never place (e.g. /dev/shm full, larger than blob.max-bytes allows). */
    void onBlobFailure(final Association association, final int length, final BlobStoreException failure)
    {
        counters.dropped(association.outbox().sendCounts(), 1);
        ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_BLOB, 1, Association.fullAddress(association.remoteAddress()),
            length + " bytes");
        log.error("Dropped a payload of {} bytes to {}: {}", length, association.remoteAddress(), failure.getMessage());
    }

    /** A payload larger than the largest message to the peer: one Aeron message, or pieces up to the blob bound. */
    void onOversizedWrite(final Association association, final int length)
    {
        counters.dropped(association.outbox().sendCounts(), 1);
        ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_TOO_LARGE, 1,
            Association.fullAddress(association.remoteAddress()), length + " bytes");
        log.error("Dropped a payload of {} bytes to {}: larger than the largest message to it ({} bytes: one Aeron " +
            "message, from pekko.remote.shm.term-length = {} (cross-host.term-length across hosts), or, across hosts " +
            "in pieces, the bound of pekko.remote.shm.blob.max-bytes).", length, association.remoteAddress(),
            association.outbox().maxBodyLength(), termLength);
    }
}
