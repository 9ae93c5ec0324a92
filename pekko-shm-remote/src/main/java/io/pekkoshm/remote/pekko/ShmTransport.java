package io.pekkoshm.remote.pekko;

import com.typesafe.config.Config;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.driver.JvmFlags;
import io.pekkoshm.remote.inline.InlineTasks;
import io.pekkoshm.remote.pekko.internal.DirectPathProvider;
import io.pekkoshm.remote.pekko.internal.PekkoInternals;
import io.pekkoshm.remote.transport.ShmNode;
import io.pekkoshm.remote.transport.ShmNodeContext;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Dropped;
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

import java.time.Duration;
import java.util.concurrent.CompletionException;

/**
 * The pekko.shm transport: Pekko's classic remoting {@link Transport} SPI over a {@link ShmNode}.
 * <p>
 * Classic remoting creates it from {@code pekko.remote.shm} (listed in {@code pekko.remote.classic.enabled-transports})
 * and wraps it in its own protocol layer (handshake, heartbeats, system message delivery). This class parses and
 * checks the settings, starts the node in {@link #listen()} and publishes it ({@link ShmRemote}, the direct-path
 * provider), and translates between the node's futures and links and classic's; the node does the rest.
 */
@SuppressWarnings("deprecation")
public final class ShmTransport implements Transport
{
    /** Room left for classic remoting's protocol envelope around a PDU (tag and length varint: 6 bytes today). */
    public static final int CLASSIC_ENVELOPE_MARGIN = 32;

