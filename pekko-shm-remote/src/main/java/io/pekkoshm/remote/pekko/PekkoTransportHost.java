package io.pekkoshm.remote.pekko;

import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.blob.SharedBlobStore;
import io.pekkoshm.remote.pekko.internal.DirectPathProvider;
import io.pekkoshm.remote.pekko.internal.PekkoInternals;
import io.pekkoshm.remote.transport.DirectRoutes;
import io.pekkoshm.remote.transport.TransportHost;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.event.LoggingAdapter;

import java.util.function.Supplier;

/**
 * The Pekko seam's side of {@link TransportHost}: the transport's node published through {@link ShmRemote} and handed
 * to the direct-path provider's {@code DirectRefs} (its settings, parsed once, and its associations), peer exits
 * handled by {@link PeerTermination}, the provider checks and the version check of {@link PekkoInternals}. Registered
 * in {@code META-INF/services} as the transport's {@link TransportHost.Factory}.
 * <p>
 * Public only for {@link java.util.ServiceLoader}, which needs a public class with a public no-argument constructor.
 */
public final class PekkoTransportHost implements TransportHost.Factory
{
    /** The constructor {@link java.util.ServiceLoader} calls. */
    public PekkoTransportHost()
    {
    }

    @Override
    public TransportHost create(final ExtendedActorSystem system)
    {
        return new Host(system);
    }

    private static final class Host implements TransportHost
    {
        private final ExtendedActorSystem system;

        Host(final ExtendedActorSystem system)
        {
            this.system = system;
        }

        @Override
        public boolean isClusterProvider()
        {
            return PeerTermination.isClusterProvider(system);
        }

        @Override
        public boolean isDirectPathProvider()
        {
            return system.provider() instanceof DirectPathProvider;
        }

        @Override
        public String versionProblem()
        {
            return PekkoInternals.checkVersion();
        }

        @Override
        public void listening(final Address address, final ShmSettings settings,
            final Supplier<ShmCountersSnapshot> counters, final DirectRoutes directRoutes,
            final SharedBlobStore blobStore)
        {
            ShmRemote.get(system).register(address, counters, directRoutes, blobStore);
            if (system.provider() instanceof DirectPathProvider)
            {
                ((DirectPathProvider)system.provider()).directRefs().transportListening(settings, directRoutes);
            }
        }

        @Override
        public void stopped()
        {
            ShmRemote.get(system).unregister();
        }

        @Override
        public PeerExit peerTermination(final LoggingAdapter log, final boolean configured)
        {
            return new PeerTermination(system, log, configured)::onPeerProcessExit;
        }
    }
}
