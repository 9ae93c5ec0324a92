package io.pekkoshm.multijvm.nodes;

import io.pekkoshm.testkit.process.ChildControl;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

/**
 * Actors for the fault tests, which need to tell a whole message from a torn one and a gap from a reordering.
 * <p>
 * A <em>checked message</em> is a byte array of at least {@link #HEADER} bytes:
 * <pre>
 *   0        8             16
 *   | seq    | CRC32       | filler (pseudo-random from seq) ...
 * </pre>
 * where the CRC32 covers the sequence number and the filler, so a message that lost or changed any byte fails it.
 */
public final class CheckedActors
{
    /** Sequence number and checksum. */
    public static final int HEADER = 16;
    /** A checked sink acknowledges (to the sender of the message) every this many messages. */
    public static final int ACK_EVERY = 1_000;
    /** A checked sink reports {@code CHECKED <name> received=<n>} at its first message and every this many. */
    public static final int PROGRESS_EVERY = 10_000;

    private CheckedActors()
    {
    }

    /** A checked message with sequence number {@code seq} and {@code size} bytes in all (at least {@link #HEADER}). */
    public static byte[] message(final long seq, final int size)
    {
        final byte[] bytes = new byte[Math.max(HEADER, size)];
        long x = seq * 0x9E3779B97F4A7C15L + 1;
        for (int i = HEADER; i < bytes.length; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte)x;
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.putLong(0, seq);
        buffer.putLong(8, checksum(bytes));
        return bytes;
    }

    /** @return whether a received checked message is whole and unchanged. */
    public static boolean isIntact(final byte[] bytes)
    {
        return bytes.length >= HEADER && ByteBuffer.wrap(bytes).getLong(8) == checksum(bytes);
    }

    private static long checksum(final byte[] bytes)
    {
        final CRC32 crc = new CRC32();
        crc.update(bytes, 0, 8);
        crc.update(bytes, HEADER, bytes.length - HEADER);
        return crc.getValue();
    }

    /**
     * Receives the checked messages of one sender, checks each, and counts: received, the next sequence number it
     * expects, gaps (sequence numbers skipped), out of order (a number lower than expected: a duplicate or a
     * reordering), bad (failed the checksum). Acknowledges every {@link #ACK_EVERY} to the message's sender, answers
     * {@code "report"} with its {@link #report()} line, and may be slow on purpose (see the constructor).
     */
    static final class CheckedSink extends AbstractActor
    {
        private final String name;
        private final long delayNanos;
        private long received;
        private long next;
        private long gaps;
        private long outOfOrder;
        private long bad;

        /**
         * @param delayMicros how long to take over each message (0: as fast as it can): a slow consumer. Parking the
         *                    actor's thread here is the point, not a way to wait for something.
         */
        CheckedSink(final String name, final long delayMicros)
        {
            this.name = name;
            this.delayNanos = TimeUnit.MICROSECONDS.toNanos(delayMicros);
        }

        static Props props(final String name, final long delayMicros)
        {
            return Props.create(CheckedSink.class, () -> new CheckedSink(name, delayMicros));
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(byte[].class, this::onMessage)
                .matchEquals("report", r -> getSender().tell(report(), getSelf()))
                .build();
        }

        private void onMessage(final byte[] message)
        {
            if (delayNanos > 0)
            {
                LockSupport.parkNanos(delayNanos);
            }
            received++;
            if (!isIntact(message))
            {
                bad++;
                ChildControl.report("CHECKED-BAD " + name + " length=" + message.length);
            }
            else
            {
                final long seq = ByteBuffer.wrap(message).getLong(0);
                if (seq > next)
                {
                    gaps += seq - next;
                }
                if (seq < next)
                {
                    outOfOrder++;
                }
                else
                {
                    next = seq + 1;
                }
            }
            if (received % ACK_EVERY == 0)
            {
                getSender().tell(ByteBuffer.allocate(8).putLong(received).array(), getSelf());
            }
            if (1 == received || received % PROGRESS_EVERY == 0)
            {
                ChildControl.report("CHECKED " + name + " received=" + received);
            }
        }

        private String report()
        {
            return "CHECKED-REPORT " + name + " received=" + received + " next=" + next + " gaps=" + gaps +
                " outOfOrder=" + outOfOrder + " bad=" + bad;
        }
    }

    /** Prints {@code GOT <name> <text>} for every byte array it receives (as UTF-8). */
    static final class Recorder extends AbstractActor
    {
        private final String name;

        Recorder(final String name)
        {
            this.name = name;
        }

        static Props props(final String name)
        {
            return Props.create(Recorder.class, () -> new Recorder(name));
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(byte[].class,
                bytes -> ChildControl.report("GOT " + name + " " + new String(bytes, StandardCharsets.UTF_8))).build();
        }
    }

    /** Takes acknowledgements nobody waits for (a sender without a window). */
    static final class Ignore extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchAny(m -> { }).build();
        }
    }
}
