package io.pekkoshm.remote;

import io.pekkoshm.remote.pekko.internal.DirectPathProvider;
import io.pekkoshm.remote.pekko.internal.DirectRefs;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ActorSystemImpl;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Deploy;
import org.apache.pekko.actor.DynamicAccess;
import org.apache.pekko.actor.InternalActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.event.EventStream;
import org.apache.pekko.remote.RemoteActorRefProvider;
import scala.Option;

/**
 * The actor-ref provider for Pekko remoting over pekko-shm-remote with the direct path:
 * {@code include "pekko-shm-remote"} in {@code application.conf} names it, or
 * {@code pekko.actor.provider = "io.pekkoshm.remote.ShmRemoteProvider"}. It is Pekko's {@code remote} provider
 * (1.7) whose remote refs serialize ordinary messages on the sending thread straight into shared memory; everything
 * else is Pekko's provider, unchanged.
 * <p>
 * Each override is one line that hands Pekko's result to {@link DirectRefs}, the behaviour this provider shares with
 * {@link ShmClusterProvider} (Java cannot give both one superclass, since each extends its own Pekko provider).
 * {@code DirectRefs} is pinned to the Pekko version it was written against, with the rest of the plugin's use of
 * Pekko internals ({@code io.pekkoshm.remote.pekko.internal.PekkoInternals}).
 */
public final class ShmRemoteProvider extends RemoteActorRefProvider implements DirectPathProvider
{
    private final DirectRefs refs = new DirectRefs(this);

    /**
     * The constructor Pekko calls, by reflection, for {@code pekko.actor.provider}; the arguments go to Pekko's.
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

    @Override
    public DirectRefs directRefs()
    {
        return refs;
    }

    @Override
    public void init(final ActorSystemImpl system)
    {
        super.init(system);
        refs.start(system);
    }

    @Override
    public InternalActorRef actorOf(final ActorSystemImpl system, final Props props, final InternalActorRef supervisor,
        final ActorPath path, final boolean systemService, final Option<Deploy> deploy, final boolean lookupDeploy,
        final boolean async)
    {
        return refs.wrapDeployed(super.actorOf(system, props, supervisor, path, systemService, deploy, lookupDeploy,
            async));
    }

    @Override
    public ActorRef rootGuardianAt(final Address address)
    {
        return refs.wrap(super.rootGuardianAt(address));
    }

    @Override
    public InternalActorRef resolveActorRefWithLocalAddress(final String path, final Address localAddress)
    {
        return refs.wrapInternal(super.resolveActorRefWithLocalAddress(path, localAddress));
    }

    @Override
    public ActorRef internalResolveActorRef(final String path)
    {
        return refs.wrap(super.internalResolveActorRef(path));
    }

    @Override
    public ActorRef resolveActorRef(final ActorPath path)
    {
        return refs.wrap(super.resolveActorRef(path));
    }
}
