package io.pekkoshm.samples.cluster;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.samples.support.SampleChild;
import io.pekkoshm.samples.support.SampleFailure;
import io.pekkoshm.samples.support.Samples;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client node of the cluster sample: joins the cluster, waits for every member to be up, finds the greeter through
 * the receptionist, asks it for a greeting (typed ask), prints who answered and the medium of its association to the
 * first node, leaves the cluster and exits. Started by {@link ClusterSample} (or {@link CrossHostSample}) with the
 * first node's address, its own name, the number of members the cluster will have and the configuration resource to
 * load.
 */
public final class ClusterNode
{
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(20);

    private ClusterNode()
    {
    }

    /** What the client's guardian receives. */
    interface Event
    {
    }

    /** The receptionist's current list of greeters. */
    record Greeters(Set<ActorRef<GreeterProtocol.Greet>> instances) implements Event
    {
    }

    /** A member is up. */
    record Up(ClusterEvent.MemberUp event) implements Event
    {
    }

    /** Time to say what it is still waiting for. */
    enum StillWaiting implements Event
    {
        INSTANCE
    }

    /** The greeter's answer, or why there is none. */
    record Answer(GreeterProtocol.Greeting greeting, Throwable failure) implements Event
    {
    }

    /**
     * Waits until the cluster has {@code members} members up (so no node leaves while another is still joining),
     * then asks the first greeter the receptionist lists, once, and completes {@code done} with its answer.
     */
    static Behavior<Event> client(final String name, final int members,
        final CompletableFuture<GreeterProtocol.Greeting> done)
    {
        return Behaviors.withTimers(timers -> Behaviors.setup(context ->
        {
            timers.startTimerWithFixedDelay(StillWaiting.INSTANCE, Duration.ofSeconds(15));
            final ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class,
                listing -> new Greeters(listing.getServiceInstances(GreeterProtocol.GREETER)));
            context.getSystem().receptionist().tell(Receptionist.subscribe(GreeterProtocol.GREETER, listings));
            Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
                context.messageAdapter(ClusterEvent.MemberUp.class, Up::new), ClusterEvent.MemberUp.class));
            final Set<Address> up = new HashSet<>();
            final List<ActorRef<GreeterProtocol.Greet>> greeter = new ArrayList<>();
            final boolean[] asked = { false };
            final Runnable askOnceReady = () ->
            {
                if (!asked[0] && up.size() >= members && !greeter.isEmpty())
                {
                    asked[0] = true;
                    Samples.say(up.size() + " members up; found the greeter through the receptionist: " +
                        greeter.get(0).path());
                    context.ask(GreeterProtocol.Greeting.class, greeter.get(0), ASK_TIMEOUT,
                        replyTo -> new GreeterProtocol.Greet(name, replyTo), Answer::new);
                }
            };
            return Behaviors.receive(Event.class)
                .onMessage(Up.class, member ->
                {
                    up.add(member.event().member().address());
                    askOnceReady.run();
                    return Behaviors.same();
                })
                .onMessage(Greeters.class, greeters ->
                {
                    greeter.clear();
                    greeter.addAll(greeters.instances());
                    askOnceReady.run();
                    return Behaviors.same();
                })
                .onMessage(StillWaiting.class, waiting ->
                {
                    if (!asked[0])
                    {
                        Samples.say("still waiting: members up here " + up + " (of " + members + "), greeters " +
                            greeter + "; cluster state here: " + Cluster.get(context.getSystem()).state() +
                            "; transport counters here: " + ShmRemote.get(
                                Adapter.toClassic(context.getSystem())).counters());
                    }
                    return Behaviors.same();
                })
                .onMessage(Answer.class, answer ->
                {
                    if (null != answer.greeting())
                    {
                        done.complete(answer.greeting());
                    }
                    else
                    {
                        done.completeExceptionally(new SampleFailure("the greeter did not answer: " +
                            answer.failure()));
                    }
                    return Behaviors.same();
                })
                .build();
        }));
    }

    /**
     * Waits (up to {@code timeout}, then goes on) until the cluster state here has converged: no member is still
     * Joining (or WeaklyUp), and every Up or Leaving member has seen this state, i.e. has published the same MemberUp
     * events. Called once this node has seen every member Up.
     */
    static void awaitConvergence(final ActorSystem<?> system, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!converged(Cluster.get(system).state()))
        {
            if (System.nanoTime() - deadline > 0)
            {
                Samples.say("the cluster state did not converge within " + timeout.toSeconds() +
                    " s; leaving anyway; cluster state here: " + Cluster.get(system).state());
                return;
            }
            Thread.sleep(50);
        }
    }

    /**
     * Pekko's convergence rule for one data center: no Joining or WeaklyUp member, every Up or Leaving one has seen
     * the state.
     */
    static boolean converged(final ClusterEvent.CurrentClusterState state)
    {
        for (final Member member : state.getMembers())
        {
            final MemberStatus status = member.status();
            if (MemberStatus.joining().equals(status) || MemberStatus.weaklyUp().equals(status))
            {
                return false;
            }
            if ((MemberStatus.up().equals(status) || MemberStatus.leaving().equals(status)) &&
                !state.getSeenBy().contains(member.address()))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The medium of this node's associations to a peer now, as {@link ShmRemote#associations()} tells it:
     * {@value ShmAssociationSnapshot#IPC} (a node of this host's directory) or {@value ShmAssociationSnapshot#UDP} (a
     * node of another host), {@code none} if no association to it is open.
     *
     * @param system this node.
     * @param peer   the peer's address.
     * @return the medium (two joined with {@code +} if its associations differ, which they should not).
     */
    static String mediumTo(final ActorSystem<?> system, final Address peer)
    {
        final String suffix = "://" + peer.hostPort();
        final Set<String> media = new TreeSet<>();
        for (final ShmAssociationSnapshot association : ShmRemote.get(Adapter.toClassic(system)).associations())
        {
            if (association.peerAddress().endsWith(suffix))
            {
                media.add(association.medium());
            }
        }
        return media.isEmpty() ? "none" : String.join("+", media);
    }

    /**
     * @param args the first node's address, this node's name, how many members the cluster will have, and the
     *             configuration resource to load ({@code cluster} or {@code cross-host}).
     */
    public static void main(final String[] args)
    {
        SampleChild.exitWhenParentExits();
        final String name = args[1];
        Samples.runAndExit(name, () ->
        {
            final CompletableFuture<GreeterProtocol.Greeting> done = new CompletableFuture<>();
            final ActorSystem<Event> system = ActorSystem.create(client(name, Integer.parseInt(args[2]), done),
                "cluster-sample",
                ConfigFactory.load(args[3]));
            final Address first = AddressFromURIString.parse(args[0]);
            Cluster.get(system).manager().tell(new JoinSeedNodes(List.of(first)));
            final GreeterProtocol.Greeting greeting = Samples.await(done, Duration.ofSeconds(120),
                "answer from a greeter found through the receptionist");
            Samples.say("typed ask answered by " + greeting.answeredBy() + ": \"" + greeting.text() + "\"");
            Samples.say("association to node-1: " + mediumTo(system, first));

            // Before leaving, waits until every member has seen the state in which every member is Up. Seeing them all
            // Up here is not enough: a client that has not yet seen this node Up would see it go from Joining straight
            // to Leaving in its next gossip, get no MemberUp for it, and wait for its last member until it times out.
            awaitConvergence(system, Duration.ofSeconds(30));

            // Leaves the cluster gracefully (Leaving, Exiting, Removed), then terminates the actor system.
            CoordinatedShutdown.get(Adapter.toClassic(system)).run(CoordinatedShutdown.unknownReason());
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        });
    }
}
