package io.pekkoshm.multijvm.nodes;

import io.pekkoshm.testkit.process.ChildControl;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.serialization.Serialization;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The soak test's messages and actors (see {@link SoakNode}).
 * <p>
 * A soak message belongs to a <em>stream</em>: one sender incarnation to one receiver incarnation, numbered from 0.
 * <pre>
 *   0        8        16        24
 *   | seq    | CRC32  | stream  | filler (pseudo-random) ...
 * </pre>
 * The CRC32 covers everything but itself, so a torn, changed or misrouted message fails it.
 */
final class SoakActors
{
    static final int HEADER = 24;
    /** The sink acknowledges every this many messages of a stream, to the stream's acknowledgement actor. */
    static final int ACK_EVERY = 100;

    private SoakActors()
    {
    }

    static byte[] message(final long stream, final long seq, final int size)
    {
        final byte[] bytes = new byte[Math.max(HEADER, size)];
        long x = seq * 0x9E3779B97F4A7C15L + stream;
        // Filling a multi-MiB payload byte by byte costs more than it checks: every 8th byte varies.
        for (int i = HEADER; i < bytes.length; i += 8)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte)x;
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.putLong(0, seq).putLong(16, stream);
        buffer.putLong(8, checksum(bytes));
        return bytes;
    }

    private static long checksum(final byte[] bytes)
    {
        final CRC32 crc = new CRC32();
        crc.update(bytes, 0, 8);
        crc.update(bytes, 16, bytes.length - 16);
        return crc.getValue();
    }

    /** What a sink saw of one stream. */
    static final class StreamStats
    {
        final String from;
        long received;
        long next;
        long gaps;
        long outOfOrder;
        long bad;

        StreamStats(final String from)
        {
            this.from = from;
        }
    }

    /**
     * Receives the soak messages of every stream sent to this node, checks each (checksum, sequence), acknowledges
     * every {@link #ACK_EVERY} per stream, and on "report" prints one {@code SOAK-RECV} line per stream.
     */
    static final class Sink extends AbstractActor
    {
        private final Map<Long, StreamStats> streams = new LinkedHashMap<>();
        private long badUnattributed;

        static Props props()
        {
            return Props.create(Sink.class, Sink::new);
        }

        @Override
        public void preStart()
        {
            ChildControl.report("SOAK-SINK " + Serialization.serializedActorPath(getSelf()));
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(byte[].class, this::onMessage)
                .matchEquals("report", r -> report())
                .matchEquals("report-and-answer", r ->
                {
                    report();
                    getSender().tell("reported", getSelf());
                })
                .build();
        }

        private void onMessage(final byte[] bytes)
        {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            if (bytes.length < HEADER || buffer.getLong(8) != checksum(bytes))
            {
                badUnattributed++;
                ChildControl.report("SOAK-BAD length=" + bytes.length + " from " + getSender().path().address());
                return;
            }
            final long stream = buffer.getLong(16);
            final long seq = buffer.getLong(0);
            final StreamStats stats = streams.computeIfAbsent(stream,
                s -> new StreamStats(getSender().path().address().toString()));
            stats.received++;
            if (seq > stats.next)
            {
                stats.gaps += seq - stats.next;
            }
            if (seq < stats.next)
            {
                stats.outOfOrder++;
            }
            else
            {
                stats.next = seq + 1;
            }
            if (stats.received % ACK_EVERY == 0)
            {
                getSender().tell(ByteBuffer.allocate(8).putLong(stats.received).array(), getSelf());
            }
        }

        private void report()
        {
            final String at = Serialization.serializedActorPath(getSelf());
            streams.forEach((stream, s) -> ChildControl.report("SOAK-RECV stream=" + Long.toHexString(stream) +
                " at=" + at + " from=" + s.from + " received=" + s.received + " next=" + s.next + " gaps=" + s.gaps +
                " outOfOrder=" + s.outOfOrder + " bad=" + s.bad));
            if (badUnattributed > 0)
            {
                ChildControl.report("SOAK-RECV-BAD at=" + at + " count=" + badUnattributed);
            }
        }
    }

    /** Watches a stream's receiver and marks the stream over when it terminates. */
    static final class StreamWatcher extends AbstractActor
    {
        private final ActorRef target;
        private final SoakNode.OutStream stream;

        StreamWatcher(final ActorRef target, final SoakNode.OutStream stream)
        {
            this.target = target;
            this.stream = stream;
        }

        static Props props(final ActorRef target, final SoakNode.OutStream stream)
        {
            return Props.create(StreamWatcher.class, () -> new StreamWatcher(target, stream));
        }

        @Override
        public void preStart()
        {
            getContext().watch(target);
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(Terminated.class, t -> stream.end("receiver terminated")).build();
        }
    }
}
