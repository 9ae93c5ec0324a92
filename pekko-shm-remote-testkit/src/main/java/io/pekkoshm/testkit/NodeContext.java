package io.pekkoshm.testkit;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;

/**
 * What a {@link NodeStep} sees of the node it runs on: its actor system, its name and address, state kept between
 * steps, barriers shared with other nodes, and typed test probes.
 * <p>
 * <b>Threading:</b> thread-safe; steps of one node may run at the same time.
 */
public interface NodeContext
{
    /** {@return the node's name, as declared in its {@link NodeSpec}} */
    String nodeName();

    /** {@return the node's role, as declared in its {@link NodeSpec}; empty when none was} */
    String role();

    /** {@return the node's own address, e.g. {@code pekko://MultiJvm@127.0.0.1:41234}} */
    String address();

    /** {@return the node's actor system} */
    ActorSystem<?> system();

    /**
     * {@return the node's actor system as a classic one, e.g. for {@code actorSelection}} Top-level classic actors
     * ({@code actorOf}) can be created on a {@link NodeSpec#classic classic} node only: a typed system's guardian owns
     * its {@code /user} actors; use {@link #spawn} there.
     */
    org.apache.pekko.actor.ActorSystem classicSystem();

    /**
     * Starts a typed actor from a step, on any kind of node: a top-level actor of a classic node
     * ({@code /user/<name>}), a system actor of a typed one ({@code /system/<name>}), where the guardian does not own
     * it.
     *
     * @param behavior the actor's behaviour.
     * @param name     its name, unique among its siblings.
     * @param <T>      the messages it takes.
     * @return its ref, which may be sent to other nodes inside messages.
     */
    <T> org.apache.pekko.actor.typed.ActorRef<T> spawn(org.apache.pekko.actor.typed.Behavior<T> behavior, String name);

    /** {@return a map kept for the life of the node, where steps leave refs, probes and values for later steps} */
    ConcurrentMap<String, Object> state();

    /**
     * Enters the named barrier and waits until the test lets every participant through
     * ({@link MultiJvmExtension#enterBarrier}).
     *
     * @param name    the barrier, {@code [A-Za-z0-9_.-]+}.
     * @param timeout how long to wait.
     * @throws AssertionError naming the barrier and the node if the test does not let it through in time.
     */
    void enterBarrier(String name, Duration timeout);

    /**
     * A typed test probe of this node's actor system, created on the first call for {@code name} and kept in
     * {@link #state()} for later steps.
     *
     * @param name names the probe (and its actor).
     * @param type the messages it receives.
     * @param <T>  the message type.
     * @return the probe; its ref may be sent to other nodes inside messages.
     */
    <T> TestProbe<T> probe(String name, Class<T> type);

    /**
     * Resolves an actor by its path with {@code Identify}, retrying until it answers, e.g. an actor of another node
     * that is still starting.
     *
     * @param path    an actor path, e.g. {@code pekko://MultiJvm@127.0.0.1:41234/user/echo}.
     * @param timeout how long to keep trying.
     * @return the actor's ref.
     * @throws AssertionError naming the path if it does not answer in time.
     */
    ActorRef resolve(String path, Duration timeout);

    /**
     * As {@link #resolve(String, Duration)}, as a typed ref.
     *
     * @param path    an actor path.
     * @param type    the messages the actor takes (not checked: a typed ref carries no type at run time).
     * @param timeout how long to keep trying.
     * @param <T>     the message type.
     * @return the actor's typed ref.
     * @throws AssertionError naming the path if it does not answer in time.
     */
    <T> org.apache.pekko.actor.typed.ActorRef<T> resolve(String path, Class<T> type, Duration timeout);

    /**
     * Prints one line to the node's output (and its log file), for the test's {@code awaitLine}.
     *
     * @param line a line without line separators.
     */
    void report(String line);
}
