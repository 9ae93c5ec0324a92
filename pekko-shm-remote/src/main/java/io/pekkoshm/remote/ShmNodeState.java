package io.pekkoshm.remote;

/**
 * Where an actor system's pekko.shm node is in its life, as {@link io.pekkoshm.remote.pekko.ShmRemote#state()} reads
 * it now; {@link ShmHealthCheck} is healthy in {@link #ATTACHED} only.
 * <pre>
 *   NOT_LISTENING --transport listens--> ATTACHED &lt;--driver lost / attached again--> DETACHED
 *        |                                   |                                           |
 *        +-------------------transport shut down (actor system terminated)---------------+--> STOPPED
 * </pre>
 */
public enum ShmNodeState
{
    /**
     * The pekko.shm transport has not started listening in this actor system: it is starting, or it is not one of
     * {@code pekko.remote.classic.enabled-transports}.
     */
    NOT_LISTENING,

    /** The node listens and is attached to a live media driver: it can send and receive. */
    ATTACHED,

    /**
     * The node lost its media driver (the driver's process exited, or its Aeron client closed itself): its
     * associations have ended; it attaches to a driver again by itself unless the driver ran in this JVM.
     */
    DETACHED,

    /** The transport has shut down (the actor system terminated, or the transport failed to start). */
    STOPPED
}
