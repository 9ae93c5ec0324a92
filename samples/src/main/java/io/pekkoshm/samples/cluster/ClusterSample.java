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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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

    /**
     * Prints membership changes as this node sees them.
     *
     * @param sample the prefix of the lines.
     * @return the printer.
     */
    static Behavior<ClusterEvent.MemberEvent> membershipPrinter(final String sample)
    {
        return Behaviors.setup(context ->
        {
            Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(context.getSelf(),
                ClusterEvent.MemberEvent.class));
            return Behaviors.receive(ClusterEvent.MemberEvent.class)
                .onMessage(ClusterEvent.MemberUp.class, up ->
                {
                    Samples.say(sample + ": member up: " + up.member().address());
                    return Behaviors.same();
                })
                .onMessage(ClusterEvent.MemberRemoved.class, removed ->
                {
                    Samples.say(sample + ": member removed: " + removed.member().address());
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
        final List<Client> nodes = new ArrayList<>();
        for (int i = 2; i < 2 + clients; i++)
        {
            nodes.add(new Client("node-" + i, List.of()));
        }
        runCluster("cluster", "cluster", config, "", nodes, asked ->
        {
            // one host: every association is over IPC; who asked is checked already
        });
        Samples.awaitSharedMemoryReleased(settings);
    }

    /**
     * A node that node-1 starts in a JVM of its own ({@link ClusterNode}) to join the cluster and call the greeter.
     *
     * @param name       its name, e.g. {@code node-2}.
     * @param jvmOptions JVM options of its own, e.g. {@code -Dpekko.remote.shm.directory=...}.
     */
    record Client(String name, List<String> jvmOptions)
    {
    }

    /**
     * Runs node-1 in this JVM with {@code config}: it hosts the greeter, joins itself, starts each client, waits for
     * them to exit (each leaves the cluster once it got its answer), checks that each asked the greeter, hands
     * {@code check} what node-1 saw of them, then leaves.
     *
     * @param sample   the sample's name, the prefix of the lines it prints.
     * @param resource the configuration resource the clients load (the one {@code config} was loaded from).
     * @param config   node-1's configuration.
     * @param where    what to say about where node-1 runs, after its address (empty or starting with a space).
     * @param clients  the other nodes.
     * @param check    given, for each client (by name), the medium of node-1's association to it when it asked;
     *                 prints what it found and throws a {@link SampleFailure} if that is wrong.
     * @throws Exception if the sample failed.
     */
    static void runCluster(final String sample, final String resource, final Config config, final String where,
        final List<Client> clients, final Consumer<Map<String, String>> check) throws Exception
    {
        final Map<String, String> asked = new ConcurrentHashMap<>();
        final ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(context ->
        {
            final String self = "node-1 (" + Cluster.get(context.getSystem()).selfMember().address() + ")";
            final ActorRef<GreeterProtocol.Greet> greeter = context.spawn(GreeterProtocol.greeter(self, asked),
                "greeter");
            context.getSystem().receptionist().tell(Receptionist.register(GreeterProtocol.GREETER, greeter));
            context.spawn(membershipPrinter(sample), "membership");
            return Behaviors.empty();
        }), "cluster-sample", config);
        final List<ChildProcess> nodes = new ArrayList<>();
        try
        {
            final Cluster cluster = Cluster.get(system);
            final String address = cluster.selfMember().address().toString();
            Samples.say(sample + ": node-1 " + address + where + " hosts the greeter; shared memory in " +
                ShmSettings.fromRootConfig(config).transport().directory());
            cluster.manager().tell(Join.create(cluster.selfMember().address()));

            for (final Client client : clients)
            {
                final List<String> jvmOptions = new ArrayList<>(client.jvmOptions());
                jvmOptions.add("-Xmx256m");
                nodes.add(ChildProcess.start(client.name(), ClusterNode.class, jvmOptions, address, client.name(),
                    Integer.toString(1 + clients.size()), resource));
            }
            for (final ChildProcess node : nodes)
            {
                node.awaitSuccessfulExit(Duration.ofSeconds(180));
            }
            final Set<String> expected = new TreeSet<>();
            nodes.forEach(node -> expected.add(node.name()));
            if (!new TreeSet<>(asked.keySet()).equals(expected))
            {
                throw new SampleFailure("the greeter on node-1 was asked by " + asked.keySet() + ", expected " +
                    expected);
            }
            Samples.say(sample + ": " + Samples.and(expected) + " found the greeter on node-1 through the " +
                "receptionist and got its answer");
            check.accept(new TreeMap<>(asked));
        }
        finally
        {
            nodes.forEach(ChildProcess::close);
            CoordinatedShutdown.get(Adapter.toClassic(system)).run(CoordinatedShutdown.unknownReason());
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }
}
