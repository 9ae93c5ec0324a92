package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.log.ErrorLog;
import io.pekkoshm.remote.log.LoggingAdapterSink;
import io.pekkoshm.remote.transport.DirectInbound;
import io.pekkoshm.remote.transport.DirectRoutes;
import io.pekkoshm.remote.transport.DirectSession;
import org.agrona.concurrent.SystemNanoClock;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The direct path of one actor system: ordinary messages to remote actors are serialized on the sending thread and
 * written straight into the association's log buffer ({@link DirectLink}, {@link OutboundEncoder}); on the receiving
 * node the transport's poller decodes them and puts them into the recipient's mailbox ({@link InboundSession},
 * {@link InboundDeserializer}). Classic remoting stays the control plane: association life cycle, system messages
 * (watch, death notifications, remote deployment), quarantine; both kinds of traffic share the association's one
 * ordered stream.
 * <p>
 * This class is the wiring and the entry points; each job is a class of its own, which states the threads it runs on:
 * <pre>
 *   DirectLink           per peer node: direct, classic or held, so that Pekko's order holds   sending threads
 *   OutboundEncoder      serializes a message into a route (the association's log)              sending threads
 *   Barriers             the ordering barriers and their timeouts                              senders, actor
 *   CongestionFlush      flushes the links that hold messages for a full log                    senders, actor
 *   BarrierActor         /system/pekko-shm-direct: barrier answers, timeouts, flushes          the actor
 *   InboundSession       decodes and delivers one association's DIRECT frames                  node agent
 *   InboundDeserializer  the serializers by id                                                 node agent
 *   Drops                counts, publishes and reports what cannot be delivered                any thread
 * </pre>
 * Started by the plugin's actor-ref providers once the transport listens; remote refs they hand out send through
 * {@link #send}.
 */
public final class DirectPath implements DirectInbound
{
    /** The name of each node's direct-path actor under /system: it answers the ordering barriers. */
    public static final String ACTOR_NAME = "pekko-shm-direct";

    /** A distinct error is logged in full once, then its repeats at most this often. */
    private static final long ERROR_SUMMARY_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    /** How many distinct errors the error log keeps (kinds of drops times the peers and classes they concern). */
    private static final int ERROR_LOG_CAPACITY = 256;

    private final ShmSettings settings;
    private final DirectRoutes routes;
    private final PekkoBridge bridge;
    private final LoggingAdapter log;
    private final ErrorLog errors;
    private final Drops drops;
    private final OutboundEncoder encoder;
    private final InboundDeserializer deserializer;
    private final Serialization serialization;
    private final ActorRef barrierActor;
    private final Barriers barriers;
    private final CongestionFlush congestion;
    private final ConcurrentHashMap<Address, DirectLink> links = new ConcurrentHashMap<>();

    private DirectPath(final ExtendedActorSystem system, final ShmSettings settings, final DirectRoutes routes,
        final PekkoBridge bridge)
    {
        this.settings = settings;
        this.routes = routes;
        this.bridge = bridge;
        this.log = Logging.getLogger(system, DirectPath.class);
        this.errors = new ErrorLog(new LoggingAdapterSink(log), SystemNanoClock.INSTANCE, ERROR_SUMMARY_INTERVAL_NS,
            ERROR_LOG_CAPACITY);
        this.drops = new Drops(routes::countDropped, routes::countDroppedOnRoute, system.eventStream()::publish,
            errors);
        final Serialization serialization = SerializationExtension.get(system);
        this.encoder = new OutboundEncoder(system.deadLetters(), serialization, bridge, drops);
        this.deserializer = new InboundDeserializer(serialization);
        this.serialization = serialization;
        // The actor reaches the parts below only through messages they cause, so only after they are set.
        this.barrierActor = system.systemActorOf(Props.create(BarrierActor.class, () -> new BarrierActor(this)),
            ACTOR_NAME);
        this.barriers = new Barriers(system, bridge, barrierActor, settings.direct().barrierTimeout(), log);
        this.congestion = new CongestionFlush(system.scheduler(), system.dispatcher(), barrierActor);
    }

    /**
     * Starts the direct path (its barrier actor under /system) and installs its receiving side in the transport.
     * Called once per actor system, by the provider, after the transport listens.
     *
     * @param system   the actor system.
     * @param settings the plugin's settings ({@code direct.*} are used here).
     * @param routes   the transport's routes: where sends go, and where the receiving side is installed.
     * @param bridge   what the direct path needs of Pekko's internals.
     * @return the running direct path.
     */
    public static DirectPath start(final ExtendedActorSystem system, final ShmSettings settings,
        final DirectRoutes routes, final PekkoBridge bridge)
    {
        final DirectPath path = new DirectPath(system, settings, routes, bridge);
        routes.inbound(path);
        routes.roomListener(path.congestion::roomMade);
        return path;
    }

    /**
     * Sends an ordinary message to a remote actor: the direct way when the link to its node allows, else the classic
     * way (through {@link DirectRef#sendClassic}), keeping Pekko's order either way. Any thread; serializes on the
     * caller's thread and never blocks: while the peer's log is full, messages are held in order (up to
     * {@code direct.pending-limit}); beyond that they are dropped (counted, published as {@code Dropped}).
     *
     * @param ref      the recipient.
     * @param message  the message (not a system message).
     * @param sender   the sender, or null (or deadLetters) for none.
     * @param priority a heartbeat (Pekko's {@code PriorityMessage}, alone or in a selection): never held behind
     *                 other messages.
     */
    public void send(final DirectRef ref, final Object message, final ActorRef sender, final boolean priority)
    {
        while (!link(ref).send(ref, message, sender, priority))
        {
            ref.cacheLink(null); // its link was retired: look its node's link up again
        }
    }

    /**
     * Sends a system message (watch, death notification, supervision) to a remote actor: always the classic way,
     * behind every ordinary message sent to its node before it.
     *
     * @param ref         the recipient.
     * @param classicSend sends it classic (Pekko's remote ref's own {@code sendSystemMessage}).
     */
    public void sendSystem(final DirectRef ref, final Runnable classicSend)
    {
        while (!link(ref).sendSystem(classicSend))
        {
            ref.cacheLink(null);
        }
    }

    private DirectLink link(final DirectRef ref)
    {
        DirectLink link = ref.cachedLink();
        if (null == link)
        {
            link = links.computeIfAbsent(ref.actorRef().path().address(), address -> new DirectLink(this, address));
            ref.cacheLink(link);
        }
        return link;
    }

    @Override
    public void routeEnded(final Address remoteAddress)
    {
        barrierActor.tell(new BarrierActor.RouteEnded(remoteAddress), ActorRef.noSender());
    }

    /**
     * On the direct-path actor, after a node's route ended: its link is retired if it is idle (nothing held, no
     * route), so links do not pile up for nodes that are gone. Refs to it look a new one up when they send again.
     */
    void onRouteEnded(final Address address)
    {
        links.computeIfPresent(address, (key, link) -> link.retireIfIdle() ? null : link);
    }

    /**
     * {@return whether messages to the node at {@code address} go direct now (diagnostics and tests; the link may
     * change state at once)}
     */
    boolean isDirectTo(final Address address)
    {
        final DirectLink link = links.get(address);
        return null != link && link.isDirect();
    }

    /**
     * The messages the direct path holds now, per peer node it sends to: while an ordering barrier is out, or while
     * the peer's log is full (bounded by {@code direct.pending-limit} per peer). Any thread; each link is read under
     * its monitor, which only its non-direct states take.
     *
     * @return held messages by peer address ({@code pekko.shm://system@host:port}), one entry per link.
     */
    public Map<String, Integer> heldByPeer()
    {
        final TreeMap<String, Integer> held = new TreeMap<>();
        links.forEach((address, link) -> held.merge(address.toString(), link.heldCount(), Integer::sum));
        return held;
    }

    /**
     * The direct path's drops per peer node since it started, whatever association was open (each also counted in
     * the node's 'messages dropped'): messages to the peer it could not send (too large, no blob block,
     * unserializable, over {@code direct.pending-limit}), messages from it that could not be deserialized, frames of
     * a quarantined incarnation of it. Any thread.
     *
     * @return drops by peer address ({@code pekko.shm://system@host:port}), one entry per peer that had one.
     */
    public Map<String, Long> droppedByPeer()
    {
        return drops.byPeer();
    }

    /** {@return how many links the direct path keeps (one per node it sends to, until that node's association ends)} */
    public int linkCount()
    {
        return links.size();
    }

    @Override
    public DirectSession open(final Address remoteAddress, final long remoteUid)
    {
        return new InboundSession(this, remoteAddress, remoteUid, settings.direct().compressionTableSize());
    }

    /** How many messages the direct path has dropped (each also counted in the node's 'messages dropped'). */
    long drops()
    {
        return drops.count();
    }

    // -------------------------------------------------------------------------------------------------------------
    // The parts, for links, sessions and the direct-path actor.
    // -------------------------------------------------------------------------------------------------------------

    DirectRoutes routes()
    {
        return routes;
    }

    PekkoBridge bridge()
    {
        return bridge;
    }

    LoggingAdapter log()
    {
        return log;
    }

    ErrorLog errors()
    {
        return errors;
    }

    Drops dropping()
    {
        return drops;
    }

    OutboundEncoder encoder()
    {
        return encoder;
    }

    /** {@return the node agent's deserializer (its cache is that thread's own)} */
    InboundDeserializer deserializer()
    {
        return deserializer;
    }

    /** {@return a deserializer of its own for one large body, read on a large-body thread} */
    InboundDeserializer newDeserializer()
    {
        return new InboundDeserializer(serialization);
    }

    Barriers barriers()
    {
        return barriers;
    }

    CongestionFlush congestion()
    {
        return congestion;
    }

    int pendingLimit()
    {
        return settings.direct().pendingLimit();
    }

    OutboundCompression newCompression()
    {
        return new OutboundCompression(settings.direct().compressionTableSize());
    }
}
