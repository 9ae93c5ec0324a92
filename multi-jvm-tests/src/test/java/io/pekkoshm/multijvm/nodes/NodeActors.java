package io.pekkoshm.multijvm.nodes;

import io.pekkoshm.testkit.process.ChildControl;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import io.pekkoshm.remote.pekko.ShmRemote;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Cluster;

import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;

/** The actors a {@link ScriptedNode} can host. Each reports what the test waits for through {@link ChildControl}. */
final class NodeActors
{
    static final int ACK_EVERY = 10_000;

    private NodeActors()
    {
    }

    /** Replies with whatever it gets. */
    static final class Echo extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchAny(m -> getSender().tell(m, getSelf())).build();
        }
    }

    /** Receives numbered byte arrays, checks their order, acknowledges every ACK_EVERY, reports at the end. */
    static final class Sink extends AbstractActor
    {
        private final long expected;
        private long received;
        private long outOfOrder;

        Sink(final long expected)
        {
            this.expected = expected;
        }

        static Props props(final long expected)
        {
            return Props.create(Sink.class, () -> new Sink(expected));
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(byte[].class, this::onMessage).build();
        }

        private void onMessage(final byte[] message)
        {
            final long sequence = ByteBuffer.wrap(message).getLong();
            if (sequence != received)
            {
                outOfOrder++;
            }
            received++;
            if (received % ACK_EVERY == 0 || received == expected)
            {
                getSender().tell(ByteBuffer.allocate(8).putLong(received).array(), getSelf());
            }
            if (received == expected)
            {
                ChildControl.report("SINK received=" + received + " outOfOrder=" + outOfOrder);
            }
        }
    }

    /**
     * Receives self-checking payloads (see {@link #checkedPayload}): reports each as {@code BLOB ok <size>} or
     * {@code BLOB BAD <size>} — a torn or partial payload could never pass.
     */
    static final class BlobSink extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(byte[].class, bytes ->
                ChildControl.report("BLOB " + (isIntact(bytes) ? "ok " : "BAD ") + bytes.length)).build();
        }
    }

    /** A payload whose first 8 bytes are the CRC32 of the rest, which is pseudo-random from the seed. */
    static byte[] checkedPayload(final int size, final long seed)
    {
        final byte[] bytes = new byte[size];
        long x = seed * 0x9E3779B97F4A7C15L + size + 1;
        for (int i = 8; i < size; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte)x;
        }
        final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 8, size - 8);
        ByteBuffer.wrap(bytes).putLong(crc.getValue());
        return bytes;
    }

    static boolean isIntact(final byte[] bytes)
    {
        if (bytes.length < 8)
        {
            return false;
        }
        final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 8, bytes.length - 8);
        return ByteBuffer.wrap(bytes).getLong() == crc.getValue();
    }

    /** Releases flow-control permits when the sink acknowledges. */
    static final class AckReceiver extends AbstractActor
    {
        private final Semaphore window;
        private long acknowledged;

        AckReceiver(final Semaphore window)
        {
            this.window = window;
        }

        static Props props(final Semaphore window)
        {
            return Props.create(AckReceiver.class, () -> new AckReceiver(window));
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(byte[].class, m ->
            {
                final long upTo = ByteBuffer.wrap(m).getLong();
                window.release((int)(upTo - acknowledged));
                acknowledged = upTo;
            }).build();
        }
    }

    /** Answers a RelayRequest to the ref inside it. */
    static final class Relay extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(Messages.RelayRequest.class, request -> request.replyTo().tell(
                new Messages.RelayReply(request.text(), addressOf(getContext().getSystem())), ActorRef.noSender()))
                .build();
        }
    }

    /** Reports replies that came through a ref sent inside a message. */
    static final class Inbox extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(Messages.RelayReply.class,
                reply -> ChildControl.report("RELAYED " + reply.text() + " from " + reply.from())).build();
        }
    }

    /** Watches a remote actor and reports its Terminated. */
    static final class Watcher extends AbstractActor
    {
        private final ActorRef target;

        Watcher(final ActorRef target)
        {
            this.target = target;
        }

        static Props props(final ActorRef target)
        {
            return Props.create(Watcher.class, () -> new Watcher(target));
        }

        @Override
        public void preStart()
        {
            getContext().watch(target);
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(Terminated.class,
                t -> ChildControl.report("TERMINATED " + t.getActor().path())).build();
        }
    }

    /** Reports cluster membership changes, and reachability as this member's failure detector sees it. */
    static final class ClusterListener extends AbstractActor
    {
        private final Cluster cluster = Cluster.get(getContext().getSystem());

        @Override
        public void preStart()
        {
            cluster.subscribe(getSelf(), ClusterEvent.initialStateAsEvents(), ClusterEvent.MemberEvent.class,
                ClusterEvent.ReachabilityEvent.class);
            // Printed here, before this actor handles any event: every MEMBER_UP line comes after it, so a test that
            // awaits this line and then the MEMBER_UP lines does not skip one (awaits consume the lines they pass).
            ChildControl.report("OK cluster-listener");
        }

        @Override
        public void postStop()
        {
            cluster.unsubscribe(getSelf());
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(ClusterEvent.MemberUp.class, e -> ChildControl.report("MEMBER_UP " + e.member().address()))
                .match(ClusterEvent.MemberRemoved.class,
                    e -> ChildControl.report("MEMBER_REMOVED " + e.member().address()))
                .match(ClusterEvent.MemberDowned.class,
                    e -> ChildControl.report("MEMBER_DOWNED " + e.member().address()))
                .match(ClusterEvent.UnreachableMember.class,
                    e -> ChildControl.report("UNREACHABLE " + e.member().address()))
                .match(ClusterEvent.ReachableMember.class,
                    e -> ChildControl.report("REACHABLE " + e.member().address()))
                .matchAny(e -> { })
                .build();
        }
    }

    static String addressOf(final org.apache.pekko.actor.ActorSystem system)
    {
        return ShmRemote.get(system).address().orElseThrow().toString();
    }

    /** A typed service that greets. */
    static Behavior<Messages.Greet> greeter()
    {
        return Behaviors.receive((context, greet) ->
        {
            greet.replyTo().tell(new Messages.Greeting("hello " + greet.name() + " from " +
                addressOf(Adapter.toClassic(context.getSystem()))));
            return Behaviors.same();
        });
    }
}
