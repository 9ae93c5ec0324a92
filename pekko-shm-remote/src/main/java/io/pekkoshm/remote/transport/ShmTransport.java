package io.pekkoshm.remote.transport;

import com.typesafe.config.Config;
import io.aeron.Aeron;
import io.aeron.Subscription;
import io.pekkoshm.remote.IdleStrategies;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.blob.BlobPool;
import io.pekkoshm.remote.blob.BlobReader;
import io.pekkoshm.remote.blob.SharedBlobStore;
import io.pekkoshm.remote.driver.DriverConnection;
import io.pekkoshm.remote.driver.JvmFlags;
import io.pekkoshm.remote.host.LockFile;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.host.ShmDirectory;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.remote.AddressUidExtension;
import org.apache.pekko.remote.transport.AssociationHandle;
import org.apache.pekko.remote.transport.Transport;
import scala.Tuple2;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.Future$;
import scala.concurrent.Promise;
import scala.concurrent.Promise$;
import scala.runtime.BoxedUnit;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The pekko.shm transport: Pekko's classic remoting {@link Transport} SPI over Aeron IPC.
 * <p>
 * Classic remoting creates it from {@code pekko.remote.shm} (listed in {@code pekko.remote.classic.enabled-transports})
 * and wraps it in its own protocol layer (handshake, heartbeats, system message delivery). This class only starts and
 * stops the node; the work is done by the {@link NodeAgent} thread and, for writes, on the caller's thread by each
 * association's {@link Outbox}.
 * <p>
 * Start ({@link #listen()}), under the shared directory's start-up lock: find or start the media driver, connect,
 * claim the port, subscribe to the node's stream (stream id = port). Stop ({@link #shutdown()}): in reverse.
 */
@SuppressWarnings("deprecation")
public final class ShmTransport implements Transport
{
    /** Room left for classic remoting's protocol envelope around a PDU (tag and length varint: 6 bytes today). */
    static final int CLASSIC_ENVELOPE_MARGIN = 32;

    private final ExtendedActorSystem system;
    private final ShmSettings settings;
    private final LoggingAdapter log;
    /** The layer above: where the node is published and what is done when a peer's process exits. */
    private final TransportHost host;
    /** The scheme of this node's addresses below classic's prefix: "shm", or "tcp" for a cluster (see ShmSettings). */
    private final String scheme;
    /** A bad setting or environment found at construction, reported by listen(). */
    private final RuntimeException startupProblem;
    private final Promise<AssociationEventListener> listenerPromise = Promise$.MODULE$.apply();

    private ShmDirectory directory;
    private volatile DriverConnection connection;
    private NodeRegistry.Claim claim;
    private volatile Subscription subscription;
    private TransportCounters counters;
    private BlobPool blobPool;
    private BlobReader blobReader;
    /** Where the direct path (when the actor system runs a direct-path provider) finds this node's associations. */
    private final DirectRoutes directRoutes;
    private volatile NodeAgent agent;
    private AgentRunner runner;
    /** Releases the node's files if the JVM exits without terminating the actor system (System.exit, SIGTERM). */
    private Thread exitHook;

    /**
     * The constructor classic remoting calls, with the config at {@code pekko.remote.shm}.
     * <p>
     * It never throws: classic remoting builds transports inside an actor, where an exception would only surface
     * as a start-up timeout. A bad setting or missing JVM flag is kept and returned by {@link #listen()} as a
     * failed future, which fails {@code ActorSystem.create} at once with that cause.
     *
     * @param system the actor system whose classic remoting starts this transport.
     * @param config the section {@code pekko.remote.shm}, with defaults applied.
     */
    public ShmTransport(final ExtendedActorSystem system, final Config config)
    {
        this.system = system;
        this.log = Logging.getLogger(system, this);
        TransportHost foundHost = null;
        ShmSettings parsed = null;
        String resolvedScheme = "shm";
        RuntimeException problem = null;
        try
        {
            foundHost = TransportHost.of(system);
            parsed = ShmSettings.fromConfig(config);
            final boolean cluster = foundHost.isClusterProvider();
            resolvedScheme = parsed.transport().resolveScheme(cluster);
            if (cluster && system.settings().config().hasPath("pekko.cluster.seed-nodes"))
            {
                parsed.transport().checkSeedNodes(system.settings().config().getStringList("pekko.cluster.seed-nodes"),
                    resolvedScheme, system.name());
            }
            if (!JvmFlags.requiredPresent())
            {
                throw new IllegalStateException(
                    "pekko-shm-remote needs these JVM flags (Agrona and Aeron on JDK 17): " +
                    String.join(" ", JvmFlags.REQUIRED));
            }
        }
        catch (final RuntimeException ex)
        {
            problem = ex;
        }
        this.host = foundHost;
        this.settings = parsed;
        this.scheme = resolvedScheme;
        this.startupProblem = problem;
        this.directRoutes = new DirectRoutes(null != host && host.isDirectPathProvider(),
            system.provider().getClass().getName());
        final String versionProblem = null == host ? null : host.versionProblem();
        if (null != versionProblem)
        {
            log.warning(versionProblem);
        }
    }

    @Override
    public String schemeIdentifier()
    {
        return scheme;
    }

    /** Addresses of this transport: {@code shm} below classic's protocol layer, {@code pekko.shm} above it. */
    @Override
    public boolean isResponsibleFor(final Address address)
    {
        final String protocol = address.protocol();
        return scheme.equals(protocol) || protocol.endsWith("." + scheme);
    }

    /**
     * The largest payload classic remoting may hand us: the largest blob (or, with the blob store off, Aeron's
     * largest message for the term length, less the frame header), less {@link #CLASSIC_ENVELOPE_MARGIN}, because
     * classic checks the size of its PDU but then wraps it in its protocol envelope (a few bytes of protobuf) before it
     * writes.
     */
    @Override
    public int maximumPayloadBytes()
    {
        if (null == settings)
        {
            return 0;
        }
        final long largest = settings.blob().maxBytes() > 0 ? BlobPool.largestPayload(settings.blob().maxBytes()) :
            ShmSettings.maxMessageLength(settings.transport().termLength()) - FrameHeaderFlyweight.LENGTH;
        return (int)Math.min(Integer.MAX_VALUE - 8, largest - CLASSIC_ENVELOPE_MARGIN);
    }

    @Override
    public synchronized Future<Tuple2<Address, Promise<AssociationEventListener>>> listen()
    {
        if (null != startupProblem)
        {
            log.error("pekko.shm transport cannot start: {}", startupProblem.getMessage());
            return Future$.MODULE$.failed(startupProblem);
        }
        try
        {
            final Address address = start();
            return Future$.MODULE$.successful(new Tuple2<>(address, listenerPromise));
        }
        catch (final Exception ex)
        {
            log.error(ex, "pekko.shm transport failed to start: {}", ex.getMessage());
            stop();
            return Future$.MODULE$.failed(ex);
        }
    }

    private Address start() throws IOException
    {
        directory = new ShmDirectory(settings.transport().directory(), settings.driver().aeronDirectory());
        final NodeRegistry registry = new NodeRegistry(directory);
        final Address address;
        final String addressText;
        final byte[] secret;
        try (LockFile ignored = directory.lockStartup(settings.driver().startTimeout()))
        {
            connection = DriverConnection.open(settings, directory, "pekko-shm " + system.name(), aeronErrors());
            claim = registry.claim(settings.transport().port());
            secret = directory.secret();
            address = new Address(scheme, system.name(), settings.transport().hostname(), claim.port());
            addressText = "pekko." + scheme + "://" + system.name() + "@" + settings.transport().hostname() + ":" +
                claim.port();
            claim.describe(addressText);
            final Aeron aeron = connection.aeron();
            subscription = subscribe(aeron);
            counters = new TransportCounters(aeron, addressText);
            directRoutes.counters(counters);
        }

        final NodeIdentity self = new NodeIdentity(system.name(), settings.transport().hostname(), claim.port(),
            new SecureRandom().nextLong(), AddressUidExtension.get(system).longAddressUid(),
            ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis());
        if (settings.blob().maxBytes() > 0)
        {
            final long idleNs = settings.blob().idleRelease().toNanos();
            blobPool = new BlobPool(BlobPool.directoryOf(directory.blobsDirectory(), self.pid(), self.incarnation()),
                settings.blob().maxBytes(), idleNs, counters.blobBytes, counters.blobsReclaimed);
            blobReader = new BlobReader(directory.blobsDirectory(), idleNs);
        }
        final TransportHost.PeerExit termination =
            host.peerTermination(log, settings.transport().terminateOnPeerProcessExit());
        agent = new NodeAgentBuilder()
            .settings(settings, scheme)
            .driver(connection.aeron(), subscription, ownDriver(connection) ? 0 : connection.driverPid(),
                ownDriver(connection) ? null : this::reattach)
            .node(self, address, registry, new HandshakeProof(secret))
            .counters(counters, log)
            .blobs(blobPool, blobReader)
            .upperLayers(directRoutes, (peerAddress, peer) -> termination.onPeerProcessExit(
                new Address("pekko." + scheme, peerAddress.system(), peer.host(), peer.port()),
                peer.pekkoUid(), peer.pid()))
            .build();
        final NodeProxy proxy = agent.proxy();
        listenerPromise.future().onComplete(result ->
        {
            if (result.isSuccess())
            {
                final AssociationEventListener classic = result.get();
                proxy.listen(link -> classic.notify(new InboundAssociation(new ShmAssociationHandle(link))));
            }
            return BoxedUnit.UNIT;
        }, ExecutionContext.parasitic$.MODULE$);
        runner = new AgentRunner(IdleStrategies.forLevel(settings.transport().idleCpuLevel()), agentErrors(), null,
            agent);
        AgentRunner.startOnThread(runner, task ->
        {
            final Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        });

        exitHook = new Thread(this::stopOnJvmExit, "pekko-shm-exit-" + claim.port());
        Runtime.getRuntime().addShutdownHook(exitHook);

        final TransportCounters published = counters;
        final SharedBlobStore blobStore = null == blobPool ? null : new SharedBlobStore(system, settings, blobPool,
            blobReader.mappings(), directory.blobsDirectory(), self.pid(), self.incarnation());
        host.listening(new Address("pekko." + scheme, system.name(), settings.transport().hostname(), claim.port()),
            settings, published::snapshot, directRoutes, blobStore);
        log.info("pekko.shm node {} is listening (media driver pid {}{}, aeron directory {})",
            addressText, connection.driverPid(), connection.startedDriver() ? ", started by this node" : "",
            settings.driver().aeronDirectory());
        return address;
    }

    /** The node's stream: stream id = port; an image going away ends its association. */
    private Subscription subscribe(final Aeron aeron)
    {
        return aeron.addSubscription("aeron:ipc", claim.port(), image -> { },
            image ->
            {
                final NodeAgent current = agent;
                if (null != current)
                {
                    current.proxy().onImageUnavailable(image.sessionId());
                }
            });
    }

    /** Whether the driver runs in this JVM (embedded): it cannot die without the node, and is not re-attached. */
    private static boolean ownDriver(final DriverConnection connection)
    {
        return connection.driverPid() == ProcessLiveness.currentPid();
    }

    /**
     * On the agent's thread, after the node lost its driver: under the start-up lock, find or start a driver (auto)
     * or find one (external), connect, subscribe again and publish the counters in its CnC file.
     */
    private Reattacher.Attachment reattach() throws IOException
    {
        try (LockFile ignored = directory.lockStartup(settings.driver().startTimeout()))
        {
            final DriverConnection fresh = DriverConnection.open(settings, directory, "pekko-shm " + system.name(),
                aeronErrors());
            try
            {
                final Subscription freshSubscription = subscribe(fresh.aeron());
                counters.export(fresh.aeron());
                final DriverConnection old = connection;
                connection = fresh;
                subscription = freshSubscription;
                CloseHelper.quietClose(old);
                log.info("pekko.shm node {} attached to media driver pid {}{}", claim.port(), fresh.driverPid(),
                    fresh.startedDriver() ? ", started by this node" : "");
                return new Reattacher.Attachment(fresh.aeron(), freshSubscription, fresh.driverPid());
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietClose(fresh);
                throw ex;
            }
        }
    }

    @Override
    public Future<AssociationHandle> associate(final Address remoteAddress)
    {
        final NodeAgent current = agent;
        if (null == current)
        {
            return Future$.MODULE$.failed(new InvalidAssociationException(
                "The pekko-shm transport is not listening, cannot associate with " + remoteAddress, null));
        }
        final Promise<AssociationHandle> promise = Promise$.MODULE$.apply();
        final CompletableFuture<Link> link = new CompletableFuture<>();
        link.whenComplete((established, failure) ->
        {
            if (null != established)
            {
                promise.trySuccess(new ShmAssociationHandle(established));
            }
            else
            {
                final Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                promise.tryFailure(new InvalidAssociationException(cause.getMessage(), cause.getCause()));
            }
        });
        current.proxy().associate(remoteAddress, link);
        return promise.future();
    }

    @Override
    public synchronized Future<Object> shutdown()
    {
        stop();
        return Future$.MODULE$.successful(Boolean.TRUE);
    }

    private synchronized void stopOnJvmExit()
    {
        exitHook = null;
        stop();
    }

    /** Stops in reverse order of start; safe to call after a partial start and more than once. */
    private void stop()
    {
        if (null == settings)
        {
            return;
        }
        if (null != exitHook)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            }
            catch (final IllegalStateException ex)
            {
                // the JVM is already exiting: the hook runs (or ran) stop() itself
            }
            exitHook = null;
        }
        host.stopped();
        CloseHelper.quietClose(runner);
        runner = null;
        agent = null;
        CloseHelper.quietCloseAll(blobReader, blobPool, counters, subscription);
        blobReader = null;
        blobPool = null;
        counters = null;
        subscription = null;
        if (null == directory)
        {
            return;
        }
        try (LockFile ignored = directory.lockStartup(settings.driver().startTimeout()))
        {
            CloseHelper.closeAll(claim, connection);
            directory.removeIfUnused();
        }
        catch (final Exception ex)
        {
            log.warning("pekko.shm transport could not tidy {} on shutdown: {}", directory.root(), ex.getMessage());
            CloseHelper.quietCloseAll(claim, connection);
        }
        claim = null;
        connection = null;
        directory = null;
    }

    private ErrorHandler aeronErrors()
    {
        return ex ->
        {
            if (ex instanceof org.agrona.concurrent.AgentTerminationException)
            {
                log.debug("Aeron client of pekko.shm node ({}) terminated", settings.driver().aeronDirectory());
                return;
            }
            log.error(ex, "Aeron client error on pekko.shm node ({}): {}", settings.driver().aeronDirectory(),
                ex.getMessage());
        };
    }

    private ErrorHandler agentErrors()
    {
        return ex -> log.error(ex, "Error in the pekko.shm node agent (it keeps running): {}", ex.getMessage());
    }
}