    private final ExtendedActorSystem system;
    private final ShmSettings settings;
    private final LoggingAdapter log;
    /** The scheme of this node's addresses below classic's prefix: "shm", or "tcp" for a cluster (see ShmSettings). */
    private final String scheme;
    /** A bad setting or environment found at construction, reported by listen(). */
    private final RuntimeException startupProblem;
    private final Promise<AssociationEventListener> listenerPromise = Promise$.MODULE$.apply();
    /**
     * The watchdog runs at least this often. It runs the client's conductor once the node's thread has not for half
     * the driver's client liveness timeout, so with a timeout of 4 s or more (20 s by default) the client is kept
     * alive however long an inline actor holds that thread.
     */
    private static final Duration MAX_WATCHDOG_PERIOD = Duration.ofSeconds(1);
    private volatile ShmNode node;
    /**
     * The watchdog of the node's thread (inline actors stuck on it; the Aeron client it runs); null while the node
     * does not run.
     */
    private Cancellable watchdog;

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
        ShmSettings parsed = null;
        String resolvedScheme = "shm";
        RuntimeException problem = null;
        try
        {
            parsed = ShmSettings.fromConfig(config);
            final boolean cluster = PeerTermination.isClusterProvider(system);
            resolvedScheme = parsed.transport().resolveScheme(cluster);
            if (cluster && system.settings().config().hasPath("pekko.cluster.seed-nodes"))
            {
                parsed.transport().checkSeedNodes(system.settings().config().getStringList("pekko.cluster.seed-nodes"),
                    resolvedScheme, system.name());
            }
            if (!JvmFlags.requiredPresent())
            {
                throw new IllegalStateException(JvmFlags.missingMessage("pekko-shm-remote"));
            }
        }
        catch (final RuntimeException ex)
        {
            problem = ex;
        }
        this.settings = parsed;
        this.scheme = resolvedScheme;
        this.startupProblem = problem;
        final String versionProblem = PekkoInternals.checkVersion();
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
     * The largest payload classic remoting may hand us: the node's largest ({@link ShmNode#maximumPayload}) less
     * {@link #CLASSIC_ENVELOPE_MARGIN}, because classic checks the size of its PDU but then wraps it in its protocol
     * envelope (a few bytes of protobuf) before it writes.
     */
    @Override
    public int maximumPayloadBytes()
    {
        if (null == settings)
        {
            return 0;
        }
        return (int)Math.min(Integer.MAX_VALUE - 8, ShmNode.maximumPayload(settings) - CLASSIC_ENVELOPE_MARGIN);
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
            final boolean direct = system.provider() instanceof DirectPathProvider;
            final PeerTermination termination = new PeerTermination(system, log,
                settings.transport().terminateOnPeerProcessExit());
            final InlineTasks inline = InlineTasks.forSystem(system);
            inline.rules(settings.inline());
            final ShmNode started = ShmNode.start(new ShmNodeContext()
                .settings(settings)
                .scheme(scheme)
                .system(system.name(), AddressUidExtension.get(system).longAddressUid())
                .directPath(direct, system.provider().getClass().getName())
                .log(log)
                .peerExit(termination::onPeerProcessExit)
                .blobDrops((what, why) -> system.eventStream().publish(
                    new Dropped(what, why, ActorRef.noSender(), system.deadLetters())))
                .tasks(inline));
            node = started;
            // reports an inline actor stuck on the node's thread, and meanwhile runs the Aeron client's conductor,
            // which that thread runs on one host, so the driver keeps the node's client. Both are short and never
            // block, so they run on the scheduler's own thread: a task on a dispatcher would wake one of its idle
            // threads twice a second on every idle node (see docs/performance.md, idle at rest by kind of thread)
            final Duration halfStuck = settings.inline().taskStuck().dividedBy(2);
            final Duration watchdogPeriod =
                halfStuck.compareTo(MAX_WATCHDOG_PERIOD) < 0 ? halfStuck : MAX_WATCHDOG_PERIOD;
            watchdog = system.scheduler().scheduleWithFixedDelay(watchdogPeriod, watchdogPeriod, () ->
            {
                inline.checkStuck(System.nanoTime());
                started.keepClientAlive();
            }, ExecutionContext.parasitic$.MODULE$);
            listenerPromise.future().onComplete(result ->
            {
                if (result.isSuccess())
                {
                    final AssociationEventListener classic = result.get();
                    started.listen(link -> classic.notify(new InboundAssociation(new ShmAssociationHandle(link))));
                }
                return BoxedUnit.UNIT;
            }, ExecutionContext.parasitic$.MODULE$);
            final Address address = started.address();
            ShmRemote.get(system).register(new Address("pekko." + scheme, address.system(),
                settings.transport().hostname(), started.port()), started.counters(), started.associations(),
                started::attachedToLiveDriver, started.directRoutes(), started.blobStore());
            if (direct)
            {
                ((DirectPathProvider)system.provider()).directRefs().transportListening(settings,
                    started.directRoutes());
            }
            return Future$.MODULE$.successful(new Tuple2<>(address, listenerPromise));
        }
        catch (final Exception ex)
        {
            log.error(ex, "pekko.shm transport failed to start: {}", ex.getMessage());
            stop();
            return Future$.MODULE$.failed(ex);
        }
    }

    @Override
    public Future<AssociationHandle> associate(final Address remoteAddress)
    {
        final ShmNode current = node;
        if (null == current)
        {
            return Future$.MODULE$.failed(new InvalidAssociationException(
                "The pekko-shm transport is not listening, cannot associate with " + remoteAddress, null));
        }
        final Promise<AssociationHandle> promise = Promise$.MODULE$.apply();
        current.associate(remoteAddress).whenComplete((established, failure) ->
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
        return promise.future();
    }

    @Override
    public synchronized Future<Object> shutdown()
    {
        stop();
        return Future$.MODULE$.successful(Boolean.TRUE);
    }

    /** Unpublishes the node (its zero-copy blobs are released) and closes it; safe more than once. */
    private void stop()
    {
        if (null == settings)
        {
            return;
        }
        ShmRemote.get(system).unregister();
        if (null != watchdog)
        {
            watchdog.cancel();
            watchdog = null;
        }
        final ShmNode current = node;
        node = null;
        if (null != current)
        {
            current.close();
        }
    }
}
