package io.pekkoshm.multijvm.nodes;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.DistributedData;
import org.apache.pekko.cluster.ddata.GCounter;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.Replicator;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The actors behind {@link ClusterFeatures}' commands. */
final class ClusterFeatureActors
{
    /** Singleton instances started in this JVM (a node JVM hosts one actor system). */
    static final AtomicInteger SINGLETONS_STARTED = new AtomicInteger();

    private ClusterFeatureActors()
    {
    }

    /** Completes with the oldest member once {@code expected} members are Up in this member's view. */
    static final class UpWatcher extends AbstractActor
    {
        private final Cluster cluster = Cluster.get(getContext().getSystem());
        private final int expected;
        private final CompletableFuture<Member> oldest;
        private final Set<Member> up = new HashSet<>();

        UpWatcher(final int expected, final CompletableFuture<Member> oldest)
        {
            this.expected = expected;
            this.oldest = oldest;
        }

        @Override
        public void preStart()
        {
            cluster.subscribe(getSelf(), ClusterEvent.initialStateAsEvents(), ClusterEvent.MemberEvent.class);
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
                .match(ClusterEvent.MemberEvent.class,
                    e -> changed(e.member(), e.member().status() == MemberStatus.up()))
                .build();
        }

        /** Every member event carries the member with its new status: Up, or no longer Up. */
        private void changed(final Member member, final boolean isUp)
        {
            up.removeIf(m -> m.uniqueAddress().equals(member.uniqueAddress()));
            if (isUp)
            {
                up.add(member);
            }
            if (up.size() == expected)
            {
                oldest.complete(up.stream().reduce((a, b) -> a.isOlderThan(b) ? a : b).orElseThrow());
            }
        }
    }

    /**
     * Answers any String with {@code <member address> <token>}, the token random per instance. As the singleton it
     * counts its starts in {@link #SINGLETONS_STARTED}.
     */
    static final class Where extends AbstractActor
    {
        private final String answer = NodeActors.addressOf(getContext().getSystem()) + " " +
            Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        private final boolean singleton;

        Where(final boolean singleton)
        {
            this.singleton = singleton;
        }

        @Override
        public void preStart()
        {
            if (singleton)
            {
                SINGLETONS_STARTED.incrementAndGet();
            }
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(String.class, m -> getSender().tell(answer, getSelf())).build();
        }
    }

    /** Subscribes to both keys; completes once the local replicas hold the expected sum and number of elements. */
    static final class DataWatcher extends AbstractActor
    {
        private final BigInteger sum;
        private final int elements;
        private final CompletableFuture<String> converged;
        /** The latest values, for the failure message. */
        private final AtomicReference<String> seen;
        private BigInteger counter = BigInteger.ZERO;
        private Set<String> members = Set.of();

        DataWatcher(final BigInteger sum, final int elements, final CompletableFuture<String> converged,
            final AtomicReference<String> seen)
        {
            this.sum = sum;
            this.elements = elements;
            this.converged = converged;
            this.seen = seen;
        }

        @Override
        public void preStart()
        {
            final ActorRef replicator = DistributedData.get(getContext().getSystem()).replicator();
            replicator.tell(new Replicator.Subscribe<>(ClusterFeatures.COUNTER, getSelf()), getSelf());
            replicator.tell(new Replicator.Subscribe<>(ClusterFeatures.MEMBERS, getSelf()), getSelf());
        }

        @Override
        @SuppressWarnings("unchecked")
        public Receive createReceive()
        {
            return receiveBuilder().match(Replicator.Changed.class, changed ->
            {
                if (changed.key().equals(ClusterFeatures.COUNTER))
                {
                    counter = ((GCounter)changed.dataValue()).getValue();
                }
                else if (changed.key().equals(ClusterFeatures.MEMBERS))
                {
                    members = new TreeSet<>(((ORSet<String>)changed.dataValue()).getElements());
                }
                final String values = "counter=" + counter + " set=" + String.join(",", members);
                seen.set(values);
                if (counter.equals(sum) && members.size() == elements)
                {
                    converged.complete(values);
                }
            }).build();
        }
    }
}
