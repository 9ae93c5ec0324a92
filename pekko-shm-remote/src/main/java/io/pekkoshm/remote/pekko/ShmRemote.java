package io.pekkoshm.remote.pekko;

import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.ShmNodeState;
import io.pekkoshm.remote.pekko.internal.DirectPathProvider;
import io.pekkoshm.remote.direct.DirectPath;
import io.pekkoshm.remote.transport.DirectRoutes;
import io.pekkoshm.remote.blob.SharedBlobStore;
import io.pekkoshm.remote.blob.ShmBlobs;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The plugin as a user's code sees it in an actor system: the node's address, its state, its counters, and a
 * read-only view per association and per peer (what the optional {@code pekko-shm-remote-metrics} module binds to
 * Micrometer).
 * <pre>
 *   ShmCountersSnapshot c = ShmRemote.get(system).counters();
 *   boolean up = ShmRemote.get(system).state() == ShmNodeState.ATTACHED;
 *   List&lt;ShmAssociationSnapshot&gt; sent = ShmRemote.get(system).associations();
 * </pre>
 * The transport ({@link ShmTransport}) registers its node here when it starts listening and unregisters when it shuts
 * down; its zero-copy blob store goes on to {@link ShmBlobs}, the zero-copy API. {@link #state()} is what
 * {@link io.pekkoshm.remote.ShmHealthCheck} reports.
 */
public final class ShmRemote implements Extension
{
    private static final Id ID = new Id();

    private final ExtendedActorSystem system;
    private final ShmBlobs blobs;
    private volatile Address address;
    private volatile Supplier<ShmCountersSnapshot> counters;
    private volatile Supplier<List<ShmAssociationSnapshot>> associations;
    private volatile DirectRoutes directRoutes;
    /** Whether the registered node is attached to a live media driver; null until it registers. */
    private volatile BooleanSupplier attachedToLiveDriver;
    private volatile boolean stopped;

    private ShmRemote(final ExtendedActorSystem system, final ShmBlobs blobs)
    {
        this.system = system;
        this.blobs = blobs;
    }

    /**
     * @param system an actor system.
     * @return its view of the plugin.
     */
    public static ShmRemote get(final ActorSystem system)
    {
        return ID.get(system);
    }

    /**
     * @param system an actor system.
     * @return its view of the plugin.
     */
    public static ShmRemote get(final ClassicActorSystemProvider system)
    {
        return ID.get(system.classicSystem());
    }

    /**
     * Counts a message this node dropped (e.g. one it could not deserialize) in the transport's 'messages dropped'.
     * Does nothing when the pekko.shm transport does not run in {@code system}; never creates the extension.
     *
     * @param system the actor system that dropped the message.
     */
    public static void countDropped(final ActorSystem system)
    {
        if (system.hasExtension(ID))
        {
            final DirectRoutes routes = ID.get(system).directRoutes;
            if (null != routes)
            {
                routes.countDropped();
                ShmFlightRecorder.dropped(ShmFlightRecorder.DROP_UNDECODABLE, 1, null, "kryo");
            }
        }
    }

    /** @return this node's pekko.shm address, once the transport listens. */
    public Optional<Address> address()
    {
        return Optional.ofNullable(address);
    }

    /**
     * Where the node is now: not listening yet, attached to a live media driver, detached from a lost one, or
     * stopped. The driver's process is checked on the calling thread (a lookup of its pid): cheap enough for a health
     * check, not for a hot loop. Any thread.
     *
     * @return the node's state.
     */
    public ShmNodeState state()
    {
        if (stopped)
        {
            return ShmNodeState.STOPPED;
        }
        final BooleanSupplier attached = attachedToLiveDriver;
        if (null == attached)
        {
            return ShmNodeState.NOT_LISTENING;
        }
        return attached.getAsBoolean() ? ShmNodeState.ATTACHED : ShmNodeState.DETACHED;
    }

    /**
     * The node's counters now.
     *
     * @return a snapshot of them.
     * @throws IllegalStateException if the shm transport is not running in this actor system.
     */
    public ShmCountersSnapshot counters()
    {
        final Supplier<ShmCountersSnapshot> source = counters;
        if (null == source)
        {
            throw new IllegalStateException("The pekko.shm transport is not running in this actor system " +
                "(is \"pekko.remote.shm\" in pekko.remote.classic.enabled-transports?)");
        }
        return source.get();
    }

    /**
     * What each open association of the node has sent, now (see {@link ShmAssociationSnapshot}).
     *
     * @return one snapshot per open association; empty when none is open.
     * @throws IllegalStateException if the shm transport is not running in this actor system.
     */
    public List<ShmAssociationSnapshot> associations()
    {
        final Supplier<List<ShmAssociationSnapshot>> source = associations;
        if (null == source)
        {
            throw new IllegalStateException("The pekko.shm transport is not running in this actor system " +
                "(is \"pekko.remote.shm\" in pekko.remote.classic.enabled-transports?)");
        }
        return source.get();
    }

    /**
     * The messages the direct path holds now, per peer node: while its ordering barrier is out, or while the peer's
     * log is full (at most {@code direct.pending-limit} per peer; beyond it they are dropped).
     *
     * @return held messages by peer address ({@code pekko.shm://system@host:port}), one entry per peer the direct
     * path sends to; empty when the actor system does not run the direct path (classic mode).
     */
    public Map<String, Integer> directPending()
    {
        final DirectPath path = directPath();
        return null == path ? Map.of() : path.heldByPeer();
    }

    /**
     * The messages the direct path has dropped, per peer node, since it started (each also counted in the node's
     * 'messages dropped', and in the drops of the association that was the peer's route then, if one was): messages
     * to the peer it could not send (too large, no blob block, unserializable, over {@code direct.pending-limit}),
     * messages from it that could not be deserialized, frames of a quarantined incarnation of it. Unlike an
     * association's counts, a peer's count goes on across its associations.
     *
     * @return drops by peer address ({@code pekko.shm://system@host:port}), one entry per peer the direct path has
     * dropped a message of; empty when none has been dropped, or when the actor system does not run the direct path.
     */
    public Map<String, Long> directDropped()
    {
        final DirectPath path = directPath();
        return null == path ? Map.of() : path.droppedByPeer();
    }

    /** {@return the system's direct path, or null when it does not run one (classic mode, or not started yet)} */
    private DirectPath directPath()
    {
        return system.provider() instanceof DirectPathProvider ?
            ((DirectPathProvider)system.provider()).directRefs().directPath() : null;
    }

    /**
     * Called by the transport when it listens.
     *
     * @param address              the node's address.
     * @param counters             where its counters are read.
     * @param associations         where what each open association has sent is read.
     * @param attachedToLiveDriver whether the node is attached to a live media driver now, any thread.
     * @param directRoutes         its associations, where {@link #countDropped} counts.
     * @param blobStore            its zero-copy blob store, handed on to {@link ShmBlobs}; null when the blob store
     *                             is off.
     */
    void register(final Address address, final Supplier<ShmCountersSnapshot> counters,
        final Supplier<List<ShmAssociationSnapshot>> associations, final BooleanSupplier attachedToLiveDriver,
        final DirectRoutes directRoutes, final SharedBlobStore blobStore)
    {
        this.address = address;
        this.counters = counters;
        this.associations = associations;
        this.attachedToLiveDriver = attachedToLiveDriver;
        this.directRoutes = directRoutes;
        if (null != blobStore)
        {
            blobs.register(blobStore);
        }
    }

    /** Called by the transport when it stops: the zero-copy blobs this node still holds are released. */
    void unregister()
    {
        this.stopped = true;
        this.attachedToLiveDriver = null;
        this.counters = null;
        this.associations = null;
        blobs.unregister();
    }

    private static final class Id extends AbstractExtensionId<ShmRemote>
    {
        @Override
        public ShmRemote createExtension(final ExtendedActorSystem system)
        {
            return new ShmRemote(system, ShmBlobs.get(system));
        }
    }
}
