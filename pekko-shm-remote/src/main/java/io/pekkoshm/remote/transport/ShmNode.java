package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.pekkoshm.remote.CrossHostSettings;
import io.pekkoshm.remote.IdleStrategies;
import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.ShmConfigurationException;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.blob.BlobPool;
import io.pekkoshm.remote.blob.BlobReader;
import io.pekkoshm.remote.blob.SharedBlobStore;
import io.pekkoshm.remote.driver.DriverConnection;
import io.pekkoshm.remote.host.Doorbell;
import io.pekkoshm.remote.host.DoorbellIdleStrategy;
import io.pekkoshm.remote.host.LockFile;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.host.ShmDirectory;
import io.pekkoshm.remote.host.SocketBufferLimits;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.apache.pekko.actor.Address;
import org.apache.pekko.event.LoggingAdapter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One running node: what it takes to listen on the host's media driver and what it takes to stop, with no classic
 * remoting type in sight (the Pekko seam's {@code ShmTransport}, classic's adapter, translates).
 * <p>
 * {@link #start(ShmNodeContext)}, under the shared directory's start-up lock: find or start the media driver, connect,
 * claim the port, subscribe to the node's stream (the claim's stream id: the port and a generation), publish its
 * counters; then the blob store, the {@link NodeAgent} on its own thread, and a JVM-exit hook. {@link #close()}
 * undoes it in reverse order. The work is done by the agent and, for writes, on the caller's thread by each
 * association's {@link Outbox}.
 * <p>
 * Threading: {@link #start} and {@link #close} on any thread (close also runs from the JVM-exit hook); the accessors,
 * {@link #associate} and {@link #listen} on any thread.
 */
public final class ShmNode implements AutoCloseable
{
    /** What the node does when the process of a peer has exited; called on the node agent's thread. */
    @FunctionalInterface
    public interface PeerExit
    {
        /**
         * @param address  the peer's full address (protocol {@code pekko.<scheme>}).
         * @param pekkoUid the peer system's uid, as its handshake said.
         * @param pid      the peer's pid, for the log.
         */
        void onPeerProcessExit(Address address, long pekkoUid, long pid);
    }

    private final ShmSettings settings;
    private final String scheme;
    private final String systemName;
    private final LoggingAdapter log;
    /** Where the direct path (when the actor system runs a direct-path provider) finds this node's associations. */
    private final DirectRoutes directRoutes;

    private ShmDirectory directory;
    private volatile DriverConnection connection;
    private NodeRegistry.Claim claim;
    private volatile Subscription subscription;
    /** The node's UDP endpoint for nodes of other hosts; null unless cross-host.enabled. */
    private volatile Subscription udpSubscription;
    private TransportCounters counters;
    private BlobPool blobPool;
    private BlobReader blobReader;
    private SharedBlobStore blobStore;
    private volatile NodeAgent agent;
    /** This node's doorbell, and the strategy that sleeps on it; both null with idle-sleep-after = off. */
    private Doorbell doorbell;
    private DoorbellIdleStrategy sleeper;
    private volatile Doorbells doorbells;
    private AgentRunner runner;
    /** Releases the node's files if the JVM exits without closing the node (System.exit, SIGTERM). */
    private Thread exitHook;
    private Address address;
    private String addressText;
    private int port;

    private ShmNode(final ShmNodeContext context)
    {
        this.settings = context.settings;
        this.scheme = context.scheme;
        this.systemName = context.systemName;
        this.log = context.log;
        this.directRoutes = new DirectRoutes(context.acceptsDirect, context.directProvider);
    }

    /**
     * Starts a node. On failure it releases what it already took, as {@link #close()} does, and throws.
     *
     * @param context what the node is started with; concluded here.
     * @return the listening node; peers' handshakes are read once {@link #listen} is called.
     * @throws IOException if the shared directory, the start-up lock or a file of the node cannot be had.
     */
    public static ShmNode start(final ShmNodeContext context) throws IOException
    {
        final ShmNode node = new ShmNode(context.conclude());
        try
        {
            node.open(context);
            return node;
        }
        catch (final Throwable ex)
        {
            node.close();
            throw ex;
        }
    }

    private synchronized void open(final ShmNodeContext context) throws IOException
    {
        directory = new ShmDirectory(settings.transport().directory(), settings.driver().aeronDirectory());
        final NodeRegistry registry = new NodeRegistry(directory);
        final byte[] secret;
        final long incarnation = new SecureRandom().nextLong();
        // Held only for what other processes must see in one piece: which driver serves the directory (and that it
        // has this client, so it does not exit: the driver counts a client from its first command, the subscription),
        // which port is this node's, the directory's secret. JVMs starting at once queue here, so the rest (driver
        // round trips for the UDP subscription and the counters) comes after.
        try (LockFile ignored = directory.lockStartup(settings.driver().startTimeout()))
        {
            connection = DriverConnection.open(settings, directory, "pekko-shm " + systemName, aeronErrors());
            claim = registry.claim(settings.transport().port(), incarnation);
            port = claim.port();
            subscription = subscribe(connection.aeron());
            secret = null == settings.crossHost().secretFile() ? directory.secret() :
                clusterSecret(settings.crossHost().secretFile());
            if (sleeps(settings))
            {
                // Made while the port is this node's and no sweep runs: the doorbell's file is named by the port.
                doorbell = Doorbell.open(directory.nodesDirectory(), claim.port(), ProcessLiveness.currentPid(),
                    ProcessLiveness.currentStartMillis());
            }
        }
        address = new Address(scheme, systemName, settings.transport().hostname(), claim.port());
        addressText = "pekko." + scheme + "://" + systemName + "@" + settings.transport().hostname() + ":" +
            claim.port();
        final Aeron aeron = connection.aeron();
        udpSubscription = subscribeUdp(aeron);
        claim.describe(addressText);
        counters = new TransportCounters(aeron, addressText, context.tasks);
        directRoutes.counters(counters);
        doorbells = new Doorbells(directory.nodesDirectory(), doorbell, counters, this::ringDriver);
        context.tasks.waker(doorbells::wakeOwn);

        final NodeIdentity self = new NodeIdentity(systemName, settings.transport().hostname(), claim.port(),
            incarnation, context.pekkoUid, ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartMillis());
        if (settings.blob().maxBytes() > 0)
        {
            final long idleNs = settings.blob().idleRelease().toNanos();
            blobPool = new BlobPool(BlobPool.directoryOf(directory.blobsDirectory(), self.pid(), self.incarnation()),
                settings.blob().maxBytes(), idleNs, counters.blobBytes, counters.blobsReclaimed);
            blobReader = new BlobReader(directory.blobsDirectory(), idleNs);
        }
        final PeerExit peerExit = context.peerExit;
        final boolean ownDriver = ownDriver(connection);
        agent = new NodeAgentBuilder()
            .settings(settings, scheme)
            .driver(connection.aeron(), subscription, ownDriver ? 0 : connection.driverPid(),
                ownDriver ? null : this::reattach)
            .udp(udpSubscription)
            .node(self, address, registry, new HandshakeProof(secret))
            .counters(counters, log)
            .blobs(blobPool, blobReader)
            .tasks(context.tasks)
            .upperLayers(directRoutes, (peerAddress, peer) -> peerExit.onPeerProcessExit(
                new Address("pekko." + scheme, peerAddress.system(), peer.host(), peer.port()),
                peer.pekkoUid(), peer.pid()))
            .doorbells(doorbells)
            .build();
        runner = new AgentRunner(idleStrategy(), agentErrors(), null, agent);
        AgentRunner.startOnThread(runner, task ->
        {
            final Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        });

        exitHook = new Thread(this::closeOnJvmExit, "pekko-shm-exit-" + claim.port());
        Runtime.getRuntime().addShutdownHook(exitHook);

        if (null != blobPool)
        {
            blobStore = new SharedBlobStore(log, context.blobDrops, settings, blobPool, blobReader.mappings(),
                directory.blobsDirectory(), self.pid(), self.incarnation());
        }
        final String udp = null == udpSubscription ? "" :
            "; nodes of other hosts reach it over UDP at " + udpSubscription.channel();
        log.info("pekko.shm node {} is listening (media driver pid {}{}, aeron directory {}{})",
            new Object[] {addressText, connection.driverPid(),
                connection.startedDriver() ? ", started by this node" : "", settings.driver().aeronDirectory(), udp});
    }

    /** Whether the node's poller sleeps on its doorbell when idle: idle-sleep-after on, and not busy-spinning. */
    private static boolean sleeps(final ShmSettings settings)
    {
        return null != settings.transport().idleSleepAfter() && settings.transport().idleCpuLevel() < 10;
    }

    private IdleStrategy idleStrategy()
    {
        final IdleStrategy backOff = IdleStrategies.forLevel(settings.transport().idleCpuLevel());
        if (null == doorbell)
        {
            return backOff;
        }
        sleeper = new DoorbellIdleStrategy(backOff, doorbell, SystemNanoClock.INSTANCE,
            settings.transport().idleSleepAfter().toNanos(), agent, counters.idleSleeps);
        return sleeper;
    }

    /**
     * The largest payload a node with these settings carries in one write: the largest blob or, with the blob store
     * off, Aeron's largest message for the term length less the frame header.
     *
     * @param settings a node's settings.
     * @return the largest payload, in bytes.
     */
    public static long maximumPayload(final ShmSettings settings)
    {
        return settings.blob().maxBytes() > 0 ? BlobPool.largestPayload(settings.blob().maxBytes()) :
            ShmSettings.maxMessageLength(settings.transport().termLength()) - FrameHeaderFlyweight.LENGTH;
    }

    /** @return the largest payload this node carries in one write, in bytes (see {@link #maximumPayload}). */
    public long maximumPayload()
    {
        return maximumPayload(settings);
    }

    /** @return the node's address with its scheme (no "pekko." prefix), as its links' local address. */
    public Address address()
    {
        return address;
    }

    /** @return the node's address with classic's protocol prefix, as text: {@code pekko.shm://name@host:port}. */
    public String addressText()
    {
        return addressText;
    }

    /** @return the port the node claimed (its stream id over UDP). */
    public int port()
    {
        return port;
    }

    /** @return the node's IPC stream id: its port, and a generation that is not its predecessor's on the port. */
    public int streamId()
    {
        return claim.streamId();
    }

    /**
     * @return where the node's counters are read while it runs.
     * @throws IllegalStateException if the node is closed.
     */
    public synchronized Supplier<ShmCountersSnapshot> counters()
    {
        final TransportCounters published = counters;
        if (null == published)
        {
            throw new IllegalStateException("The pekko.shm node " + addressText + " is closed");
        }
        return published::snapshot;
    }

    /**
     * Keeps the node's Aeron client alive while the node's thread is held up (an inline actor that blocks it): on one
     * host that thread runs the client's conductor, and a driver drops a client it has not heard from for its client
     * liveness timeout. Call every second or so from any thread (the transport's watchdog does); it does nothing
     * while the node's thread runs.
     *
     * @return true if it ran the client's conductor on this thread.
     */
    public boolean keepClientAlive()
    {
        final NodeAgent current = agent;
        return null != current && current.keepClientAlive(System.nanoTime());
    }

    /**
     * Whether the node is listening on a live media driver: started and not closed, attached to its driver (not
     * detached after losing it), and the driver's process, when it runs outside this JVM, alive now. Any thread; what
     * health checks read.
     *
     * @return true while the node can send and receive.
     */
    public boolean attachedToLiveDriver()
    {
        final NodeAgent current = agent;
        return null != current && current.attachedToLiveDriver();
    }

    /**
     * @return where what each open association has sent is read while the node runs (see
     * {@link ShmAssociationSnapshot}).
     * @throws IllegalStateException if the node is closed.
     */
    public synchronized Supplier<List<ShmAssociationSnapshot>> associations()
    {
        final TransportCounters published = counters;
        if (null == published)
        {
            throw new IllegalStateException("The pekko.shm node " + addressText + " is closed");
        }
        return published::associations;
    }

    /** @return the node's associations as the direct path sees them. */
    public DirectRoutes directRoutes()
    {
        return directRoutes;
    }

    /** {@return the host's doorbells as this node sees them (tests); null once closed} */
    Doorbells doorbells()
    {
        return doorbells;
    }

    /** @return the node's zero-copy blob store; null when the blob store is off ({@code blob.max-bytes = 0}). */
    public SharedBlobStore blobStore()
    {
        return blobStore;
    }

    /**
     * Opens an association to a peer, on the node agent's thread.
     *
     * @param remoteAddress the peer's address.
     * @return completed with the association's link, or exceptionally with why it could not be made (an
     * {@link AssociationException} once the node is closed).
     */
    public CompletableFuture<Link> associate(final Address remoteAddress)
    {
        final NodeAgent current = agent;
        if (null == current)
        {
            return CompletableFuture.failedFuture(new AssociationException(
                "The pekko-shm transport is not listening, cannot associate with " + remoteAddress));
        }
        final CompletableFuture<Link> link = new CompletableFuture<>();
        current.proxy().associate(remoteAddress, link);
        return link;
    }

    /**
     * The layer above is ready: from now on peers' handshakes are read and it is told of each inbound link. Once.
     * Does nothing once the node is closed.
     *
     * @param listener told of each association a peer established, on the node agent's thread.
     */
    public void listen(final NodeListener listener)
    {
        final NodeAgent current = agent;
        if (null != current)
        {
            current.proxy().listen(listener);
        }
    }

    /**
     * The node's IPC stream ({@link NodeRegistry.Claim#streamId()}); an image going away ends its association. A
     * new image wakes the agent if it sleeps: a peer's HELLO may have rung it before the image was added to the
     * subscription, and that ring found nothing to read.
     */
    private Subscription subscribe(final Aeron aeron)
    {
        return addSubscription(aeron, "aeron:ipc", Medium.IPC);
    }

    /**
     * A subscription to this node's stream on {@code channel}: a new image wakes the agent, an image going away ends
     * its association, named by its session key on that medium.
     */
    private Subscription addSubscription(final Aeron aeron, final String channel, final Medium medium)
    {
        return aeron.addSubscription(channel, Medium.IPC == medium ? claim.streamId() : claim.port(),
            image ->
            {
                final Doorbells bells = doorbells;
                if (null != bells)
                {
                    bells.wakeOwn();
                }
            },
            image ->
            {
                final NodeAgent current = agent;
                if (null != current)
                {
                    current.proxy().onImageUnavailable(medium.sessionKey(image.sessionId()));
                }
            });
    }

    /**
     * The node's UDP endpoint for nodes of other hosts, at the host and port of its address, when cross-host is on.
     * A new image wakes the agent if it sleeps (nothing else would: a peer of another host has no doorbell of this
     * node); its images ending end their associations, as on IPC. Its receive buffer and window come from
     * {@code cross-host.socket-buffer}, the window cut to what the kernel grants (with a warning saying which sysctl
     * to raise).
     */
    private Subscription subscribeUdp(final Aeron aeron)
    {
        final CrossHostSettings crossHost = settings.crossHost();
        if (!crossHost.enabled())
        {
            return null;
        }
        final SocketBufferLimits limits = SocketBufferLimits.ofThisHost();
        final String shortfall =
            limits.shortfall(crossHost.socketBuffer(), ShmSettings.ROOT + ".cross-host.socket-buffer");
        if (null != shortfall)
        {
            log.warning("pekko.shm node {}: {}", claim.port(), shortfall);
        }
        final String channel = "aeron:udp?endpoint=" + settings.transport().hostname() + ":" + claim.port() +
            crossHost.subscriptionParameters(limits.receive());
        try
        {
            // a node of another host rings no doorbell: the new image's wake-up is what its HELLO must not wait without
            return addSubscription(aeron, channel, Medium.UDP);
        }
        catch (final RuntimeException ex)
        {
            throw new ShmConfigurationException(ShmSettings.ROOT + ".hostname", settings.transport().hostname(),
                "with cross-host.enabled = on the node listens on UDP at " + settings.transport().hostname() + ":" +
                claim.port() + " (its address's host and port), and the media driver could not bind it: " +
                ex.getMessage() + ". Use a host name or IP of an interface of this host, and a port free for UDP " +
                "there", ex);
        }
    }

    /**
     * The cluster's secret ({@code cross-host.secret-file}): its bytes key every handshake's proof. Refused when it
     * cannot be read or is shorter than {@link CrossHostSettings#MIN_SECRET_BYTES}; a file others can read is
     * logged as a warning.
     */
    private byte[] clusterSecret(final Path file)
    {
        final String key = ShmSettings.ROOT + ".cross-host.secret-file";
        final byte[] secret;
        try
        {
            secret = Files.readAllBytes(file);
        }
        catch (final IOException | SecurityException ex)
        {
            throw new ShmConfigurationException(key, file, "cannot be read (" + ex + "): every node of the " +
                "cluster proves its handshakes with this file's bytes", ex);
        }
        if (secret.length < CrossHostSettings.MIN_SECRET_BYTES)
        {
            throw new ShmConfigurationException(key, file, "holds " + secret.length + " bytes, at least " +
                CrossHostSettings.MIN_SECRET_BYTES + " are needed (for example: head -c 32 /dev/urandom > " + file +
                ")");
        }
        try
        {
            final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) ||
                permissions.contains(PosixFilePermission.OTHERS_READ))
            {
                log.warning("{} = {} can be read by other OS users (permissions {}): any process that reads it can " +
                    "join this cluster's nodes. chmod 600 it.", key, file, permissions);
            }
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            // not a POSIX file system: nothing to check
        }
        return secret;
    }

    /** Rings the media driver the node is attached to now (a publication was back-pressured). Any thread. */
    private void ringDriver()
    {
        final DriverConnection attached = connection;
        if (null != attached)
        {
            attached.ringDriver();
        }
    }

    /** Whether the driver runs in this JVM (embedded): it cannot die without the node, and is not re-attached. */
    private static boolean ownDriver(final DriverConnection connection)
    {
        return connection.driverPid() == ProcessLiveness.currentPid();
    }

    /**
     * On the agent's thread, after the node lost its driver: under the start-up lock, find or start a driver (auto)
     * or find one (external) and connect; then subscribe again and publish the counters in its CnC file.
     */
    private Reattacher.Attachment reattach() throws IOException
    {
        final DriverConnection fresh;
        final Subscription freshSubscription;
        // The lock only while finding or starting the driver, connecting and making the first command (as in open:
        // the driver counts this client from it, so an idle driver cannot exit in between): nodes re-attaching at
        // once after a driver died queue here.
        try (LockFile ignored = directory.lockStartup(settings.driver().startTimeout()))
        {
            fresh = DriverConnection.open(settings, directory, "pekko-shm " + systemName, aeronErrors());
            try
            {
                freshSubscription = subscribe(fresh.aeron());
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietClose(fresh);
                throw ex;
            }
        }
        try
        {
            final Subscription freshUdp = subscribeUdp(fresh.aeron());
            counters.export(fresh.aeron());
            final DriverConnection old = connection;
            connection = fresh;
            subscription = freshSubscription;
            udpSubscription = freshUdp;
            CloseHelper.quietClose(old);
            log.info("pekko.shm node {} attached to media driver pid {}{}", claim.port(), fresh.driverPid(),
                fresh.startedDriver() ? ", started by this node" : "");
            return new Reattacher.Attachment(fresh.aeron(), freshSubscription, fresh.driverPid(), freshUdp);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(fresh);
            throw ex;
        }
    }

    private synchronized void closeOnJvmExit()
    {
        exitHook = null;
        close();
    }

    /**
     * Stops in reverse order of start: the zero-copy blobs it still holds are released, the agent stops, its files
     * and port claim go, and the shared directory too when no other node uses it. Safe after a partial start, more
     * than once, and from the JVM-exit hook.
     */
    @Override
    public synchronized void close()
    {
        if (null != exitHook)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            }
            catch (final IllegalStateException ex)
            {
                // the JVM is already exiting: the hook runs (or ran) close() itself
            }
            exitHook = null;
        }
        CloseHelper.quietClose(blobStore);
        blobStore = null;
        if (null != sleeper)
        {
            sleeper.close(); // the agent must not block while its runner waits for it to stop
        }
        CloseHelper.quietClose(runner);
        runner = null;
        agent = null;
        CloseHelper.quietCloseAll(doorbells, doorbell, blobReader, blobPool, counters, udpSubscription, subscription);
        sleeper = null;
        doorbells = null;
        doorbell = null;
        blobReader = null;
        blobPool = null;
        counters = null;
        subscription = null;
        udpSubscription = null;
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
            if (ex instanceof AgentTerminationException)
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
