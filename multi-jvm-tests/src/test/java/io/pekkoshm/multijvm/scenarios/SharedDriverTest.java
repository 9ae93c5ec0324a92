package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.ChildJvmSpec;
import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.multijvm.nodes.ScriptedNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** driver.mode = auto: JVMs starting at once share one driver, and it outlives the JVM that started it. */
@Timeout(300)
class SharedDriverTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final String LISTENING =
        "^.*pekko.shm node (\\S+) is listening \\(media driver pid (\\d+)(, started by this node)?.*$";

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldShareOneDriverAmongJvmsStartingAtOnceAndKeepItWhenItsStarterDies()
    {
        final List<ChildJvm> jvms = new ArrayList<>();
        for (final String name : List.of("n1", "n2", "n3"))
        {
            jvms.add(multiJvm.start(ChildJvmSpec.of(name, ScriptedNode.class)
                .systemProperty("pekko.remote.shm.port", "0")
                .systemProperty("pekko.remote.shm.directory", multiJvm.shmDirectory().toString())
                .programArgs(name)));
        }
        final Set<String> driverPids = new HashSet<>();
        final List<String> addresses = new ArrayList<>();
        ChildJvm starter = null;
        for (final ChildJvm jvm : jvms)
        {
            final var listening = jvm.awaitLine(LISTENING, AWAIT);
            addresses.add(listening.group(1));
            driverPids.add(listening.group(2));
            if (null != listening.group(3))
            {
                starter = jvm;
            }
        }
        assertEquals(1, driverPids.size(), "JVMs starting at once must share one driver: " + driverPids);
        org.junit.jupiter.api.Assertions.assertNotNull(starter, "one node must say it started the driver");
        multiJvm.killAtEnd(Long.parseLong(driverPids.iterator().next()));

        final List<Nodes.Node> others = new ArrayList<>();
        for (int i = 0; i < jvms.size(); i++)
        {
            if (jvms.get(i) != starter)
            {
                others.add(new Nodes.Node(jvms.get(i), addresses.get(i)));
            }
        }
        starter.kill();

        run(others.get(1), "echo", "^OK echo$", AWAIT);
        assertEquals("still-here", run(others.get(0), "ask " + others.get(1).address() + "/user/echo still-here",
            "^REPLY (.*)$", AWAIT).group(1));
    }
}
