package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.TransportSettings;
import io.pekkoshm.remote.blob.BlobPool;
import io.pekkoshm.remote.blob.BlobReader;
import io.pekkoshm.remote.host.DoorbellIdleStrategy;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.log.ErrorLog;
import io.pekkoshm.remote.log.LoggingAdapterSink;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.apache.pekko.actor.Address;
import org.apache.pekko.event.LoggingAdapter;

import java.util.concurrent.TimeUnit;

/**
 * Makes a {@link NodeAgent} and its parts from the node's settings and what its start opened, in one place. Tests
 * replace the parts that reach outside the JVM (the process check, the clock) through the same builder.
 */
final class NodeAgentBuilder
{
    /**
     * The node's error log logs a distinct error in full once, then its repeats at most this often: while attaching
     * again fails (once a second), one line every 30 attempts or so.
     */
    private static final long ERROR_SUMMARY_INTERVAL_NS = TimeUnit.SECONDS.toNanos(30);
    /** How many distinct errors the node's error log keeps (rejected sessions, classic-only peers, re-attaching). */
    private static final int ERROR_LOG_CAPACITY = 256;

    private ShmSettings settings;
    private String scheme;
    private Aeron aeron;
    private Subscription subscription;
    private Subscription udpSubscription;
    private long driverPid;
    private Reattacher reattacher;
    private NodeIdentity self;
    private Address localAddress;
    private TransportCounters counters;
    private NodeRegistry registry;
    private LoggingAdapter log;
    private PeerLiveness.PeerExitListener peerExitListener;
    private PeerLiveness.ProcessCheck processCheck = PeerLiveness.hostProcesses();
    private NanoClock clock = SystemNanoClock.INSTANCE;
    private BlobPool blobPool;
    private BlobReader blobReader;
    private DirectRoutes directRoutes;
    private HandshakeProof proof;
    private Doorbells doorbells;
    private AgentTasks tasks = AgentTasks.NONE;

    NodeAgentBuilder settings(final ShmSettings settings, final String scheme)
    {
        this.settings = settings;
        this.scheme = scheme;
        return this;
    }

    /** The driver connection: its client, the node's subscription, the driver's pid (0: in this JVM). */
    NodeAgentBuilder driver(final Aeron aeron, final Subscription subscription, final long driverPid,
        final Reattacher reattacher)
    {
        this.aeron = aeron;
        this.subscription = subscription;
        this.driverPid = driverPid;
        this.reattacher = reattacher;
        return this;
    }

    NodeAgentBuilder node(final NodeIdentity self, final Address localAddress, final NodeRegistry registry,
        final HandshakeProof proof)
    {
        this.self = self;
        this.localAddress = localAddress;
        this.registry = registry;
        this.proof = proof;
        return this;
    }

    NodeAgentBuilder counters(final TransportCounters counters, final LoggingAdapter log)
    {
        this.counters = counters;
        this.log = log;
        return this;
    }

    /** The blob store's parts; both null when it is off. */
    NodeAgentBuilder blobs(final BlobPool blobPool, final BlobReader blobReader)
    {
        this.blobPool = blobPool;
        this.blobReader = blobReader;
        return this;
    }

    NodeAgentBuilder upperLayers(final DirectRoutes directRoutes, final PeerLiveness.PeerExitListener peerExitListener)
    {
        this.directRoutes = directRoutes;
        this.peerExitListener = peerExitListener;
        return this;
    }

    /** The host's doorbells as this node sees them: its peers' and its own (see {@link DoorbellIdleStrategy}). */
    NodeAgentBuilder doorbells(final Doorbells doorbells)
    {
        this.doorbells = doorbells;
        return this;
    }

    /** The tasks of the layer above that run in the agent's duty cycle (inline actors); none by default. */
    NodeAgentBuilder tasks(final AgentTasks tasks)
    {
        this.tasks = tasks;
        return this;
    }

    /** The node's UDP subscription, when it reaches nodes of other hosts ({@code cross-host.enabled}). */
    NodeAgentBuilder udp(final Subscription udpSubscription)
    {
        this.udpSubscription = udpSubscription;
        return this;
    }

