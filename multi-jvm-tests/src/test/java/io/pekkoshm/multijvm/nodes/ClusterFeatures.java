package io.pekkoshm.multijvm.nodes;

import io.pekkoshm.testkit.process.ChildControl;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.ddata.DistributedData;
import org.apache.pekko.cluster.ddata.GCounter;
import org.apache.pekko.cluster.ddata.GCounterKey;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.ORSetKey;
import org.apache.pekko.cluster.ddata.Replicator;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.singleton.ClusterSingletonManager;
import org.apache.pekko.cluster.singleton.ClusterSingletonManagerSettings;
import org.apache.pekko.cluster.singleton.ClusterSingletonProxy;
import org.apache.pekko.cluster.singleton.ClusterSingletonProxySettings;
import org.apache.pekko.pattern.Patterns;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The Pekko Cluster features a {@link ScriptedNode} exercises for {@code ClusterFeaturesTest}: the typed
 * Receptionist, a classic cluster singleton, Distributed Data and classic Cluster Sharding. Every command waits for
 * what it started (with a deadline) and prints one result line the test reads:
 * <pre>
 *   provider                      PROVIDER &lt;provider class&gt; hasCluster=&lt;the actor system's HasCluster&gt;
 *   await-up N                    once this member sees N members Up: UP N oldest=&lt;address of the oldest&gt;
 *   service-register              spawn a greeter, register it under the key "greeter": REGISTERED
 *   service-await N               once the Listing of "greeter" holds N refs: LISTING addr,addr,...
 *   service-ask-all               typed ask to every listed greeter:
 *                                 SERVICE-REPLY &lt;ref's address&gt; &lt;greeting&gt; per ref, then SERVICE-ASKED n
 *   singleton-start               the singleton manager and proxy: OK singleton
 *   singleton-ask                 ask the singleton through the proxy:
 *                                 SINGLETON &lt;its address&gt; &lt;instance token&gt;
 *   singleton-count               SINGLETON-COUNT &lt;instances ever started in this JVM&gt;
 *   ddata-update N                add N to a GCounter (WriteMajority) and this member's address to an ORSet
 *                                 (WriteLocal): DDATA-UPDATED
 *   ddata-await SUM N             once the local replica holds counter SUM and N set elements:
 *                                 DDATA counter=SUM set=addr,addr,...
 *   sharding-start                start the shard region of type "where": OK sharding
 *   sharding-regions N            once the coordinator knows N regions: REGIONS N
 *   sharding-ask K                ask entities e0..e(K-1) through the local region: SHARDED-ALL id=addr#token,...
 * </pre>
 * Answers carry the answering member's address and a random token per actor instance, so the test can tell
 * instances apart, not only members.
 */
final class ClusterFeatures
{
    private static final ServiceKey<Messages.Greet> GREETER = ServiceKey.create(Messages.Greet.class, "greeter");
    static final Key<GCounter> COUNTER = GCounterKey.create("features-counter");
    static final Key<ORSet<String>> MEMBERS = ORSetKey.create("features-members");
    /** One ask; generous, since the cluster may still be settling (first shard allocation, singleton hand-over). */
    private static final Duration ASK = Duration.ofSeconds(10);
    /** How long a command waits for its condition before it fails. */
    private static final Duration AWAIT = Duration.ofSeconds(60);

    private final ActorSystem system;
    private final String selfAddress;
    private ActorRef singletonProxy;
    private ActorRef region;
    private List<org.apache.pekko.actor.typed.ActorRef<Messages.Greet>> listed = List.of();

    ClusterFeatures(final ActorSystem system)
    {
        this.system = system;
        this.selfAddress = NodeActors.addressOf(system);
    }

