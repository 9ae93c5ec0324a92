package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.multijvm.harness.MultiJvmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.regex.Matcher;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A peer JVM killed with kill -9: watchers learn it within the configured bound, and its restart is reachable. */
@Timeout(300)
class PeerFailureTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);

    /**
     * The bound under test: the process check runs every heartbeat-interval (200 ms by default); this allows for a
     * loaded 2-core machine. Pekko's own watch failure detector would take ~10 s.
     */
    private static final Duration TERMINATED_WITHIN = Duration.ofSeconds(5);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldTellWatchersWhenPeerIsKilledAndReachItsRestartOnTheSameAddress()
    {
        final Nodes.Node survivor = Nodes.start(multiJvm, "survivor", "survivor", 0);
        final Nodes.Node victim = Nodes.start(multiJvm, "victim", "victim", 0);
        run(victim, "echo", "^OK echo$", AWAIT);
        final String echoPath = victim.address() + "/user/echo";
        assertEquals("before", run(survivor, "ask " + echoPath + " before", "^REPLY (.*)$", AWAIT).group(1));
        run(survivor, "watch " + echoPath, "^WATCHING .*$", AWAIT);

        victim.jvm().kill();

        final Matcher terminated = survivor.jvm().awaitLine("^TERMINATED (.*)$", TERMINATED_WITHIN);
        assertEquals(echoPath, terminated.group(1));

        final Nodes.Node restarted = Nodes.start(multiJvm, "victim-restarted", "victim", victim.port());
        assertEquals(victim.address(), restarted.address());
        run(restarted, "echo", "^OK echo$", AWAIT);
        assertEquals("after", run(survivor, "ask " + echoPath + " after", "^REPLY (.*)$", AWAIT).group(1));
    }
}
