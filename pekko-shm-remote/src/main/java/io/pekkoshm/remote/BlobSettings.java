package io.pekkoshm.remote;

import java.time.Duration;

/**
 * The blob store: where payloads too large for one frame go, and the zero-copy blobs of {@code ShmBlobs}. The keys
 * under {@code pekko.remote.shm.blob}; immutable.
 *
 * @param threshold       payloads larger than this many bytes go through the blob store: {@code blob.threshold},
 *                        lowered to what fits one Aeron message when {@code term-length} is small; 0 when the blob
 *                        store is off.
 * @param maxBytes        {@code blob.max-bytes}: the cap on the bytes of a node's blob blocks; 0 turns the blob store
 *                        off.
 * @param idleRelease     {@code blob.idle-release}: free blocks, and receivers' mappings, unused for this long are
 *                        released.
 * @param claimTimeout    {@code blob.claim-timeout}: a block sent (a zero-copy blob, or a large message of the
 *                        transport) but claimed by no receiver for this long is taken back.
 * @param allocateTimeout {@code blob.allocate-timeout}: how long {@code ShmBlobs.allocate} waits for room under the
 *                        cap; zero: no wait.
 * @param receiveThreads  {@code blob.receive-threads}: the threads that read and deserialize the peers' large bodies,
 *                        off the node's inbound thread.
 */
public record BlobSettings(
    int threshold,
    long maxBytes,
    Duration idleRelease,
    Duration claimTimeout,
    Duration allocateTimeout,
    int receiveThreads)
{
    /**
     * Reads and validates the blob store's settings.
     *
     * @param r          the reader of {@code pekko.remote.shm}.
     * @param termLength the node's term length, which bounds the largest payload sent as one message.
     * @return the validated settings.
     * @throws ShmConfigurationException naming the key and value of the first bad setting.
     */
    static BlobSettings read(final SettingsReader r, final int termLength)
    {
        final long maxBytes = r.bytes("blob.max-bytes");
        final long threshold = r.bytes("blob.threshold");
        if (maxBytes < 0 || maxBytes > (1L << 40))
        {
            throw r.reject("blob.max-bytes", maxBytes, "must be from 0 (off) to 1 TiB");
        }
        if (threshold < 1024 || threshold > Integer.MAX_VALUE)
        {
            throw r.reject("blob.threshold", threshold, "must be at least 1 KiB");
        }
        if (maxBytes > 0 && maxBytes < 2 * threshold)
        {
            throw r.reject("blob.max-bytes", maxBytes,
                "must be 0 (off) or at least twice blob.threshold (" + threshold + ")");
        }
        // A payload that cannot be one Aeron message goes through the blob store whatever the threshold says.
        final int receiveThreads = r.intInRange("blob.receive-threads", 1, 64);
        final long maxMessage = ShmSettings.maxMessageLength(termLength);
        final int effectiveThreshold = maxBytes > 0 ? (int)Math.min(threshold, maxMessage - 1024) : 0;
        return new BlobSettings(
            effectiveThreshold,
            maxBytes,
            r.positiveDuration("blob.idle-release"),
            r.positiveDuration("blob.claim-timeout"),
            r.nonNegativeDuration("blob.allocate-timeout"),
            receiveThreads);
    }
}
