package io.pekkoshm.remote.pekko.internal;

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
import scala.Option;
import org.apache.pekko.remote.RemoteActorRefProvider;

/**
 * {@code pekko.actor.provider = "io.pekkoshm.remote.pekko.internal.ShmRemoteActorRefProvider"}: Pekko's
 * {@code remote} provider (1.7) whose remote refs send ordinary messages on the pekko.shm direct path.
 * Everything else is Pekko's provider, unchanged.
 */
public class ShmRemoteActorRefProvider extends RemoteActorRefProvider implements DirectPathProvider
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
    public ShmRemoteActorRefProvider(final String systemName, final ActorSystem.Settings settings,
        final EventStream eventStream, final DynamicAccess dynamicAccess)
    {
        super(systemName, settings, eventStream, dynamicAccess);
    }

    /** {@return this system's direct path, or null while it is off} (for tests of this package) */
    io.pekkoshm.remote.direct.DirectPath directPath()
    {
        return refs.directPath();
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
