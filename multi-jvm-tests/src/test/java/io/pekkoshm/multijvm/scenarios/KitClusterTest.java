package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.multijvm.nodes.PathMode;
import io.pekkoshm.testkit.Guardian;
import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.testkit.Node;
import io.pekkoshm.testkit.NodeContext;
import io.pekkoshm.testkit.NodeSpec;
import io.pekkoshm.testkit.NodeStep;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Pekko Cluster of test kit nodes over the plugin: three nodes join the first, each with its role, all see the
 * three Up; a killed member is removed by the others (the split brain resolver of this module's application.conf).
 */
@Timeout(300)
class KitClusterTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(100);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension()
        .commonConfig("pekko.remote.shm.directory = ${multijvm.shm-directory}")
        .commonConfig("pekko.actor.provider = cluster")
        .commonConfig(PathMode.direct() ? "include classpath(\"pekko-shm-cluster\")" : "")
        .timeout(TIMEOUT);

    @Test
    void shouldFormAClusterWithRolesAndRemoveAKilledMember()
    {
        final List<Node> nodes = multiJvm.startNodes(
            NodeSpec.guardian("seed", ClusterMember.class).role("backend"),
            NodeSpec.guardian("second", ClusterMember.class).role("backend"),
            NodeSpec.guardian("third", ClusterMember.class).role("frontend"));
        final Node seed = nodes.get(0);
        for (final Node node : nodes)
        {
            node.run(JoinCluster.class, seed.address());
        }
        final String expected = sorted(seed.address() + " backend", nodes.get(1).address() + " backend",
            nodes.get(2).address() + " frontend");
        for (final Node node : nodes)
        {
            assertEquals(expected, node.run(AwaitUpMembers.class, "3"), "the members Up seen by " + node.name());
        }

        nodes.get(2).kill();

        final String remaining = sorted(seed.address() + " backend", nodes.get(1).address() + " backend");
        assertEquals(remaining, seed.run(AwaitUpMembers.class, "2"));
        assertEquals(remaining, nodes.get(1).run(AwaitUpMembers.class, "2"));
    }

    private static String sorted(final String... members)
    {
        return String.join(", ", new TreeSet<>(List.of(members)));
    }

    /** A cluster member with no actors of its own. */
    public static final class ClusterMember implements Guardian
    {
        @Override
        public Behavior<?> create()
        {
            return Behaviors.empty();
        }
    }

    /** Joins the cluster of the seed whose address is {@code args[0]}. */
    public static final class JoinCluster implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            Cluster.get(node.system()).manager().tell(Join.create(AddressFromURIString.parse(args.get(0))));
            return "joining";
        }
    }

    /**
     * Waits until exactly {@code args[0]} members are Up and no other member is known; answers them sorted, each as
     * {@code "<address> <roles>"}, joined by {@code ", "}.
     */
    public static final class AwaitUpMembers implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            final int expected = Integer.parseInt(args.get(0));
            final Cluster cluster = Cluster.get(node.system());
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true)
            {
                final List<org.apache.pekko.cluster.Member> members = StreamSupport
                    .stream(cluster.state().getMembers().spliterator(), false).toList();
                final long up = members.stream().filter(m -> m.status() == MemberStatus.up()).count();
                if (up == expected && members.size() == expected)
                {
                    final TreeSet<String> described = new TreeSet<>();
                    members.forEach(m -> described.add(m.address() + " " + String.join(",",
                        new TreeSet<>(m.getRoles()).stream().filter(r -> !r.startsWith("dc-")).toList())));
                    return String.join(", ", described);
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new AssertionError(node.nodeName() + " did not see " + expected + " members Up within " +
                        TIMEOUT + ": " + members);
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
    }
}