    /** @return false if {@code words} is not one of these commands. */
    boolean run(final String[] words) throws Exception
    {
        switch (words[0])
        {
            case "provider" -> ChildControl.report("PROVIDER " +
                ((ExtendedActorSystem)system).provider().getClass().getName() +
                " hasCluster=" + system.settings().HasCluster());
            case "await-up" -> awaitUp(Integer.parseInt(words[1]));
            case "service-register" -> registerService();
            case "service-await" -> awaitListing(Integer.parseInt(words[1]));
            case "service-ask-all" -> askListed();
            case "singleton-start" -> startSingleton();
            case "singleton-ask" -> askSingleton();
            case "singleton-count" ->
                ChildControl.report("SINGLETON-COUNT " + ClusterFeatureActors.SINGLETONS_STARTED.get());
            case "ddata-update" -> updateData(Long.parseLong(words[1]));
            case "ddata-await" -> awaitData(new BigInteger(words[1]), Integer.parseInt(words[2]));
            case "sharding-start" -> startSharding();
            case "sharding-regions" -> awaitRegions(Integer.parseInt(words[1]));
            case "sharding-ask" -> askEntities(Integer.parseInt(words[1]));
            default ->
            {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Membership
    // ---------------------------------------------------------------------------------------------------------------

    private void awaitUp(final int expected) throws Exception
    {
        final CompletableFuture<Member> oldest = new CompletableFuture<>();
        final ActorRef watcher = system.actorOf(Props.create(ClusterFeatureActors.UpWatcher.class,
            () -> new ClusterFeatureActors.UpWatcher(expected, oldest)));
        try
        {
            final Member member = oldest.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            ChildControl.report("UP " + expected + " oldest=" + member.address());
        }
        finally
        {
            system.stop(watcher);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Receptionist
    // ---------------------------------------------------------------------------------------------------------------

    private void registerService() throws Exception
    {
        final org.apache.pekko.actor.typed.ActorSystem<Void> typed = Adapter.toTyped(system);
        final org.apache.pekko.actor.typed.ActorRef<Messages.Greet> greeter =
            Adapter.spawn(system, NodeActors.greeter(), "service-greeter");
        AskPattern.<Receptionist.Command, Receptionist.Registered>ask(typed.receptionist(),
            replyTo -> Receptionist.register(GREETER, greeter, replyTo), ASK, typed.scheduler())
            .toCompletableFuture().get(ASK.toSeconds(), TimeUnit.SECONDS);
        ChildControl.report("REGISTERED");
    }

    private void awaitListing(final int expected) throws Exception
    {
        final CompletableFuture<Set<org.apache.pekko.actor.typed.ActorRef<Messages.Greet>>> full =
            new CompletableFuture<>();
        final AtomicReference<List<String>> lastListing = new AtomicReference<>(List.of());
        final org.apache.pekko.actor.typed.ActorRef<Receptionist.Listing> subscriber = Adapter.spawnAnonymous(system,
            Behaviors.<Receptionist.Listing>setup(context ->
            {
                context.getSystem().receptionist().tell(Receptionist.subscribe(GREETER, context.getSelf()));
                return Behaviors.receiveMessage(listing ->
                {
                    final Set<org.apache.pekko.actor.typed.ActorRef<Messages.Greet>> refs =
                        listing.getServiceInstances(GREETER);
                    lastListing.set(refs.stream().map(ref -> addressOf(ref.path())).sorted().toList());
                    if (refs.size() == expected)
                    {
                        full.complete(refs);
                        return Behaviors.stopped();
                    }
                    return Behaviors.same();
                });
            }));
        try
        {
            final Set<org.apache.pekko.actor.typed.ActorRef<Messages.Greet>> refs;
            try
            {
                refs = full.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
            }
            catch (final TimeoutException ex)
            {
                throw new IllegalStateException("after " + AWAIT + " the listing of \"greeter\" holds " +
                    lastListing.get() + ", not " + expected + " refs");
            }
            listed = new ArrayList<>(refs);
            listed.sort((a, b) -> addressOf(a.path()).compareTo(addressOf(b.path())));
            ChildControl.report("LISTING " + listed.stream().map(ref -> addressOf(ref.path()))
                .collect(Collectors.joining(",")));
        }
        finally
        {
            system.stop(Adapter.toClassic(subscriber));
        }
    }

    private void askListed() throws Exception
    {
        final org.apache.pekko.actor.typed.ActorSystem<Void> typed = Adapter.toTyped(system);
        for (final org.apache.pekko.actor.typed.ActorRef<Messages.Greet> greeter : listed)
        {
            final Messages.Greeting greeting = AskPattern.<Messages.Greet, Messages.Greeting>ask(greeter,
                replyTo -> new Messages.Greet(selfAddress, replyTo), ASK, typed.scheduler())
                .toCompletableFuture().get(ASK.toSeconds() + 5, TimeUnit.SECONDS);
            ChildControl.report("SERVICE-REPLY " + addressOf(greeter.path()) + " " + greeting.text());
        }
        ChildControl.report("SERVICE-ASKED " + listed.size());
    }

    /** A local ref's path has no host: this member's address stands for it. */
    private String addressOf(final ActorPath path)
    {
        final Address address = path.address();
        return address.hasGlobalScope() ? address.toString() : selfAddress;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Singleton
    // ---------------------------------------------------------------------------------------------------------------

    private void startSingleton()
    {
        system.actorOf(ClusterSingletonManager.props(
            Props.create(ClusterFeatureActors.Where.class, () -> new ClusterFeatureActors.Where(true)),
            PoisonPill.getInstance(), ClusterSingletonManagerSettings.create(system)), "where-singleton");
        singletonProxy = system.actorOf(ClusterSingletonProxy.props("/user/where-singleton",
            ClusterSingletonProxySettings.create(system)), "where-singleton-proxy");
        ChildControl.report("OK singleton");
    }

    private void askSingleton() throws Exception
    {
        ChildControl.report("SINGLETON " + askRetrying(singletonProxy, "where"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Distributed Data
    // ---------------------------------------------------------------------------------------------------------------

    private void updateData(final long increment) throws Exception
    {
        final ActorRef replicator = DistributedData.get(system).replicator();
        final SelfUniqueAddress self = DistributedData.get(system).selfUniqueAddress();
        final Object counted = Patterns.ask(replicator, new Replicator.Update<>(COUNTER, GCounter.create(),
            new Replicator.WriteMajority(ASK), counter -> counter.increment(self, increment)), ASK.plusSeconds(5))
            .toCompletableFuture().get(ASK.toSeconds() + 10, TimeUnit.SECONDS);
        final Object added = Patterns.ask(replicator, new Replicator.Update<>(MEMBERS, ORSet.create(),
            Replicator.writeLocal(), (ORSet<String> set) -> set.add(self, selfAddress)), ASK)
            .toCompletableFuture().get(ASK.toSeconds() + 5, TimeUnit.SECONDS);
        if (!(counted instanceof Replicator.UpdateSuccess) || !(added instanceof Replicator.UpdateSuccess))
        {
            throw new IllegalStateException("update failed: counter " + counted + ", set " + added);
        }
        ChildControl.report("DDATA-UPDATED");
    }

    private void awaitData(final BigInteger sum, final int elements) throws Exception
    {
        final CompletableFuture<String> converged = new CompletableFuture<>();
        final AtomicReference<String> seen = new AtomicReference<>("nothing");
        final ActorRef watcher = system.actorOf(Props.create(ClusterFeatureActors.DataWatcher.class,
            () -> new ClusterFeatureActors.DataWatcher(sum, elements, converged, seen)));
        try
        {
            ChildControl.report("DDATA " + converged.get(AWAIT.toSeconds(), TimeUnit.SECONDS));
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("after " + AWAIT + " the local replicas hold " + seen.get() +
                ", not counter=" + sum + " with " + elements + " set elements");
        }
        finally
        {
            system.stop(watcher);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Sharding
    // ---------------------------------------------------------------------------------------------------------------

    private void startSharding()
    {
        region = ClusterSharding.get(system).start("where",
            Props.create(ClusterFeatureActors.Where.class, () -> new ClusterFeatureActors.Where(false)),
            ClusterShardingSettings.create(system), new ShardRegion.HashCodeMessageExtractor(30)
            {
                @Override
                public String entityId(final Object message)
                {
                    return message instanceof String ? (String)message : null;
                }
            });
        ChildControl.report("OK sharding");
    }

    private void awaitRegions(final int expected) throws Exception
    {
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        Set<Address> regions = Set.of();
        while (regions.size() != expected)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the coordinator knows regions " + regions + ", not " + expected);
            }
            regions = ((ShardRegion.CurrentRegions)Patterns.ask(region, ShardRegion.getCurrentRegionsInstance(), ASK)
                .toCompletableFuture().get(ASK.toSeconds() + 5, TimeUnit.SECONDS)).getRegions();
            if (regions.size() != expected)
            {
                // regions register with the coordinator every sharding.retry-interval: poll about as often
                CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
                    .get();
            }
        }
        ChildControl.report("REGIONS " + expected);
    }

    private void askEntities(final int count) throws Exception
    {
        final TreeMap<String, String> answers = new TreeMap<>();
        for (int i = 0; i < count; i++)
        {
            final String id = "e" + i;
            answers.put(id, askRetrying(region, id).replace(' ', '#'));
        }
        ChildControl.report("SHARDED-ALL " + answers.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(",")));
    }

    /**
     * Asks until answered or {@link #AWAIT} passes: the first message to a singleton or a shard may wait for the
     * singleton to start or the shard to be allocated, and a proxy or region buffers meanwhile.
     */
    private String askRetrying(final ActorRef target, final String message) throws Exception
    {
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        while (true)
        {
            try
            {
                return (String)Patterns.ask(target, message, ASK).toCompletableFuture()
                    .get(ASK.toSeconds() + 5, TimeUnit.SECONDS);
            }
            catch (final java.util.concurrent.ExecutionException ex)
            {
                if (!(ex.getCause() instanceof org.apache.pekko.pattern.AskTimeoutException) ||
                    System.nanoTime() - deadline > 0)
                {
                    throw ex;
                }
            }
        }
    }
}
