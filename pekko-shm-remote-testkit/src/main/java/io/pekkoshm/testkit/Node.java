package io.pekkoshm.testkit;

import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.NodeProtocol;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A running node of a multi-JVM test, as the test sees it: its address, its process, and the steps it runs.
 * Started by {@link MultiJvmExtension#startNode}; a {@link MultiJvmExtension#restart restart} gives a new
 * {@code Node} with the same name and address.
 * <p>
 * Every wait fails with an {@link AssertionError} naming the node, its pid and state, what was awaited (the step's
 * class and arguments), its log file and the end of its output.
 * <p>
 * <b>Threading:</b> thread-safe; steps may be run from several threads at once.
 */
public final class Node
{
    private final NodeSpec spec;
    private final int port;
    private final int incarnation;
    private final ChildJvm process;
    private final Duration stepTimeout;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<String>> steps = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> barriers = new ConcurrentHashMap<>();
    private final AtomicLong stepIds = new AtomicLong();
    private volatile boolean exited;

    Node(final NodeSpec spec, final int port, final int incarnation, final Duration stepTimeout,
        final ChildJvmStarter starter)
    {
        this.spec = spec;
        this.port = port;
        this.incarnation = incarnation;
        this.stepTimeout = stepTimeout;
        this.process = starter.start(this::onLine);
        process.processHandle().onExit().thenRun(this::onExit);
    }

    /** Starts the node's JVM with a listener for its output lines. */
    @FunctionalInterface
    interface ChildJvmStarter
    {
        ChildJvm start(java.util.function.Consumer<String> lineListener);
    }

    /** {@return the node's name} */
    public String name()
    {
        return spec.name();
    }

    /** {@return the node's role; empty when it has none} */
    public String role()
    {
        return spec.role();
    }

    /** {@return the node's port, the same in every incarnation} */
    public int port()
    {
        return port;
    }

    /** {@return 1 for the node's first JVM, 2 after its first restart, and so on} */
    public int incarnation()
    {
        return incarnation;
    }

    /** {@return the spec it was started from} */
    public NodeSpec spec()
    {
        return spec;
    }

    /** {@return its JVM: pid, output, log file, signals} */
    public ChildJvm process()
    {
        return process;
    }

    /** {@return the pid of its JVM} */
    public long pid()
    {
        return process.pid();
    }

    /** {@return true while its JVM runs} */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Kills its JVM with {@code SIGKILL} ({@code kill -9}) and waits until it is gone.
     *
     * @return the exit code, 137 if it was running.
     */
    public int kill()
    {
        return process.kill();
    }

    /** Freezes its JVM with {@code SIGSTOP}: a node that stops answering without dying. */
    public void suspend()
    {
        process.suspend();
    }

    /** Lets a {@link #suspend() suspended} JVM run again with {@code SIGCONT}. */
    public void resume()
    {
        process.resume();
    }

    /**
     * Stops its JVM gracefully (its shutdown hooks run: the actor system leaves), forcibly after {@code timeout}.
     *
     * @param timeout how long the JVM gets to exit by itself: half after the exit command, the rest after
     *                {@code SIGTERM}; then it is killed with {@code SIGKILL}.
     * @return the exit code; see {@link ChildJvm#stop(Duration)}.
     */
    public int stop(final Duration timeout)
    {
        return process.stop(timeout);
    }

    /**
     * {@return the node's address, e.g. {@code pekko://MultiJvm@127.0.0.1:41234}, as the node printed it once its
     * actor system was up} A guardian node does so before {@link MultiJvmExtension#startNode} returns; for a
     * main-class node this waits until it calls {@code NodeRuntime.serve}.
     *
     * @throws AssertionError if the node does not print it within the step timeout, or exits first.
     */
    public String address()
    {
        return await(ready, "its ready line (NodeRuntime.serve)", stepTimeout);
    }

    /** Waits for the ready line; see {@link #address()}. */
    String awaitReady(final Duration timeout)
    {
        return await(ready, "its ready line (NodeRuntime.serve)", timeout);
    }

    /**
     * Runs a step on the node and waits for its answer, up to the extension's step timeout.
     *
     * @param step the step's class; it runs in the node's JVM.
     * @param args its arguments.
     * @param <R>  the answer's type.
     * @return its answer.
     * @throws AssertionError with the node's stack trace if the step fails, naming the step if it does not finish in
     *                        time or the node exits first.
     */
    public <R> R run(final Class<? extends NodeStep<R>> step, final String... args)
    {
        return run(stepTimeout, step, args);
    }

    /**
     * As {@link #run(Class, String...)}, waiting up to {@code timeout} instead of the extension's step timeout, e.g.
     * for a step known to take long.
     *
     * @param timeout how long to wait for the answer; a step still running then is not stopped on the node.
     * @param step    the step's class; it runs in the node's JVM.
     * @param args    its arguments.
     * @param <R>     the answer's type.
     * @return its answer.
     * @throws AssertionError with the node's stack trace if the step fails, naming the step if it does not finish in
     *                        time or the node exits first.
     */
    public <R> R run(final Duration timeout, final Class<? extends NodeStep<R>> step, final String... args)
    {
        return decode(step, args, await(submit(step, args), describe(step, args), timeout));
    }

    /**
     * Starts a step on the node without waiting, e.g. one that enters a barrier the test then lets through.
     *
     * @param step the step's class; it runs in the node's JVM.
     * @param args its arguments.
     * @param <R>  the answer's type.
     * @return its answer when it has one; it fails as {@link #run(Class, String...)} would, but never times out by
     *         itself: wait on it with a timeout.
     */
    public <R> CompletableFuture<R> runAsync(final Class<? extends NodeStep<R>> step, final String... args)
    {
        return submit(step, args).thenApply(outcome -> decode(step, args, outcome));
    }

    private CompletableFuture<String> submit(final Class<?> step, final String... args)
    {
        final long id = stepIds.incrementAndGet();
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        steps.put(id, outcome);
        if (exited)
        {
            outcome.completeExceptionally(exitedFailure());
        }
        else
        {
            process.send(NodeProtocol.stepCommand(id, step.getName(), Arrays.asList(args)));
        }
        return outcome;
    }

    @SuppressWarnings("unchecked")
    private <R> R decode(final Class<?> step, final String[] args, final String outcome)
    {
        final int space = outcome.indexOf(' ');
        final String kind = outcome.substring(0, space);
        final String value = outcome.substring(space + 1);
        if ("ok".equals(kind))
        {
            try
            {
                return (R)NodeProtocol.decodeAnswer(value, step.getClassLoader());
            }
            catch (final Exception ex)
            {
                throw new AssertionError("The answer of " + describe(step, args) + " from " + process.describe() +
                    " cannot be read", ex);
            }
        }
        throw new AssertionError(describe(step, args) + " failed on " + process.describe() + ":\n" +
            NodeProtocol.decodeText(value) + "Log file: " + process.logFile().toAbsolutePath());
    }

    /** Completes when the node has entered the barrier. */
    CompletableFuture<Void> barrierEntered(final String barrier)
    {
        final CompletableFuture<Void> entered = barriers.computeIfAbsent(barrier, b -> new CompletableFuture<>());
        if (exited)
        {
            entered.completeExceptionally(exitedFailure());
        }
        return entered;
    }

    /** Lets the node through the barrier, and forgets it so that the name can be used again. */
    void passBarrier(final String barrier)
    {
        barriers.remove(barrier);
        process.send(NodeProtocol.BARRIER_PASS + " " + barrier);
    }

    private void onLine(final String line)
    {
        if (!line.startsWith(NodeProtocol.PREFIX))
        {
            return;
        }
        final List<String> words = Arrays.asList(line.substring(NodeProtocol.PREFIX.length()).split(" ", 4));
        switch (words.get(0))
        {
            case NodeProtocol.READY -> ready.complete(words.get(1));
            case NodeProtocol.BARRIER -> barrierEntered(words.get(1)).complete(null);
            case NodeProtocol.STEP ->
            {
                final CompletableFuture<String> outcome = steps.remove(Long.parseLong(words.get(1)));
                if (null != outcome)
                {
                    outcome.complete(words.get(2) + " " + words.get(3));
                }
            }
            default ->
            {
                // terminated, or a line of a newer kit: nothing waits for it.
            }
        }
    }

    private void onExit()
    {
        exited = true;
        final AssertionError failure = exitedFailure();
        ready.completeExceptionally(failure);
        steps.values().forEach(outcome -> outcome.completeExceptionally(failure));
        barriers.values().forEach(entered -> entered.completeExceptionally(failure));
    }

    private AssertionError exitedFailure()
    {
        return new AssertionError("the node's JVM exited");
    }

    private <T> T await(final CompletableFuture<T> future, final String what, final Duration timeout)
    {
        try
        {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw failure("Expected " + what + " from", "it did not come within " + timeout + ".");
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof AssertionError && exited)
            {
                // Let the rest of its output reach the log before it is quoted.
                process.awaitExit(ChildJvm.KILL_TIMEOUT);
                throw failure("Expected " + what + " from", "its JVM exited first.");
            }
            throw new AssertionError(ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while awaiting " + what + " from " + process.describe(), ex);
        }
    }

    AssertionError failure(final String what, final String why)
    {
        return new AssertionError(what + " " + process.describe() + ", but " + why + "\nLog file: " +
            process.logFile().toAbsolutePath() + "\nLast " + ChildJvm.TAIL_LINES + " lines of its output:\n" +
            process.outputTail(ChildJvm.TAIL_LINES));
    }

    private static String describe(final Class<?> step, final String[] args)
    {
        return "step " + step.getSimpleName() + Arrays.toString(args);
    }

    @Override
    public String toString()
    {
        return process.describe();
    }
}