    /** Replaces the check of the host's processes (tests). */
    NodeAgentBuilder processCheck(final PeerLiveness.ProcessCheck processCheck)
    {
        this.processCheck = processCheck;
        return this;
    }

    /** Replaces the agent's clock (tests). */
    NodeAgentBuilder clock(final NanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    NodeAgent build()
    {
        final TransportSettings transport = settings.transport();
        final long maxBlobLength = settings.blob().maxBytes() > 0 ?
            BlobPool.largestPayload(settings.blob().maxBytes()) : 0;
        final long handshakeTimeoutNs = transport.handshakeTimeout().toNanos();
        final long heartbeatIntervalNs = transport.heartbeatInterval().toNanos();
        final NodeProxy proxy = new NodeProxy();
        final Runnable wake = null == doorbells ? () -> { } : doorbells::wakeOwn;
        proxy.waker(wake);
        final ErrorLog errors = new ErrorLog(new LoggingAdapterSink(log), clock, ERROR_SUMMARY_INTERVAL_NS,
            ERROR_LOG_CAPACITY);
        final DriverAttachment driver = new DriverAttachment(aeron, subscription, udpSubscription, driverPid,
            reattacher, localAddress, settings.driver().aeronDirectory(), settings.driver().mode(), log, errors);
        final DirectRouteKeeper direct = new DirectRouteKeeper(directRoutes, scheme, errors);
        final Associations associations = new Associations(localAddress, counters, direct, blobReader, log);
        final Rejections rejections = new Rejections(counters, errors, localAddress);
        final Handshake handshake = new Handshake(scheme, self, localAddress, transport.directory(),
            transport.termLength(), settings.crossHost(), settings.crossHost().enabled() && maxBlobLength > 0,
            handshakeTimeoutNs, proof, registry, driver,
            publication -> outbox(publication, transport, maxBlobLength),
            associations, rejections, direct, proxy, directRoutes,
            new WriteFailures(counters, log, transport.termLength()), log);
        // bodies from nodes of other hosts come in pieces, up to the same bound as blobs on this host
        final long maxChunkedLength = settings.crossHost().enabled() ? maxBlobLength : 0;
        final LargeBodyWorkers largeBodies = null == blobReader && 0 == maxChunkedLength ? null :
            new LargeBodyWorkers(settings.blob().receiveThreads(), "pekko-shm-large-" + self.port(), counters,
                wake);
        final FrameRouter router = new FrameRouter(handshake, associations, rejections, direct, blobReader,
            largeBodies, counters, maxChunkedLength, log);
        final PeerLiveness liveness = new PeerLiveness(associations, processCheck, peerExitListener,
            heartbeatIntervalNs, transport.peerTimeout().toNanos(), handshakeTimeoutNs);
        return new NodeAgent("pekko-shm-node-" + self.port(), clock, proxy, driver, associations, rejections, handshake,
            new InboundFrames(associations, router), router, liveness, counters, blobPool, blobReader, largeBodies,
            errors, tasks, heartbeatIntervalNs, transport.fragmentLimit());
    }

    /**
     * An association's outbox. Over UDP (a node of another host) it has no blob store (no memory is shared with the
     * peer: a body too large for one frame travels in pieces, up to the same bound as a blob, to a peer whose
     * handshake says it takes them) and no doorbell (the peer's is on its host).
     */
    private Outbox outbox(final ExclusivePublication publication, final TransportSettings transport,
        final long maxBlobLength)
    {
        if (Medium.UDP == Outbox.mediumOf(publication))
        {
            return new Outbox(publication, transport.outboundBatchSize(), counters, null, 0, maxBlobLength);
        }
        final Outbox outbox = new Outbox(publication, transport.outboundBatchSize(), counters, blobPool,
            settings.blob().threshold(), maxBlobLength);
        if (null != doorbells)
        {
            outbox.doorbells(doorbells);
        }
        return outbox;
    }
}
