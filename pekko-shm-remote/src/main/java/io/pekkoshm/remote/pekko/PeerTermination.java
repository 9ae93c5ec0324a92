package io.pekkoshm.remote.pekko;

import io.pekkoshm.remote.pekko.internal.PekkoInternals;
import org.apache.pekko.actor.ActorRefProvider;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.event.LoggingAdapter;

/**
 * What a node does when the process of a peer has exited ({@code terminate-on-peer-process-exit}): with
 * {@code actor.provider = remote}, the same as Pekko's RemoteWatcher does when its failure detector gives up,
 * only at once: quarantine the dead incarnation and publish that its address terminated, so watchers get
 * {@code Terminated}. With a cluster provider, membership (and the downing provider) decides instead.
 */
final class PeerTermination
{
    private final ExtendedActorSystem system;
    private final LoggingAdapter log;
    private final boolean enabled;

    /**
     * Made once per node, when the transport starts listening.
     *
     * @param system     the node's actor system.
     * @param log        where to say what was done.
     * @param configured {@code terminate-on-peer-process-exit}; honoured only with {@code actor.provider = remote}
     *                   (or a subclass of its provider that is not Pekko Cluster's).
     */
    PeerTermination(final ExtendedActorSystem system, final LoggingAdapter log, final boolean configured)
    {
        this.system = system;
        this.log = log;
        this.enabled = configured && PekkoInternals.isRemoteProvider(system) && !isClusterProvider(system);
    }

    /**
     * Whether the actor system runs Pekko Cluster's provider (membership, not the transport, decides who is gone).
     *
     * @param system the actor system.
     * @return true if its provider's class, or a superclass, is in {@code org.apache.pekko.cluster}.
     */
    static boolean isClusterProvider(final ExtendedActorSystem system)
    {
        final ActorRefProvider provider = system.provider();
        for (Class<?> type = provider.getClass(); null != type; type = type.getSuperclass())
        {
            if (type.getName().startsWith("org.apache.pekko.cluster."))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The process of a peer has exited: quarantine its incarnation and publish its address as terminated, or only log
     * it when disabled. Called on the node agent's thread.
     *
     * @param address  the peer's full address (protocol {@code pekko.shm}, or {@code pekko.tcp} for scheme tcp).
     * @param pekkoUid the peer system's uid, as its handshake said.
     * @param pid      the peer's pid, for the log.
     */
    void onPeerProcessExit(final Address address, final long pekkoUid, final long pid)
    {
        if (!enabled)
        {
            log.info("The process of {} (pid {}) has exited; its associations are closed.", address, pid);
            return;
        }
        log.warning("The process of {} (pid {}) has exited: quarantining its incarnation (uid {}) and telling " +
            "watchers of its actors (Terminated).", address, pid, pekkoUid);
        PekkoInternals.quarantine(system, address, pekkoUid, "its process has exited");
        PekkoInternals.publishAddressTerminated(system, address);
    }
}
