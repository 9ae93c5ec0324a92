package io.pekkoshm.samples.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.samples.support.Args;
import io.pekkoshm.samples.support.ChildProcess;
import io.pekkoshm.samples.support.SampleFailure;
import io.pekkoshm.samples.support.Samples;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A three-node Pekko Cluster over shared memory: this JVM is the first node; it hosts a typed service (the greeter)
 * registered with the receptionist, and starts two more JVMs ({@link ClusterNode}) that join, find the greeter
 * through the receptionist, call it with a typed ask and print who answered. Then every node leaves the cluster.
 * <pre>
 *   mvn -q -Pcluster -pl samples -am verify -DskipTests
 * </pre>
 * Option: {@code --clients N} (nodes that call the greeter, default 2).
 */
public final class ClusterSample
{
    private ClusterSample()
    {
    }

    /** Prints membership changes as this node sees them. */
    static Behavior<ClusterEvent.MemberEvent> membershipPrinter()
    {
        return Behaviors.setup(context ->
        {
            Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(context.getSelf(),
                ClusterEvent.MemberEvent.class));
            return Behaviors.receive(ClusterEvent.MemberEvent.class)
                .onMessage(ClusterEvent.MemberUp.class, up ->
                {
                    Samples.say("cluster: member up: " + up.member().address());
                    return Behaviors.same();
                })
                .onMessage(ClusterEvent.MemberRemoved.class, removed ->
                {
                    Samples.say("cluster: member removed: " + removed.member().address());
                    return Behaviors.same();
                })
                .onAnyMessage(event -> Behaviors.same())
                .build();
        });
    }

    /**
     * @param args {@code [--clients N]}.
     */
    public static void main(final String[] args)
    {
        Samples.runAndExit("cluster", () -> run(Args.parse("cluster", args, "clients", "2")));
    }

    private static void run(final Args args) throws Exception
    {
        final int clients = (int)args.number("clients", 1);
        final Config config = ConfigFactory.load("cluster");
        final ShmSettings settings = ShmSettings.fromRootConfig(config);
        final ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();

        final ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(context ->
        {
            final String self = "node-1 (" + Cluster.get(context.getSystem()).selfMember().address() + ")";
            final ActorRef<GreeterProtocol.Greet> greeter = context.spawn(GreeterProtocol.greeter(self, asked),
                "greeter");
            context.getSystem().receptionist().tell(Receptionist.register(GreeterProtocol.GREETER, greeter));
            context.spawn(membershipPrinter(), "membership");
            return Behaviors.empty();
        }), "cluster-sample", config);
        final List<ChildProcess> nodes = new ArrayList<>();
        try
        {
            final Cluster cluster = Cluster.get(system);
            final String address = cluster.selfMember().address().toString();
            Samples.say("cluster: node-1 " + address + " hosts the greeter; shared memory in " +
                settings.transport().directory());
            cluster.manager().tell(Join.create(cluster.selfMember().address()));

            for (int i = 2; i < 2 + clients; i++)
            {
                nodes.add(ChildProcess.start("node-" + i, ClusterNode.class, List.of("-Xmx256m"), address, "node-" + i,
                    Integer.toString(1 + clients)));
            }
            for (final ChildProcess node : nodes)
            {
                node.awaitSuccessfulExit(Duration.ofSeconds(180));
            }
            final Set<String> expected = new TreeSet<>();
            nodes.forEach(node -> expected.add(node.name()));
            if (!new TreeSet<>(asked).equals(expected))
            {
                throw new SampleFailure("the greeter on node-1 was asked by " + asked + ", expected " + expected);
            }
            Samples.say("cluster: " + String.join(" and ", expected) + " found the greeter on node-1 through the " +
                "receptionist and got its answer");
        }
        finally
        {
            nodes.forEach(ChildProcess::close);
            CoordinatedShutdown.get(Adapter.toClassic(system)).run(CoordinatedShutdown.unknownReason());
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        Samples.awaitSharedMemoryReleased(settings);
    }
}
