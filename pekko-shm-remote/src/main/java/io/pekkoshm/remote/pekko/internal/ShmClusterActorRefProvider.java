package io.pekkoshm.remote.pekko.internal;

import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ActorSystemImpl;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.DynamicAccess;
import org.apache.pekko.actor.InternalActorRef;
import org.apache.pekko.cluster.ClusterActorRefProvider;
import org.apache.pekko.event.EventStream;

/**
 * {@code pekko.actor.provider = "io.pekkoshm.remote.pekko.internal.ShmClusterActorRefProvider"}: Pekko's
 * {@code cluster} provider (1.7) whose remote refs send ordinary messages on the pekko.shm direct path.
 * <p>
 * Pekko decides whether a system "has cluster" from the provider's class name ({@code ActorSystem.Settings
 * .HasCluster}, true only for Pekko's own name), and remoting reads it from the settings its provider was built
 * with (remote watch and deployment are on only with cluster). So this provider hands Pekko's constructor the same
 * settings with {@code pekko.actor.provider = cluster}: the cluster behaves exactly as with Pekko's provider.
 */
public class ShmClusterActorRefProvider extends ClusterActorRefProvider implements DirectPathProvider
{
    private final DirectRefs refs = new DirectRefs(this);

    /**
     * The constructor Pekko calls, by reflection, for {@code pekko.actor.provider}; the arguments go to Pekko's, with
     * the settings' provider set to {@code cluster}.
     *
     * @param systemName    the actor system's name.
     * @param settings      the actor system's settings.
     * @param eventStream   the actor system's event stream.
     * @param dynamicAccess the actor system's dynamic access.
     */
    public ShmClusterActorRefProvider(final String systemName, final ActorSystem.Settings settings,
        final EventStream eventStream, final DynamicAccess dynamicAccess)
    {
        super(systemName, asCluster(settings, dynamicAccess), eventStream, dynamicAccess);
    }

    private static ActorSystem.Settings asCluster(final ActorSystem.Settings settings, final DynamicAccess access)
    {
        return new ActorSystem.Settings(access.classLoader(),
            settings.config().withValue("pekko.actor.provider",
                com.typesafe.config.ConfigValueFactory.fromAnyRef("cluster")),
            settings.name(), settings.setup());
    }

    @Override
    public void init(final ActorSystemImpl system)
    {
        super.init(system);
        refs.start(system);
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
