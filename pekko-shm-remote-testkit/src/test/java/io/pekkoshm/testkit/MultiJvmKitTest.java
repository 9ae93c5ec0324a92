package io.pekkoshm.testkit;

import io.pekkoshm.testkit.steps.Steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kit's node API over Pekko's own Artery TCP (the plugin is on the class path but not enabled): steps and their
 * answers, failures that name the node and the step, barriers, typed probes across JVMs, kill -9 ending in
 * {@code Terminated}, SIGSTOP and SIGCONT, and a restart on the same address.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmKitTest
{
    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension()
        .commonConfig("""
            pekko.actor.provider = remote
            pekko.remote.artery.transport = tcp
            pekko.remote.artery.canonical.hostname = "127.0.0.1"
            pekko.remote.use-unsafe-remote-features-outside-cluster = on
            pekko.loglevel = INFO
            """);

    @Test
    void shouldAnswerAnAskAcrossJvmsThroughSteps()
    {
        final List<Node> nodes = multiJvm.startNodes(NodeSpec.classic("a"), NodeSpec.classic("b"));
        final Node a = nodes.get(0);
        final Node b = nodes.get(1);
        assertTrue(a.address().endsWith("@127.0.0.1:" + a.port()), a::address);

        a.run(Steps.StartEcho.class);
        assertEquals("hello", b.run(Steps.Ask.class, a.address() + "/user/echo", "hello"));
    }

    @Test
    void shouldRouteEachAnswerToItsOwnStepWhenManyRunAtOnceFromSeveralThreads() throws Exception
    {
        final Node a = multiJvm.startNode(NodeSpec.classic("a"));
        final int threads = 4;
        final int stepsPerThread = 100;
        final ExecutorService callers = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<List<String>>> mismatches = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                mismatches.add(callers.submit(() ->
                {
                    final List<CompletableFuture<String>> answers = new ArrayList<>();
                    for (int i = 0; i < stepsPerThread; i++)
                    {
                        answers.add(a.runAsync(Steps.Echo.class, "thread-" + thread, "step-" + i));
                    }
                    final List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < stepsPerThread; i++)
                    {
                        final String answer = answers.get(i).get(Steps.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                        if (!answer.equals("thread-" + thread + " step-" + i))
                        {
                            wrong.add(i + " -> " + answer);
                        }
                    }
                    return wrong;
                }));
            }
            for (final Future<List<String>> wrong : mismatches)
            {
                assertEquals(List.of(), wrong.get(Steps.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
        }
        finally
        {
            callers.shutdownNow();
        }
    }

    @Test
    void shouldCarryArgumentsAndAnswersVerbatim()
    {
        final Node a = multiJvm.startNode(NodeSpec.guardian("a", Steps.Empty.class).role("frontend"));
        final String[] whoAmI = a.run(Steps.WhoAmI.class).split(" ");

        assertEquals(List.of("a", "frontend", Long.toString(a.pid())), List.of(whoAmI));
    }

    @Test
    void shouldDeliverToATypedProbeOfAnotherNode()
    {
        final List<Node> nodes = multiJvm.startNodes(NodeSpec.guardian("a", Steps.Empty.class),
            NodeSpec.guardian("b", Steps.Empty.class));
        final String probe = nodes.get(0).run(Steps.ProbeRef.class, "inbox");

        nodes.get(1).run(Steps.Tell.class, probe, "line one\nline two, with spaces");

        assertEquals("line one\nline two, with spaces", nodes.get(0).run(Steps.Expect.class, "inbox"));
    }

    @Test
    void shouldSpawnAnActorFromAStepOnTypedAndClassicNodesAlike()
    {
        final List<Node> nodes = multiJvm.startNodes(NodeSpec.guardian("typed", Steps.Empty.class),
            NodeSpec.classic("classic"));

        final String onTyped = nodes.get(0).run(Steps.SpawnTypedEcho.class, "spawned");
        final String onClassic = nodes.get(1).run(Steps.SpawnTypedEcho.class, "spawned");

        assertEquals(nodes.get(0).address() + "/system/spawned", onTyped.replaceFirst("#-?\\d+$", ""));
        assertEquals(nodes.get(1).address() + "/user/spawned", onClassic.replaceFirst("#-?\\d+$", ""));
    }

    @Test
    void shouldFailWithTheNodesStackTraceWhenAStepThrows()
    {
        final Node a = multiJvm.startNode(NodeSpec.guardian("a", Steps.Empty.class));

        final AssertionError failure = assertThrows(AssertionError.class,
            () -> a.run(Steps.Fail.class, "no such order"));

        assertTrue(failure.getMessage().contains("step Fail[no such order] failed on node 'a'"), failure::getMessage);
        assertTrue(failure.getMessage().contains("java.lang.IllegalStateException: no such order"),
            failure::getMessage);
        assertEquals("a", a.run(Steps.WhoAmI.class).split(" ")[0], "the node keeps serving after a failed step");
    }

    @Test
    void shouldNameTheNodeAndTheStepThatHung()
    {
        final Node a = multiJvm.startNode(NodeSpec.guardian("a", Steps.Empty.class));

        final AssertionError failure = assertThrows(AssertionError.class,
            () -> a.run(Duration.ofSeconds(1), Steps.Hang.class, "forever"));

        assertTrue(failure.getMessage().startsWith("Expected step Hang[forever] from node 'a' (pid " + a.pid()),
            failure::getMessage);
        assertTrue(failure.getMessage().contains("did not come within PT1S"), failure::getMessage);
    }

    @Test
    void shouldHoldNodesInABarrierUntilTheTestLetsThemThrough() throws Exception
    {
        final List<Node> nodes = multiJvm.startNodes(NodeSpec.guardian("a", Steps.Empty.class),
            NodeSpec.guardian("b", Steps.Empty.class));
        final CompletableFuture<String> a = nodes.get(0).runAsync(Steps.Barrier.class, "started");
        nodes.get(0).process().awaitLine("^\\[multijvm\\] barrier started$", Steps.TIMEOUT);

        assertFalse(a.isDone(), "a node in a barrier waits for the test");

        final CompletableFuture<String> b = nodes.get(1).runAsync(Steps.Barrier.class, "started");
        multiJvm.enterBarrier("started", nodes.get(0), nodes.get(1));
        assertEquals("a", a.get(Steps.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertEquals("b", b.get(Steps.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void shouldNameTheNodesMissingFromABarrier()
    {
        final List<Node> nodes = multiJvm.startNodes(NodeSpec.guardian("a", Steps.Empty.class),
            NodeSpec.guardian("b", Steps.Empty.class));
        nodes.get(0).runAsync(Steps.Barrier.class, "lonely");
        multiJvm.timeout(Duration.ofSeconds(2));

        final AssertionError failure = assertThrows(AssertionError.class,
            () -> multiJvm.enterBarrier("lonely", nodes.get(0), nodes.get(1)));

        assertTrue(failure.getMessage().startsWith("Barrier 'lonely' waited PT2S for [b]"), failure::getMessage);
    }

    @Test
    void shouldEndInTerminatedWhenAWatchedNodeIsKilled()
    {
        final List<Node> nodes = multiJvm.startNodes(NodeSpec.classic("a"), NodeSpec.classic("b"));
        final Node a = nodes.get(0);
        final Node b = nodes.get(1);
        final String echo = a.run(Steps.StartEcho.class).replaceFirst("^pekko://[^/]*", a.address());
        b.run(Steps.Watch.class, echo, "deaths");

        assertEquals(137, a.kill());

        assertEquals("terminated " + echo, b.run(Steps.Expect.class, "deaths"));
    }

    @Test
    void shouldRestartAKilledNodeOnTheSameAddress()
    {
        final Node first = multiJvm.startNode(NodeSpec.classic("a"));
        final Node b = multiJvm.startNode(NodeSpec.guardian("b", Steps.Empty.class));
        first.run(Steps.StartEcho.class);
        assertEquals("before", b.run(Steps.Ask.class, first.address() + "/user/echo", "before"));

        final Node second = multiJvm.restart(first);

        assertFalse(first.isAlive());
        assertEquals(first.address(), second.address());
        assertNotEquals(first.pid(), second.pid());
        assertEquals(2, second.incarnation());
        second.run(Steps.StartEcho.class);
        assertEquals("after", b.run(Steps.Ask.class, second.address() + "/user/echo", "after"));
    }

    @Test
    void shouldRefuseASecondNodeOfTheSameNameAndLeaveTheFirstOnesConfigurationAlone() throws Exception
    {
        final Node a = multiJvm.startNode(NodeSpec.classic("a").config("kit.test.marker = first"));
        final java.nio.file.Path configFile = multiJvm.logDirectory().resolve("a.conf");
        final String before = java.nio.file.Files.readString(configFile);

        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> multiJvm.startNode(NodeSpec.classic("a").config("kit.test.marker = second")));

        assertTrue(refused.getMessage().contains("already has a node named 'a'"), refused::getMessage);
        assertEquals(before, java.nio.file.Files.readString(configFile));
        assertTrue(a.isAlive());
    }

    @Test
    void shouldRunNoStepWhileANodeIsSuspended() throws Exception
    {
        final Node a = multiJvm.startNode(NodeSpec.guardian("a", Steps.Empty.class));
        a.suspend();
        final CompletableFuture<String> whoAmI = a.runAsync(Steps.WhoAmI.class);
        final AssertionError frozen = assertThrows(AssertionError.class, () -> a.run(Duration.ofSeconds(1),
            Steps.WhoAmI.class));
        assertTrue(frozen.getMessage().contains("(pid " + a.pid() + ", suspended)"), frozen::getMessage);
        assertFalse(whoAmI.isDone(), "a frozen JVM runs nothing");

        a.resume();

        assertEquals("a", whoAmI.get(Steps.TIMEOUT.toSeconds(), TimeUnit.SECONDS).split(" ")[0]);
    }
}
