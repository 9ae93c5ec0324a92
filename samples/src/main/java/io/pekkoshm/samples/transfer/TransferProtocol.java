package io.pekkoshm.samples.transfer;

import io.pekkoshm.remote.serialization.KryoMessage;

/**
 * The transfer sample's own messages, registered in {@code transfer.conf}. The payload itself is a plain
 * {@code byte[]}, carried by Pekko's ByteArraySerializer and the transport's blob store.
 */
final class TransferProtocol
{
    /** The receiver is up; the sender is its actor. */
    record Ready() implements KryoMessage
    {
    }

    /**
     * The receiver's answer to a payload.
     *
     * @param length        the payload's length in bytes.
     * @param crc32         the CRC32 the receiver computed over it.
     * @param receivedNanos the receiver's {@link System#nanoTime()} when its actor got the payload (one clock for
     *                      the whole host on Linux, so the sender can take the transfer's duration).
     */
    record Received(long length, long crc32, long receivedNanos) implements KryoMessage
    {
    }

    /** The receiver shuts down and its JVM exits. */
    record Stop() implements KryoMessage
    {
    }

    private TransferProtocol()
    {
    }
}
