package com.example.outside;

import io.pekkoshm.testkit.Guardian;
import io.pekkoshm.testkit.NodeContext;
import io.pekkoshm.testkit.NodeStep;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * What the nodes of {@link GreeterAcrossJvmsTest} run: every class here is instantiated in a node's JVM by the kit
 * (a public no-argument constructor, found on the test class path); what a step returns travels back to the test.
 */
public final class GreeterSteps
{
    /** How long a step waits for an actor of the other node: well within the kit's step timeout (60 s). */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private GreeterSteps()
    {
    }

    /** A step's view of a {@link Greeter.Greeted}: Java-serializable, for the way back to the test JVM. */
    public record Answer(String greeting, long pid) implements Serializable
    {
        static Answer of(final Greeter.Greeted greeted)
        {
            return new Answer(greeted.greeting(), greeted.pid());
        }
    }

    /** The node's user guardian spawns a {@link Greeter} at {@code /user/greeter}. */
    public static final class GreeterGuardian implements Guardian
    {
        @Override
        public Behavior<?> create()
        {
            return Behaviors.setup(context ->
            {
                context.spawn(Greeter.create(), "greeter");
                return Behaviors.empty();
            });
        }
    }

    /** Asks the greeter at {@code args[0]} (typed ask) to greet {@code args[1]}; answers its reply. */
    public static final class AskGreeter implements NodeStep<Answer>
    {
        @Override
        public Answer run(final NodeContext node, final List<String> args) throws Exception
        {
            final ActorRef<Greeter.Greet> greeter = greeter(node, args.get(0));
            final Greeter.Greeted reply = AskPattern.<Greeter.Greet, Greeter.Greeted>ask(greeter,
                replyTo -> new Greeter.Greet(args.get(1), replyTo), TIMEOUT, node.system().scheduler())
                .toCompletableFuture().get();
            return Answer.of(reply);
        }
    }

    /**
     * Tells the greeter at {@code args[0]} to greet {@code args[1]} and to answer to a typed test probe of this node;
     * answers what the probe received.
     */
    public static final class GreetThroughProbe implements NodeStep<Answer>
    {
        @Override
        public Answer run(final NodeContext node, final List<String> args)
        {
            final TestProbe<Greeter.Greeted> probe = node.probe("greetings", Greeter.Greeted.class);
            greeter(node, args.get(0)).tell(new Greeter.Greet(args.get(1), probe.ref()));
            return Answer.of(probe.receiveMessage(TIMEOUT));
        }
    }

    /**
     * Spawns a typed actor that watches the greeter at {@code args[0]} and tells this node's probe {@code deaths}
     * {@code "terminated <path>"} when it is gone; answers once the watch is in place.
     * <p>
     * A typed actor system with a guardian of its own takes no top-level actors from outside (no {@code spawn} on
     * {@code classicSystem()}), so the watcher is a system actor, as the kit's test probes are.
     */
    public static final class WatchGreeter implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            final ActorRef<Greeter.Greet> greeter = greeter(node, args.get(0));
            final TestProbe<String> deaths = node.probe("deaths", String.class);
            node.system().systemActorOf(watcher(greeter, deaths.ref()), "watcher-" + UUID.randomUUID(),
                Props.empty());
            return deaths.receiveMessage(TIMEOUT);
        }

        private static Behavior<Void> watcher(final ActorRef<?> watched, final ActorRef<String> report)
        {
            return Behaviors.setup(context ->
            {
                context.watch(watched);
                report.tell("watching " + watched.path());
                return Behaviors.<Void>receive(Void.class)
                    .onSignal(Terminated.class, terminated ->
                    {
                        report.tell("terminated " + terminated.getRef().path());
                        return Behaviors.stopped();
                    })
                    .build();
            });
        }
    }

    /** Answers the next message of this node's probe {@code deaths} (see {@link WatchGreeter}). */
    public static final class AwaitDeath implements NodeStep<String>
    {
        @Override
        public String run(final NodeContext node, final List<String> args)
        {
            return node.probe("deaths", String.class).receiveMessage(TIMEOUT);
        }
    }

    /** The greeter at {@code path}, resolved (retrying while its node starts) and seen as a typed ref. */
    private static ActorRef<Greeter.Greet> greeter(final NodeContext node, final String path)
    {
        return Adapter.toTyped(node.resolve(path, TIMEOUT));
    }
}
