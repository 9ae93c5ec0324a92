package io.pekkoshm.remote;

import io.pekkoshm.remote.pekko.ShmRemote;
import org.apache.pekko.actor.ActorSystem;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A health check of the actor system's pekko.shm node in the shape pekko-management loads by class name (a
 * {@code Supplier<CompletionStage<Boolean>>} with a constructor taking the {@link ActorSystem}), so this plugin does
 * not depend on pekko-management:
 * <pre>
 *   pekko.management.health-checks.readiness-checks {
 *     pekko-shm-remote = "io.pekkoshm.remote.ShmHealthCheck"
 *   }
 * </pre>
 * Healthy while the node's transport listens and the node is attached to a live media driver
 * ({@link ShmNodeState#ATTACHED}); unhealthy before the transport listens, while the node is detached from a lost
 * driver (see {@link ShmNodeState#DETACHED}), and once the transport has stopped or the actor system terminated.
 * <p>
 * Threading: {@link #get()} from any thread; it answers at once (a completed stage), reading the node's state as
 * {@link ShmRemote#state()} does.
 */
public final class ShmHealthCheck implements Supplier<CompletionStage<Boolean>>
{
    private final ActorSystem system;
    private final ShmRemote remote;

    /**
     * The constructor pekko-management calls, by reflection.
     *
     * @param system the actor system whose node is checked.
     */
    public ShmHealthCheck(final ActorSystem system)
    {
        this.system = system;
        this.remote = ShmRemote.get(system);
    }

    /**
     * Checks the node now.
     *
     * @return a stage completed with true while the node is {@link ShmNodeState#ATTACHED} and the actor system runs,
     * false otherwise.
     */
    @Override
    public CompletionStage<Boolean> get()
    {
        final boolean healthy = !system.whenTerminated().isCompleted() && ShmNodeState.ATTACHED == remote.state();
        return CompletableFuture.completedFuture(healthy);
    }
}
