package io.pekkoshm.remote;

import io.pekkoshm.remote.pekko.internal.ShmClusterActorRefProvider;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.DynamicAccess;
import org.apache.pekko.event.EventStream;

/**
 * The actor-ref provider for Pekko Cluster over pekko-shm-remote with the direct path:
 * {@code include "pekko-shm-cluster"} in {@code application.conf} names it, or
 * {@code pekko.actor.provider = "io.pekkoshm.remote.ShmClusterProvider"}. It is Pekko's {@code cluster} provider
 * whose remote refs serialize ordinary messages on the sending thread straight into shared memory; the actor
 * system is a cluster system in every respect Pekko checks (the typed Receptionist is the cluster one, remote watch
 * and deployment are on). Its implementation, which uses Pekko internals, is pinned to the Pekko version it was
 * written against ({@link ShmClusterActorRefProvider}).
 */
public final class ShmClusterProvider extends ShmClusterActorRefProvider
{
    /**
     * The constructor Pekko calls, by reflection, for {@code pekko.actor.provider}.
     *
     * @param systemName    the actor system's name.
     * @param settings      the actor system's settings.
     * @param eventStream   the actor system's event stream.
     * @param dynamicAccess the actor system's dynamic access.
     */
    public ShmClusterProvider(final String systemName, final ActorSystem.Settings settings,
        final EventStream eventStream, final DynamicAccess dynamicAccess)
    {
        super(systemName, settings, eventStream, dynamicAccess);
    }
}
