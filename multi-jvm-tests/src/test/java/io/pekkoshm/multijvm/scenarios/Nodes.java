package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.multijvm.harness.ChildJvm;
import io.pekkoshm.multijvm.harness.ChildJvmSpec;
import io.pekkoshm.multijvm.harness.MultiJvmExtension;
import io.pekkoshm.multijvm.nodes.ScriptedNode;

import java.time.Duration;
import java.util.regex.Matcher;

/** Starting {@link ScriptedNode}s of one test, all on the test's own shared-memory directory. */
final class Nodes
{
    static final Duration START = Duration.ofSeconds(60);

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
        final ChildJvmSpec spec = ChildJvmSpec.of(name, ScriptedNode.class)
            .jvmArgs(jvmArgs)
            .systemProperty("pekko.remote.shm.port", Integer.toString(port))
            .systemProperty("pekko.remote.shm.directory", multiJvm.shmDirectory().toString())
            .programArgs(system);
        for (int i = 0; i + 1 < properties.length; i += 2)
        {
            spec.systemProperty(properties[i], properties[i + 1]);
        }
        final ChildJvm jvm = multiJvm.start(spec);
        final Matcher ready = jvm.awaitLine("^READY (\\S+)$", START);
        return new Node(jvm, ready.group(1));
    }

    /** Sends a command and waits for the line that says it was done. */
    static Matcher run(final Node node, final String command, final String expectedRegex, final Duration timeout)
    {
        node.jvm().send(command);
        return node.jvm().awaitLine(expectedRegex, timeout);
    }
}
