package io.pekkoshm.testkit.steps;

import io.pekkoshm.testkit.Guardian;
import io.pekkoshm.testkit.NodeContext;
import io.pekkoshm.testkit.NodeStep;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.serialization.Serialization;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Guardians and steps of the kit's own tests; every class here runs in a node's JVM. */
public final class Steps
{
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Steps()
    {
    }

    /** A node with no actors of its own until a step creates some. */
    public static final class Empty implements Guardian
    {
        @Override
        public Behavior<?> create()
        {
            return Behaviors.empty();
        }
    }

    /** Answers every String with the same String. */
    public static final class EchoActor extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(String.class, text -> getSender().tell(text, getSelf())).build();
        }
    }

    /** Creates {@code /user/echo} (a classic actor); answers its path. */
    public static final class StartEcho implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            return node.classicSystem().actorOf(Props.create(EchoActor.class), "echo").path().toString();
        }
    }

    /** Spawns a typed echo called {@code args[0]} from the step; answers its full path, with the node's address. */
    public static final class SpawnTypedEcho implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            final org.apache.pekko.actor.typed.ActorRef<String> echo = node.spawn(
                Behaviors.receive(String.class).onMessage(String.class, text -> Behaviors.same()).build(),
                args.get(0));
            return Serialization.serializedActorPath(Adapter.toClassic(echo));
        }
    }

    /** Asks the actor at {@code args[0]} with {@code args[1]}; answers the reply. */
    public static final class Ask implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args) throws Exception
        {
            final ActorRef target = node.resolve(args.get(0), TIMEOUT);
            return (String)Patterns.ask(target, args.get(1), TIMEOUT).toCompletableFuture().get();
        }
    }

    /** Creates (or finds) the typed probe {@code args[0]}; answers its ref's full path, with this node's address. */
    public static final class ProbeRef implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            final TestProbe<String> probe = node.probe(args.get(0), String.class);
            return Serialization.serializedActorPath(Adapter.toClassic(probe.ref()));
        }
    }

    /** Tells {@code args[1]} to the actor at {@code args[0]}. */
    public static final class Tell implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            node.resolve(args.get(0), TIMEOUT).tell(args.get(1), ActorRef.noSender());
            return "told";
        }
    }

    /** Waits for the next message of the typed probe {@code args[0]}; answers it. */
    public static final class Expect implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            return node.probe(args.get(0), String.class).receiveMessage(TIMEOUT);
        }
    }

    /** Enters the barrier {@code args[0]}; answers the node's name once through. */
    public static final class Barrier implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            node.enterBarrier(args.get(0), TIMEOUT);
            return node.nodeName();
        }
    }

    /** Answers its arguments joined by spaces, after yielding the thread (so that steps finish out of order). */
    public static final class Echo implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            Thread.yield();
            return String.join(" ", args);
        }
    }

    /** Fails with {@code IllegalStateException(args[0])}. */
    public static final class Fail implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            throw new IllegalStateException(args.get(0));
        }
    }

    /** Never finishes (until the node goes). */
    public static final class Hang implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args) throws InterruptedException
        {
            new CountDownLatch(1).await();
            return "unreachable";
        }
    }

    /** Answers the node's name, role and the pid of its JVM. */
    public static final class WhoAmI implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            return node.nodeName() + " " + node.role() + " " + ProcessHandle.current().pid();
        }
    }

    /** Reports a Terminated for the actor at {@code args[0]} to the typed probe {@code args[1]} of this node. */
    public static final class Watch implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            final ActorRef target = node.resolve(args.get(0), TIMEOUT);
            final ActorRef probe = Adapter.toClassic(node.probe(args.get(1), String.class).ref());
            node.classicSystem().actorOf(Props.create(Watcher.class, target, probe));
            return "watching";
        }
    }

    /** Watches one actor and tells a probe {@code "terminated <path>"} when it is gone. */
    public static final class Watcher extends AbstractActor
    {
        private final ActorRef probe;

        public Watcher(final ActorRef target, final ActorRef probe)
        {
            this.probe = probe;
            getContext().watch(target);
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(Terminated.class, t -> probe.tell("terminated " + t.getActor().path(), getSelf()))
                .build();
        }
    }
}
