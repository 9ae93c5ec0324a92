package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.multijvm.nodes.PathMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three JVMs form a Pekko Cluster over pekko.shm, and every cluster feature that builds on membership works across
 * them: the typed Receptionist, a cluster singleton, Distributed Data and Cluster Sharding. Each of these would pass
 * on a single node, so every check is about the other members: a listing with all three services, one singleton
 * reached from everywhere, data written on each member read on every member, one entity per id whoever sends.
 * <p>
 * In the direct-path execution the nodes run the plugin's {@code ShmClusterProvider}; a system that did not
 * "have cluster" there fell back to a node-local receptionist, whose listings held one ref.
 */
@Timeout(300)
class ClusterFeaturesOverShmTest
{
    private static final Duration AWAIT = Duration.ofSeconds(90);
    private static final int ENTITIES = 12;

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldShareReceptionistSingletonDistributedDataAndShardsAmongThreeMembers() throws Exception
    {
        final int seedPort = freePortNumber();
        final String seed = "pekko.tcp://cluster@localhost:" + seedPort;
        final String[] props = {
            "pekko.actor.provider", "cluster",
            "pekko.cluster.seed-nodes.0", seed,
            "node.config", "cluster-features.conf" };
        final Nodes.Node first = Nodes.start(multiJvm, "first", "cluster", seedPort, props);
        // the other two start together; they join through the first, which is up by now
        final var secondJvm = Nodes.launch(multiJvm, new String[0], "second", "cluster", 0, props);
        final var thirdJvm = Nodes.launch(multiJvm, new String[0], "third", "cluster", 0, props);
        final List<Nodes.Node> nodes = List.of(first, Nodes.ready(secondJvm), Nodes.ready(thirdJvm));
        final Set<String> members = nodes.stream().map(Nodes.Node::address).collect(Collectors.toSet());
        assertEquals(seed, first.address());

        final String provider = PathMode.direct() ? "io.pekkoshm.remote.ShmClusterProvider" :
            "org.apache.pekko.cluster.ClusterActorRefProvider";
        for (final Matcher line : onAll(nodes, "provider", "^PROVIDER (\\S+) hasCluster=(\\w+)$"))
        {
            assertEquals(provider, line.group(1));
            assertEquals("true", line.group(2), "the actor system must say it has cluster");
        }

        final Set<String> oldest = new HashSet<>();
        onAll(nodes, "await-up 3", "^UP 3 oldest=(\\S+)$").forEach(line -> oldest.add(line.group(1)));
        assertEquals(1, oldest.size(), "the members disagree on the oldest: " + oldest);
        final String oldestMember = oldest.iterator().next();
        assertTrue(members.contains(oldestMember), oldestMember);

        checkReceptionist(nodes, members);
        checkSingleton(nodes, oldestMember);
        checkDistributedData(nodes, members);
        checkSharding(nodes, members);

        for (final Nodes.Node node : nodes)
        {
            final Map<String, Long> counters = Nodes.counters(node);
            assertEquals(0L, counters.get("messagesDropped"), node.address() + ": " + counters);
            if (PathMode.direct())
            {
                assertTrue(counters.get("directMessagesSent") > 0 && counters.get("directMessagesReceived") > 0,
                    "the direct path carried no messages on " + node.address() + ": " + counters);
            }
            else
            {
                assertEquals(0L, counters.get("directMessagesSent"), node.address() + ": " + counters);
                assertEquals(0L, counters.get("directMessagesReceived"), node.address() + ": " + counters);
            }
        }
    }

    /** A service registered on each member is listed on every member, and each listed ref answers a typed ask. */
    private static void checkReceptionist(final List<Nodes.Node> nodes, final Set<String> members)
    {
        onAll(nodes, "service-register", "^REGISTERED$");
        for (final Matcher line : onAll(nodes, "service-await 3", "^LISTING (\\S+)$"))
        {
            assertEquals(members, Set.of(line.group(1).split(",")), "the listing must hold every member's service");
        }
        onAll(nodes, "service-ask-all", null);
        for (final Nodes.Node node : nodes)
        {
            final Set<String> answered = new HashSet<>();
            for (int i = 0; i < 3; i++)
            {
                final Matcher reply = awaitAnswer(node, "^SERVICE-REPLY (\\S+) (.*)$");
                assertEquals("hello " + node.address() + " from " + reply.group(1), reply.group(2),
                    "the listed ref on " + reply.group(1) + " must answer from its own member");
                answered.add(reply.group(1));
            }
            assertEquals(members, answered);
            awaitAnswer(node, "^SERVICE-ASKED 3$");
        }
    }

