package io.pekkoshm.benchmarks.workloads;

/**
 * The benchmark's messages, the same for every transport: byte arrays (Pekko's ByteArraySerializer, so no
 * serializer skews the comparison) whose first byte says what they are.
 * <pre>
 *   'S' stream     driver -> peer       one 64-byte message of the one-way throughput run
 *   'A' ack        peer   -> driver     every {@link #ACK_EVERY} stream messages (flow control)
 *   'P' ping       driver -> peer       answered with the same bytes (ping-pong)
 *   'B' bulk       driver -> peer bulk  one large message of the bandwidth run
 *   'K' bulk ack   peer   -> driver     one per bulk message
 *   'M' mode       driver -> peer       raw Aeron only: byte 1 = 1 busy-spin, 0 back off (ping-pong is spun)
 * </pre>
 * Nodes are told to exit by the runner, on their standard input (see {@link ChildOutput}), not by each other: the
 * driver node shuts down first, while its peer still answers, so that neither waits on a peer that has gone.
 */
public final class Wire
{
    public static final byte STREAM = 'S';
    public static final byte ACK = 'A';
    public static final byte PING = 'P';
    public static final byte BULK = 'B';
    public static final byte BULK_ACK = 'K';
    public static final byte MODE = 'M';

    /** The peer acknowledges every this many stream messages; the driver sends whole multiples of it. */
    public static final int ACK_EVERY = 1000;

    /** Stream messages in flight at most (the driver's flow-control window). */
    public static final int WINDOW = 20_000;

    /** The size of stream and ping messages. */
    public static final int SMALL_MESSAGE_SIZE = 64;

    /** Bytes of bulk messages in flight at most (but always at least one message). */
    public static final long BULK_WINDOW_BYTES = 16L << 20;

    /** Bulk messages in flight at most. */
    public static final int BULK_WINDOW_MESSAGES = 16;

    /**
     * Bulk messages in flight at most: up to {@link #BULK_WINDOW_BYTES}, never fewer than one message nor more than
     * {@link #BULK_WINDOW_MESSAGES} (enough to keep any transport here busy, and short to drain for the slowest).
     */
    public static int bulkWindow(final long messageSize)
    {
        return (int)Math.max(1, Math.min(BULK_WINDOW_MESSAGES, BULK_WINDOW_BYTES / messageSize));
    }

    private Wire()
    {
    }

    /** A message of {@code size} bytes whose first byte is {@code type}. */
    public static byte[] message(final byte type, final int size)
    {
        final byte[] bytes = new byte[size];
        bytes[0] = type;
        return bytes;
    }
}
