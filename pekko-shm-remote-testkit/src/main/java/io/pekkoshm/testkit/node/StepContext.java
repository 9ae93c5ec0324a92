package io.pekkoshm.testkit.node;

import io.pekkoshm.testkit.NodeContext;
import io.pekkoshm.testkit.process.ChildControl;
import io.pekkoshm.testkit.process.NodeProtocol;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;

/**
 * The {@link NodeContext} of a serving node. <b>Threading:</b> thread-safe.
 */
final class StepContext implements NodeContext
{
    private static final Duration IDENTIFY_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    private final ActorSystem<?> system;
    private final String nodeName;
    private final String role;
    private final String address;
    private final ConcurrentMap<String, Object> state = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CompletableFuture<Void>> barriers = new ConcurrentHashMap<>();

    StepContext(final ActorSystem<?> system, final String nodeName, final String role)
    {
        this.system = system;
        this.nodeName = nodeName;
        this.role = role;
        this.address = ((ExtendedActorSystem)Adapter.toClassic(system)).provider().getDefaultAddress().toString();
    }

    @Override
    public String nodeName()
    {
        return nodeName;
    }

    @Override
    public String role()
    {
        return role;
    }

    @Override
    public String address()
    {
        return address;
    }

    @Override
    public ActorSystem<?> system()
    {
        return system;
    }

    @Override
    public org.apache.pekko.actor.ActorSystem classicSystem()
    {
        return Adapter.toClassic(system);
    }

    @Override
    public <T> org.apache.pekko.actor.typed.ActorRef<T> spawn(final Behavior<T> behavior, final String name)
    {
        try
        {
            return Adapter.spawn(classicSystem(), behavior, name);
        }
        catch (final UnsupportedOperationException ex)
        {
            // A typed system's guardian owns /user: "cannot create top-level actor from the outside".
            return system.systemActorOf(behavior, name, Props.empty());
        }
    }

    @Override
    public <T> org.apache.pekko.actor.typed.ActorRef<T> resolve(final String path, final Class<T> type,
        final Duration timeout)
    {
        return Adapter.toTyped(resolve(path, timeout));
    }

    @Override
    public ConcurrentMap<String, Object> state()
    {
        return state;
    }

    @Override
    public void enterBarrier(final String name, final Duration timeout)
    {
        final CompletableFuture<Void> passed = barrier(NodeProtocol.checkName(name));
        ChildControl.report(NodeProtocol.PREFIX + NodeProtocol.BARRIER + " " + name);
        try
        {
            passed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new AssertionError("Node '" + nodeName + "' entered barrier '" + name + "' but the test did not " +
                "let it through within " + timeout + " (does the test call enterBarrier(\"" + name + "\", ...)?)");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted in barrier '" + name + "' on node '" + nodeName + "'", ex);
        }
        catch (final ExecutionException ex)
        {
            throw new AssertionError(ex.getCause());
        }
        finally
        {
            barriers.remove(name, passed);
        }
    }

    /** The test let every participant of {@code name} through. */
    void barrierPassed(final String name)
    {
        barrier(name).complete(null);
    }

    private CompletableFuture<Void> barrier(final String name)
    {
        return barriers.computeIfAbsent(name, n -> new CompletableFuture<>());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> TestProbe<T> probe(final String name, final Class<T> type)
    {
        return (TestProbe<T>)state.computeIfAbsent("probe:" + name, key -> TestProbe.create(name, system));
    }

    @Override
    public ActorRef resolve(final String path, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            try
            {
                final Object answer = Patterns.ask(classicSystem().actorSelection(path), new Identify(path),
                    IDENTIFY_TIMEOUT).toCompletableFuture().get();
                final ActorRef ref = ((ActorIdentity)answer).getActorRef().orElse(null);
                if (null != ref)
                {
                    return ref;
                }
            }
            catch (final ExecutionException ex)
            {
                // No answer within IDENTIFY_TIMEOUT: the node may still be starting. Try again until the deadline.
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while resolving " + path, ex);
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("Node '" + nodeName + "' could not resolve " + path + " within " + timeout);
            }
            // An actor that does not exist (yet) answers at once: pace the retries.
            LockSupport.parkNanos(RETRY_PAUSE.toNanos());
        }
    }

    @Override
    public void report(final String line)
    {
        ChildControl.report(line);
    }
}
