package io.pekkoshm.remote;

import io.pekkoshm.remote.pekko.internal.ShmRemoteActorRefProvider;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.DynamicAccess;
import org.apache.pekko.event.EventStream;

/**
 * The actor-ref provider for Pekko remoting over pekko-shm-remote with the direct path:
 * {@code include "pekko-shm-remote"} in {@code application.conf} names it, or
 * {@code pekko.actor.provider = "io.pekkoshm.remote.ShmRemoteProvider"}. It is Pekko's {@code remote} provider
 * whose remote refs serialize ordinary messages on the sending thread straight into shared memory; everything
 * else is Pekko's. Its implementation, which uses Pekko internals, is pinned to the Pekko version it was written
 * against ({@link ShmRemoteActorRefProvider}).
 */
public final class ShmRemoteProvider extends ShmRemoteActorRefProvider
{
    /**
     * The constructor Pekko calls, by reflection, for {@code pekko.actor.provider}.
     *
     * @param systemName    the actor system's name.
     * @param settings      the actor system's settings.
     * @param eventStream   the actor system's event stream.
     * @param dynamicAccess the actor system's dynamic access.
     */
    public ShmRemoteProvider(final String systemName, final ActorSystem.Settings settings,
        final EventStream eventStream, final DynamicAccess dynamicAccess)
    {
        super(systemName, settings, eventStream, dynamicAccess);
    }
}
