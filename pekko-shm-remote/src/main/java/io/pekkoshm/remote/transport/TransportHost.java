package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.blob.SharedBlobStore;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.event.LoggingAdapter;

import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * What the transport asks of the layer above it, the plugin's Pekko seam ({@code io.pekkoshm.remote.pekko}): which
 * provider the actor system runs, where the running node is published for applications and the direct path, and
 * what is done when a peer's process exits. The transport depends on this interface only, never on the seam's
 * classes, so the lower layer does not import the upper one.
 * <p>
 * Classic remoting creates the transport by reflection and hands it only the actor system and its config, so the
 * seam's implementation is found with {@link ServiceLoader} ({@code META-INF/services}), once per transport, in its
 * constructor. Methods are called on the thread that starts or stops the transport, except
 * {@link PeerExit#onPeerProcessExit}, called on the node agent's thread.
 */
public interface TransportHost
{
    /**
     * @return whether the actor system runs Pekko Cluster's provider (or a subclass of it): its addresses then use
     * the {@code tcp} scheme, and membership, not the transport, decides who is gone.
     */
    boolean isClusterProvider();

    /**
     * @return whether the actor system's provider sends ordinary messages on the direct path (decodes DIRECT
     * frames).
     */
    boolean isDirectPathProvider();

    /** @return null when the Pekko on the class path is the one the seam was written against, else what to do. */
    String versionProblem();

    /**
     * The node listens: publish it to applications ({@code ShmRemote}) and to the direct path.
     *
     * @param address      the node's address, with its full protocol.
     * @param settings     the node's settings, as the transport parsed them.
     * @param counters     where its counters are read.
     * @param directRoutes its associations as the direct path sees them.
     * @param blobStore    its zero-copy blob store; null when the blob store is off.
     */
    void listening(Address address, ShmSettings settings, Supplier<ShmCountersSnapshot> counters,
        DirectRoutes directRoutes, SharedBlobStore blobStore);

    /** The node stopped: its counters are gone and the zero-copy blobs it still holds are released. */
    void stopped();

    /**
     * What the node does when a peer's process exits ({@code terminate-on-peer-process-exit}).
     *
     * @param log        where to say what was done.
     * @param configured {@code terminate-on-peer-process-exit}.
     * @return the reaction, called on the node agent's thread.
     */
    PeerExit peerTermination(LoggingAdapter log, boolean configured);

    /** The reaction to a peer's process exit. */
    @FunctionalInterface
    interface PeerExit
    {
        /**
         * @param address  the peer's full address.
         * @param pekkoUid the peer system's uid, as its handshake said.
         * @param pid      the peer's pid, for the log.
         */
        void onPeerProcessExit(Address address, long pekkoUid, long pid);
    }

    /** Makes the host of one actor system; the seam registers its implementation in {@code META-INF/services}. */
    interface Factory
    {
        /**
         * @param system the actor system whose classic remoting starts the transport.
         * @return its host.
         */
        TransportHost create(ExtendedActorSystem system);
    }

    /**
     * Finds the seam's host for an actor system.
     *
     * @param system the actor system whose classic remoting starts the transport.
     * @return its host.
     * @throws IllegalStateException if no implementation is on the class path (a jar assembled without this
     *                               plugin's {@code META-INF/services} entries).
     */
    static TransportHost of(final ExtendedActorSystem system)
    {
        final Iterator<Factory> factories =
            ServiceLoader.load(Factory.class, TransportHost.class.getClassLoader()).iterator();
        if (!factories.hasNext())
        {
            throw new IllegalStateException("pekko-shm-remote's " + Factory.class.getName() + " is not registered " +
                "in META-INF/services: keep that file of the plugin's jar when assembling an application jar");
        }
        return factories.next().create(system);
    }
}
