package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Three JVMs form a Pekko Cluster over pekko.shm addresses; one is killed and the others remove it. */
@Timeout(300)
class ClusterOverShmTest
{
    private static final Duration AWAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldFormClusterOfThreeAndRemoveKilledMember() throws Exception
    {
        final int seedPort = freePortNumber();
        final String seed = "pekko.tcp://cluster@localhost:" + seedPort;
        final String[] clusterProps = {
            "pekko.actor.provider", "cluster",
            "pekko.cluster.seed-nodes.0", seed };
        // Pekko Cluster 1.7 accepts only pekko/pekko.tcp members: scheme = auto gives pekko.tcp:// over shared memory.
        final Nodes.Node first = Nodes.start(multiJvm, "first", "cluster", seedPort, clusterProps);
        final Nodes.Node second = Nodes.start(multiJvm, "second", "cluster", 0, clusterProps);
        final Nodes.Node third = Nodes.start(multiJvm, "third", "cluster", 0, clusterProps);
        assertEquals(seed, first.address());
        for (final Nodes.Node node : new Nodes.Node[] { first, second, third })
        {
            run(node, "cluster-listener", "^OK cluster-listener$", AWAIT);
        }

        final Set<String> upOnFirst = new HashSet<>();
        while (upOnFirst.size() < 3)
        {
            upOnFirst.add(first.jvm().awaitLine("^MEMBER_UP (\\S+)$", AWAIT).group(1));
        }
        assertEquals(Set.of(first.address(), second.address(), third.address()), upOnFirst);

        third.jvm().kill();

        assertEquals(third.address(), first.jvm().awaitLine("^MEMBER_REMOVED (\\S+)$", AWAIT).group(1));
        assertEquals(third.address(), second.jvm().awaitLine("^MEMBER_REMOVED (\\S+)$", AWAIT).group(1));
    }

    /** A port number unlikely to be taken by another node: pekko.shm ports only need to be unique on this host. */
    private static int freePortNumber() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
