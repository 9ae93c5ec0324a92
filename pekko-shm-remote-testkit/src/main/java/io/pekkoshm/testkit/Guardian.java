package io.pekkoshm.testkit;

import org.apache.pekko.actor.typed.Behavior;

/**
 * The guardian behaviour of a node's actor system: a class with a public no-argument constructor, instantiated in the
 * node's JVM (see {@link NodeSpec#guardian(String, Class)}). Use {@code Behaviors.empty()} for a node whose actors are
 * created by steps, e.g. classic ones through {@link NodeContext#classicSystem()}.
 */
@FunctionalInterface
public interface Guardian
{
    /**
     * Called once, in the node's JVM, before its actor system starts.
     *
     * @return the behaviour of the actor system's user guardian.
     */
    Behavior<?> create();
}
