package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.ChildJvmSpec;
import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.multijvm.nodes.ScriptedNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starting {@link ScriptedNode}s of one test, all on the test's own shared-memory directory. */
final class Nodes
{
    static final Duration START = Duration.ofSeconds(60);
    private static final Pattern COUNTER = Pattern.compile("(\\w+)=(-?\\d+)");

    private Nodes()
    {
    }

    /** A started node and its address, read from its READY line. */
    record Node(ChildJvm jvm, String address)
    {
        int port()
        {
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        }
    }

    static Node start(final MultiJvmExtension multiJvm, final String name, final String system, final int port,
        final String... properties)
    {
        return start(multiJvm, new String[0], name, system, port, properties);
    }

    /** As {@link #start(MultiJvmExtension, String, String, int, String...)}, with extra JVM options. */
    static Node start(final MultiJvmExtension multiJvm, final String[] jvmArgs, final String name, final String system,
        final int port, final String... properties)
    {
        return ready(launch(multiJvm, jvmArgs, name, system, port, properties));
    }

    /**
     * Starts a node without waiting for it, so that several JVMs start at once; {@link #ready} waits for one.
     *
     * @param properties pairs of system property name and value, e.g. {@code "pekko.remote.shm.peer-timeout", "2 s"}.
     */
    static ChildJvm launch(final MultiJvmExtension multiJvm, final String[] jvmArgs, final String name,
        final String system, final int port, final String... properties)
    {
        final ChildJvmSpec spec = ChildJvmSpec.of(name, ScriptedNode.class)
            .jvmArgs(jvmArgs)
            .systemProperty("pekko.remote.shm.port", Integer.toString(port))
            .systemProperty("pekko.remote.shm.directory", multiJvm.shmDirectory().toString())
            .programArgs(system);
        for (int i = 0; i + 1 < properties.length; i += 2)
        {
            spec.systemProperty(properties[i], properties[i + 1]);
        }
        return multiJvm.start(spec);
    }

    /** Waits for a {@link #launch launched} node's READY line. */
    static Node ready(final ChildJvm jvm)
    {
        final Matcher ready = jvm.awaitLine("^READY (\\S+)$", START);
        return new Node(jvm, ready.group(1));
    }

    /** The node's transport counters now ({@code ShmRemote.counters()}), by name, e.g. {@code messagesDropped}. */
    static Map<String, Long> counters(final Node node)
    {
        final String snapshot = run(node, "counters", "^COUNTERS (.*)$", START).group(1);
        final Map<String, Long> counters = new LinkedHashMap<>();
        final Matcher field = COUNTER.matcher(snapshot);
        while (field.find())
        {
            counters.put(field.group(1), Long.parseLong(field.group(2)));
        }
        if (counters.isEmpty())
        {
            throw new AssertionError("no counters in " + snapshot);
        }
        return counters;
    }

    /**
     * Polls the node's counters until {@code condition} holds, failing with the last counters after {@code timeout}.
     *
     * @return the counters that satisfied it.
     */
    static Map<String, Long> awaitCounters(final Node node, final String description,
        final Predicate<Map<String, Long>> condition, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> counters = counters(node);
        while (!condition.test(counters))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("Counters of " + node.jvm().describe() + " did not show " + description +
                    " within " + timeout + ": " + counters);
            }
            // Each round trip through the node's stdin and stdout takes a while: no extra pause needed.
            counters = counters(node);
        }
        return counters;
    }

    /** Sends a command and waits for the line that says it was done. */
    static Matcher run(final Node node, final String command, final String expectedRegex, final Duration timeout)
    {
        node.jvm().send(command);
        return node.jvm().awaitLine(expectedRegex, timeout);
    }
}
