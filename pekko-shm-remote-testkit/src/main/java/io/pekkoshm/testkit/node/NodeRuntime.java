package io.pekkoshm.testkit.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.testkit.NodeStep;
import io.pekkoshm.testkit.process.ChildControl;
import io.pekkoshm.testkit.process.NodeProtocol;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The node side of the test kit: serves the test's steps and barriers on an actor system of this JVM. A node declared
 * with a guardian runs it already; a node declared with its own main class calls it once its actor system is up:
 * <pre>{@code
 * public static void main(String[] args) {
 *     ActorSystem<Void> system = ActorSystem.create(MyApp.create(), "MultiJvm", NodeRuntime.config());
 *     NodeRuntime.serve(system);   // prints the ready line; returns when the system terminates
 * }
 * }</pre>
 * <b>Threading:</b> {@link #serve} runs on the caller's thread until the actor system terminates; each step runs on a
 * thread of its own.
 */
public final class NodeRuntime
{
    private static final Duration COMMAND_POLL = Duration.ofMillis(200);

    private NodeRuntime()
    {
    }

    /**
     * {@return the node's configuration: this JVM's system properties over the configuration the test declared for
     * the node over the usual {@code application.conf} and {@code reference.conf}}
     */
    public static Config config()
    {
        final String file = System.getProperty(NodeProtocol.CONFIG_FILE_PROPERTY, "");
        final Config declared = file.isEmpty() ? ConfigFactory.empty() :
            ConfigFactory.parseFile(Path.of(file).toFile());
        ConfigFactory.invalidateCaches();
        return ConfigFactory.defaultOverrides()
            .withFallback(declared)
            .withFallback(ConfigFactory.defaultApplication())
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    }

    /**
     * Prints the node's ready line with its address and serves the test's commands until the actor system
     * terminates; then prints the terminated line and exits the JVM with code 0.
     *
     * @param system the node's actor system.
     */
    public static void serve(final ActorSystem<?> system)
    {
        final ChildControl control = ChildControl.start();
        final StepContext context = new StepContext(system, System.getProperty("multijvm.node", "node"),
            System.getProperty(NodeProtocol.ROLE_PROPERTY, ""));
        final ExecutorService steps = Executors.newCachedThreadPool(runnable ->
        {
            final Thread thread = new Thread(runnable, "multijvm-step");
            thread.setDaemon(true);
            return thread;
        });
        ChildControl.report(NodeProtocol.PREFIX + NodeProtocol.READY + " " + context.address());
        while (!system.getWhenTerminated().toCompletableFuture().isDone())
        {
            control.pollCommand(COMMAND_POLL).ifPresent(command -> handle(command, context, steps));
        }
        steps.shutdownNow();
        ChildControl.report(NodeProtocol.PREFIX + NodeProtocol.TERMINATED);
        System.exit(0);
    }

    private static void handle(final String command, final StepContext context, final ExecutorService steps)
    {
        final List<String> words = Arrays.asList(command.strip().split(" "));
        switch (words.get(0))
        {
            case NodeProtocol.STEP -> steps.execute(() -> runStep(words, context));
            case NodeProtocol.BARRIER_PASS -> context.barrierPassed(words.get(1));
            default -> ChildControl.report("[multijvm] ignored an unknown command: " + command);
        }
    }

    private static void runStep(final List<String> words, final StepContext context)
    {
        final String id = words.get(1);
        String outcome;
        try
        {
            final Class<?> stepClass = Class.forName(words.get(2));
            final NodeStep<?> step = (NodeStep<?>)stepClass.getDeclaredConstructor().newInstance();
            final Object answer = step.run(context, NodeProtocol.decodeArgs(words.subList(3, words.size())));
            outcome = "ok " + NodeProtocol.encodeAnswer(answer);
        }
        catch (final InvocationTargetException ex)
        {
            outcome = failed(words.get(2), ex.getCause());
        }
        catch (final Exception | AssertionError ex)
        {
            outcome = failed(words.get(2), ex);
        }
        ChildControl.report(NodeProtocol.PREFIX + NodeProtocol.STEP + " " + id + " " + outcome);
    }

    /** Prints the failure readably for the log file, and returns it encoded for the test. */
    private static String failed(final String stepClassName, final Throwable failure)
    {
        final String trace = stackTrace(failure);
        ChildControl.report("[multijvm] step " + stepClassName + " failed: " + trace);
        return "failed " + NodeProtocol.encodeText(trace);
    }

    private static String stackTrace(final Throwable failure)
    {
        final StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
