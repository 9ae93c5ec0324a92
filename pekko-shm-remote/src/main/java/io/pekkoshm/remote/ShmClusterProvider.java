package io.pekkoshm.remote;

import io.pekkoshm.remote.pekko.internal.DirectPathProvider;
import io.pekkoshm.remote.pekko.internal.DirectRefs;
import io.pekkoshm.remote.pekko.internal.PekkoInternals;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ActorSystemImpl;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Deploy;
import org.apache.pekko.actor.DynamicAccess;
import org.apache.pekko.actor.InternalActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.ClusterActorRefProvider;
import org.apache.pekko.event.EventStream;
import scala.Option;

/**
 * The actor-ref provider for Pekko Cluster over pekko-shm-remote with the direct path:
 * {@code include "pekko-shm-cluster"} in {@code application.conf} names it, or
 * {@code pekko.actor.provider = "io.pekkoshm.remote.ShmClusterProvider"}. It is Pekko's {@code cluster} provider
 * (1.7) whose remote refs serialize ordinary messages on the sending thread straight into shared memory; the actor
 * system is a cluster system in every respect Pekko checks (the typed Receptionist is the cluster one, remote watch
 * and deployment are on).
 * <p>
 * Pekko decides whether a system "has cluster" from the provider's class name ({@code ActorSystem.Settings
 * .ProviderSelectionType} and {@code HasCluster}, true only for Pekko's own name), and reads it in two places:
 * remoting, from the settings its provider was built with (remote watch and deployment), and the typed
 * {@code Receptionist}, from the actor system's settings (cluster receptionist, or a node-local one). Both are the
 * same object, so this provider declares it a cluster system ({@link PekkoInternals#declareCluster}) before Pekko's
 * constructor runs: everything that asks then sees a cluster, exactly as with Pekko's provider. The upstream change
 * that would remove this: {@code ProviderSelection} deciding {@code hasCluster} from whether the provider class is a
 * {@code ClusterActorRefProvider}, not from its name.
 * <p>
 * Each override is one line that hands Pekko's result to {@link DirectRefs}, the behaviour this provider shares with
 * {@link ShmRemoteProvider}.
 */
public final class ShmClusterProvider extends ClusterActorRefProvider implements DirectPathProvider
{
    private final DirectRefs refs = new DirectRefs(this);

    /**
     * The constructor Pekko calls, by reflection, for {@code pekko.actor.provider}; the arguments go to Pekko's,
     * the settings declared a cluster system first.
     *
     * @param systemName    the actor system's name.
     * @param settings      the actor system's settings.
     * @param eventStream   the actor system's event stream.
     * @param dynamicAccess the actor system's dynamic access.
     */
    public ShmClusterProvider(final String systemName, final ActorSystem.Settings settings,
        final EventStream eventStream, final DynamicAccess dynamicAccess)
    {
        super(systemName, PekkoInternals.declareCluster(settings), eventStream, dynamicAccess);
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
