package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.multijvm.nodes.Messages.Greet;
import io.pekkoshm.multijvm.nodes.Messages.Greeting;
import io.pekkoshm.multijvm.nodes.PathMode;
import io.pekkoshm.testkit.Guardian;
import io.pekkoshm.testkit.MultiJvmExtension;
import io.pekkoshm.testkit.Node;
import io.pekkoshm.testkit.NodeContext;
import io.pekkoshm.testkit.NodeSpec;
import io.pekkoshm.testkit.NodeStep;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test kit's example (docs/testkit.md), over the plugin: two nodes, a typed ask across JVMs, {@code kill -9} of
 * one, {@code Terminated} on the other, and the killed node back on its address. The nodes read this module's
 * application.conf (the plugin in classic mode); in the suite's direct mode the one-line include goes on top.
 */
@Timeout(300)
class TestKitExampleTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension()
        .commonConfig("pekko.remote.shm.directory = ${multijvm.shm-directory}")
        .commonConfig(PathMode.direct() ? "include classpath(\"pekko-shm-remote\")" : "");

    @Test
    void shouldAnswerAcrossJvmsAndTellTheWatcherWhenTheOtherNodeIsKilled()
    {
        final List<Node> nodes = multiJvm.startNodes(NodeSpec.guardian("greeter", GreeterNode.class),
            NodeSpec.guardian("client", ClientNode.class));
        final Node greeter = nodes.get(0);
        final Node client = nodes.get(1);
        final String greeterPath = greeter.address() + "/user/greeter";

        assertEquals("hello alice", client.run(AskGreeter.class, greeterPath, "alice"));

        client.run(RememberGreeter.class, greeterPath);
        greeter.kill();
        assertEquals("terminated", client.run(AwaitGreeterTerminated.class));

        final Node restarted = multiJvm.restart(greeter);
        assertEquals(greeter.address(), restarted.address());
        assertEquals("hello bob", client.run(AskGreeter.class, greeterPath, "bob"));
    }

    /** A node whose guardian starts {@code /user/greeter}, which answers {@code Greet} with a {@code Greeting}. */
    public static final class GreeterNode implements Guardian
    {
        @Override
        public Behavior<?> create()
        {
            return Behaviors.setup(context ->
            {
                context.spawn(Behaviors.receiveMessage((Greet greet) ->
                {
                    greet.replyTo().tell(new Greeting("hello " + greet.name()));
                    return Behaviors.same();
                }), "greeter");
                return Behaviors.empty();
            });
        }
    }

    /** A node with no actors of its own: the steps below do its work. */
    public static final class ClientNode implements Guardian
    {
        @Override
        public Behavior<?> create()
        {
            return Behaviors.empty();
        }
    }

    /** Asks the greeter at {@code args[0]} to greet {@code args[1]}; answers the greeting. */
    public static final class AskGreeter implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args) throws Exception
        {
            final ActorRef<Greet> greeter = Adapter.toTyped(node.resolve(args.get(0), TIMEOUT));
            return AskPattern.<Greet, Greeting>ask(greeter, replyTo -> new Greet(args.get(1), replyTo), TIMEOUT,
                node.system().scheduler()).toCompletableFuture().get().text();
        }
    }

    /** Resolves the greeter at {@code args[0]} and keeps its ref for {@link AwaitGreeterTerminated}. */
    public static final class RememberGreeter implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            node.state().put("greeter", Adapter.toTyped(node.resolve(args.get(0), TIMEOUT)));
            return "remembered";
        }
    }

    /** Watches the remembered greeter with a typed test probe until it is terminated. */
    public static final class AwaitGreeterTerminated implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            final TestProbe<Object> probe = node.probe("watcher", Object.class);
            probe.expectTerminated((ActorRef<?>)node.state().get("greeter"), TIMEOUT);
            return "terminated";
        }
    }
}