    /** One singleton instance, on the oldest member, answers through the proxy of every member. */
    private static void checkSingleton(final List<Nodes.Node> nodes, final String oldestMember)
    {
        onAll(nodes, "singleton-start", "^OK singleton$");
        final Set<String> answers = new HashSet<>();
        onAll(nodes, "singleton-ask", "^SINGLETON (\\S+ \\S+)$").forEach(line -> answers.add(line.group(1)));
        assertEquals(1, answers.size(), "every proxy must reach the same instance: " + answers);
        assertEquals(oldestMember, answers.iterator().next().split(" ")[0], "the singleton runs on the oldest");

        final Map<String, Integer> started = new HashMap<>();
        final List<Matcher> counts = onAll(nodes, "singleton-count", "^SINGLETON-COUNT (\\d+)$");
        for (int i = 0; i < nodes.size(); i++)
        {
            started.put(nodes.get(i).address(), Integer.parseInt(counts.get(i).group(1)));
        }
        final Map<String, Integer> expected = new HashMap<>();
        nodes.forEach(node -> expected.put(node.address(), node.address().equals(oldestMember) ? 1 : 0));
        assertEquals(expected, started, "singleton instances started per member");
    }

    /** A GCounter (WriteMajority) and an ORSet (WriteLocal) updated on each member converge on every member. */
    private static void checkDistributedData(final List<Nodes.Node> nodes, final Set<String> members)
    {
        final long[] increments = { 1, 10, 100 };
        for (int i = 0; i < nodes.size(); i++)
        {
            nodes.get(i).jvm().send("ddata-update " + increments[i]);
        }
        nodes.forEach(node -> awaitAnswer(node, "^DDATA-UPDATED$"));
        for (final Matcher line : onAll(nodes, "ddata-await 111 3", "^DDATA counter=(\\d+) set=(\\S+)$"))
        {
            assertEquals("111", line.group(1));
            assertEquals(members, Set.of(line.group(2).split(",")));
        }
    }

    /**
     * Every member asks the same entities at once: each id answers from one instance on one member, whoever asks,
     * and the ids are spread over more than one member.
     */
    private static void checkSharding(final List<Nodes.Node> nodes, final Set<String> members)
    {
        onAll(nodes, "sharding-start", "^OK sharding$");
        onAll(nodes, "sharding-regions 3", "^REGIONS 3$");
        final List<Map<String, String>> views = new ArrayList<>();
        for (final Matcher line : onAll(nodes, "sharding-ask " + ENTITIES, "^SHARDED-ALL (\\S+)$"))
        {
            final Map<String, String> answers = new TreeMap<>();
            Arrays.stream(line.group(1).split(",")).map(pair -> pair.split("=", 2))
                .forEach(pair -> answers.put(pair[0], pair[1]));
            views.add(answers);
        }
        assertEquals(ENTITIES, views.get(0).size(), views.get(0).toString());
        for (int i = 1; i < views.size(); i++)
        {
            assertEquals(views.get(0), views.get(i), "each id must answer from the same instance for every sender");
        }
        final Set<String> hosts = views.get(0).values().stream().map(answer -> answer.split("#")[0])
            .collect(Collectors.toSet());
        assertTrue(members.containsAll(hosts), hosts.toString());
        assertTrue(hosts.size() > 1, "all entities on one member: " + views.get(0));
        final Set<String> instances = new HashSet<>(views.get(0).values());
        assertEquals(ENTITIES, instances.size(), "every id must have its own instance: " + views.get(0));
    }

    /**
     * Sends {@code command} to every node first (they run it concurrently), then waits for each node's answer; a
     * node that reports the command FAILED fails the test at once, with its reason.
     *
     * @param expectedRegex the answer's pattern, anchored at both ends, or null to wait for nothing here.
     */
    private static List<Matcher> onAll(final List<Nodes.Node> nodes, final String command, final String expectedRegex)
    {
        nodes.forEach(node -> node.jvm().send(command));
        final List<Matcher> lines = new ArrayList<>();
        if (null != expectedRegex)
        {
            nodes.forEach(node -> lines.add(awaitAnswer(node, expectedRegex)));
        }
        return lines;
    }

    /** The node's next line matching {@code expectedRegex} (anchored at both ends); fails at a FAILED line. */
    private static Matcher awaitAnswer(final Nodes.Node node, final String expectedRegex)
    {
        final String line = node.jvm().awaitLine("^FAILED .*$|" + expectedRegex, AWAIT).group();
        final Matcher answer = Pattern.compile(expectedRegex).matcher(line);
        if (!answer.find())
        {
            fail(node.jvm().nodeName() + " (" + node.address() + "): " + line);
        }
        return answer;
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
