package com.example.outside;

import com.example.outside.GreeterSteps.Answer;
import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.testkit.Node;
import io.pekkoshm.testkit.NodeSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's multi-JVM test of a typed actor ({@link Greeter}) with pekko-shm-remote-testkit: two nodes, each a JVM of
 * its own, talk over shared memory; a typed ask and a typed test probe cross from one to the other; a node killed with
 * kill -9 ends in {@code Terminated} for a watcher on the other, and once restarted on the same address it answers
 * again. The project depends on nothing of pekko-shm but the plugin and the kit.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GreeterAcrossJvmsTest
{
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The plugin as the README enables it (the application's own application.conf does too; the test says it itself
     * so that it does not lean on the application's settings), on this test's own shared-memory directory: the
     * extension hands out one per test as {@code multijvm.shm-directory} and checks that it is gone afterwards (its
     * media driver removes it 1 s after its last client).
     */
    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension()
        .commonConfig("""
            include "pekko-shm-remote"
            pekko {
              remote.shm.directory = ${multijvm.shm-directory}
              remote.shm.driver.idle-timeout = 1 s
              # a killed node's resources are released by the driver after this long
              remote.shm.driver.client-liveness-timeout = 10 s
              # remote watch between nodes without a cluster, as with any Pekko transport
              remote.use-unsafe-remote-features-outside-cluster = on
              remote.warn-about-direct-use = off
              remote.shm.kryo.classes {
                "com.example.outside.Greeter$Greet" = 100
                "com.example.outside.Greeter$Greeted" = 101
              }
            }
            """);

    @Test
    void shouldAnswerATypedAskAndATypedProbeFromTheOtherJvm()
    {
        final List<Node> nodes = multiJvm.startNodes(NodeSpec.guardian("a", GreeterSteps.GreeterGuardian.class),
            NodeSpec.guardian("b", GreeterSteps.GreeterGuardian.class));
        final Node a = nodes.get(0);
        final Node b = nodes.get(1);
        assertTrue(b.address().startsWith("pekko.shm://"), () -> "not the plugin's address: " + b.address());

        assertEquals(new Answer("Hello, a!", b.pid()), a.run(GreeterSteps.AskGreeter.class, greeter(b), "a"));
        assertEquals(new Answer("Hello, b!", a.pid()), b.run(GreeterSteps.GreetThroughProbe.class, greeter(a), "b"));

        stop(a, b);
    }

    @Test
    void shouldTellAWatcherThatAKilledNodeIsGoneAndReachItAgainAfterItsRestart()
    {
        final List<Node> nodes = multiJvm.startNodes(NodeSpec.guardian("watcher", GreeterSteps.GreeterGuardian.class),
            NodeSpec.guardian("greeter", GreeterSteps.GreeterGuardian.class));
        final Node watcher = nodes.get(0);
        final Node first = nodes.get(1);
        assertEquals("watching " + greeter(first), watcher.run(GreeterSteps.WatchGreeter.class, greeter(first)));

        assertEquals(137, first.kill());

        assertEquals("terminated " + greeter(first), watcher.run(GreeterSteps.AwaitDeath.class));
        final Node second = multiJvm.restart(first);
        assertEquals(first.address(), second.address());
        assertNotEquals(first.pid(), second.pid());
        assertEquals(new Answer("Hello, again!", second.pid()),
            watcher.run(GreeterSteps.AskGreeter.class, greeter(second), "again"));

        stop(watcher, second);
    }

    private static String greeter(final Node node)
    {
        return node.address() + "/user/greeter";
    }

    /** Stops the nodes gracefully: their media driver sees its clients leave (after a kill -9 it waits for them). */
    private static void stop(final Node... nodes)
    {
        for (final Node node : nodes)
        {
            node.stop(STOP_TIMEOUT);
        }
    }
}
