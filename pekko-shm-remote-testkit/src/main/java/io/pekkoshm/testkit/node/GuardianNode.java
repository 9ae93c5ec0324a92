package io.pekkoshm.testkit.node;

import io.pekkoshm.testkit.Guardian;
import io.pekkoshm.testkit.process.NodeProtocol;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * The main class of a node declared with a {@link Guardian} or as a classic node: {@code GuardianNode <guardian class>}
 * or {@code GuardianNode -}. Starts the actor system named by {@code -Dmultijvm.system-name} with the guardian's
 * behaviour (a classic actor system for {@code -}) and {@link NodeRuntime#config()}, then {@link NodeRuntime#serve
 * serves} the test.
 */
public final class GuardianNode
{
    private GuardianNode()
    {
    }

    /**
     * Starts the node's actor system and serves the test until the system terminates; then the JVM exits.
     *
     * @param args one argument: the guardian's binary name, or {@code -} for a classic actor system.
     * @throws ReflectiveOperationException if the guardian class cannot be found or instantiated with its public
     *                                      no-argument constructor.
     */
    public static void main(final String[] args) throws ReflectiveOperationException
    {
        if (args.length != 1)
        {
            throw new IllegalArgumentException("usage: GuardianNode <guardian class>");
        }
        final String name = System.getProperty(NodeProtocol.SYSTEM_NAME_PROPERTY, "MultiJvm");
        if (NodeProtocol.CLASSIC.equals(args[0]))
        {
            NodeRuntime.serve(Adapter.toTyped(org.apache.pekko.actor.ActorSystem.create(name, NodeRuntime.config())));
            return;
        }
        final Guardian guardian = (Guardian)Class.forName(args[0]).getDeclaredConstructor().newInstance();
        NodeRuntime.serve(create(guardian.create(), name));
    }

    private static <T> ActorSystem<T> create(final Behavior<T> behavior, final String name)
    {
        return ActorSystem.create(behavior, name, NodeRuntime.config());
    }
}
