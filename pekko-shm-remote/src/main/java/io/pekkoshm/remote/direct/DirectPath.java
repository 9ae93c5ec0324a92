package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.blob.BlobStoreException;
import io.pekkoshm.remote.serialization.KryoDeserializationException;
import io.pekkoshm.remote.transport.DirectInbound;
import io.pekkoshm.remote.transport.DirectRoute;
import io.pekkoshm.remote.transport.DirectRoutes;
import io.pekkoshm.remote.transport.DirectSession;
import org.agrona.collections.Int2ObjectHashMap;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.RootActorPath;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.Serializers;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The direct path of one actor system: ordinary messages to remote actors are serialized on the sending thread and
 * written straight into the association's log buffer ({@link DirectLink}, {@link EnvelopeWriter}); on the receiving
 * node the transport's poller decodes them and puts them into the recipient's mailbox ({@link InboundSession}).
 * Classic remoting stays the control plane: association life cycle, system messages (watch, death notifications,
 * remote deployment), quarantine; both kinds of traffic share the association's one ordered stream.
 * <p>
 * Started by the plugin's actor-ref providers once the transport listens; remote refs they hand out send through
 * {@link #send}.
 */
public final class DirectPath implements DirectInbound
{
    /** The name of each node's direct-path actor under /system: it answers the ordering barriers. */
    public static final String ACTOR_NAME = "pekko-shm-direct";

    static final int SENT = 1;
    static final int DROPPED = 0;
    static final int CLOSED = -1;
    static final int FULL = 2;

    private static final int INITIAL_SERIALIZATION_BUFFER = 64 * 1024;
    /** How soon a congested link is flushed again (the scheduler rounds up to its tick, 10 ms by default). */
    private static final java.time.Duration FLUSH_INTERVAL = java.time.Duration.ofMillis(1);
    /** Serialization buffers grow up to this; larger messages are serialized into arrays of their own. */
    private static final int MAX_SERIALIZATION_BUFFER = 1024 * 1024;

    private final ExtendedActorSystem system;
    private final ShmSettings settings;
    private final DirectRoutes routes;
    private final PekkoBridge bridge;
    private final Serialization serialization;
    private final LoggingAdapter log;
    private final ConcurrentHashMap<Address, DirectLink> links = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, DirectLink> barriers = new ConcurrentHashMap<>();
    private final AtomicLong nextToken = new AtomicLong(1);
    private final AtomicLong drops = new AtomicLong();
    /** Links holding messages for a full log, and whether their flush is scheduled. */
    private final java.util.Set<DirectLink> congestedLinks = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicBoolean flushScheduled =
        new java.util.concurrent.atomic.AtomicBoolean();
    private final ThreadLocal<SendState> sendStates = ThreadLocal.withInitial(SendState::new);
    /** Serializers by id, for the poller's thread only. */
    private final Int2ObjectHashMap<Serializer> serializers = new Int2ObjectHashMap<>();
    private final ActorRef barrierActor;

    private DirectPath(final ExtendedActorSystem system, final ShmSettings settings, final DirectRoutes routes,
        final PekkoBridge bridge)
    {
        this.system = system;
        this.settings = settings;
        this.routes = routes;
        this.bridge = bridge;
        this.serialization = SerializationExtension.get(system);
        this.log = Logging.getLogger(system, DirectPath.class);
        this.barrierActor = system.systemActorOf(Props.create(BarrierActor.class, () -> new BarrierActor(this)),
            ACTOR_NAME);
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
        return drops.get();
    }

    // -------------------------------------------------------------------------------------------------------------
    // For links and sessions.
    // -------------------------------------------------------------------------------------------------------------

    DirectRoutes routes()
    {
        return routes;
    }

    PekkoBridge bridge()
    {
        return bridge;
    }

    Serialization serialization()
    {
        return serialization;
    }

    LoggingAdapter log()
    {
        return log;
    }

    long barrierTimeoutNs()
    {
        return settings.direct().barrierTimeout().toNanos();
    }

    int pendingLimit()
    {
        return settings.direct().pendingLimit();
    }

    OutboundCompression newCompression()
    {
        return new OutboundCompression(settings.direct().compressionTableSize());
    }

    /**
     * Serializes a message and writes it into a route.
     *
     * @return {@link #SENT}, {@link #DROPPED} (counted, published, logged), {@link #FULL} (the peer's log and the
     * association's staging are full: nothing was taken, the caller holds it in order) or {@link #CLOSED} (the route
     * is dead: nothing was taken, the caller sends it another way).
     */
    int write(final DirectRoute route, final OutboundCompression compression, final DirectRef ref,
        final Object message, final ActorRef sender)
    {
        final SendState state = sendStates.get();
        final EnvelopeWriter writer = state.writer;
        final ActorRef recipient = ref.actorRef();
        final ActorRef from = null == sender || sender == system.deadLetters() ? null : sender;
        final Object previous = bridge.beginSerialization();
        try
        {
            final Serializer serializer = serialization.findSerializerFor(message);
            writer.message(compression, recipient, !isTemporary(recipient), from, null != from && !isTemporary(from),
                serializer.identifier(), Serializers.manifestFor(serializer, message));
            serialize(state, serializer, message);
            final int result = route.offer(writer);
            if (DirectRoute.TAKEN == result)
            {
                return SENT;
            }
            if (DirectRoute.TOO_LARGE == result)
            {
                drop(message, sender, recipient, "its serialized size (" + writer.payloadLength() + " bytes) is " +
                    "larger than the largest message to " + route.remoteAddress() + " (" + route.maxBodyLength() +
                    " bytes; see pekko.remote.shm.blob.max-bytes)");
                return DROPPED;
            }
            return DirectRoute.CLOSED == result ? CLOSED : FULL;
        }
        catch (final BlobStoreException ex)
        {
            drop(message, sender, recipient, ex.getMessage());
            return DROPPED;
        }
        catch (final RuntimeException ex)
        {
            log.error(ex, "Could not serialize a message of class {} for {}: {}", message.getClass().getName(),
                recipient, ex.getMessage());
            drop(message, sender, recipient, "it could not be serialized: " + ex);
            return DROPPED;
        }
        finally
        {
            writer.clear();
            bridge.endSerialization(previous);
        }
    }

    /**
     * Deserializes a payload on the poller's thread. What Pekko's {@code deserializeByteBuffer} does, without its
     * per-message save and restore of the thread's transport information (a thread-local that cost a third of the
     * poller's time in a profile): serializers find refs through the provider, and this thread is the plugin's own.
     */
    Object deserialize(final ByteBuffer payload, final int serializerId, final String manifest)
        throws java.io.NotSerializableException
    {
        Serializer serializer = serializers.get(serializerId);
        if (null == serializer)
        {
            final scala.Option<Serializer> found = serialization.serializerByIdentity().get(serializerId);
            if (found.isEmpty())
            {
                throw new java.io.NotSerializableException("no serializer with id " + serializerId + " on this node");
            }
            serializer = found.get();
            serializers.put(serializerId, serializer);
        }
        if (serializer instanceof ByteBufferSerializer)
        {
            return ((ByteBufferSerializer)serializer).fromBinary(payload, manifest);
        }
        final byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        if (serializer instanceof SerializerWithStringManifest)
        {
            return ((SerializerWithStringManifest)serializer).fromBinary(bytes, manifest);
        }
        return serialization.deserialize(bytes, serializerId, manifest).get();
    }

    /** Sends a link's ordering barrier the classic way; returns its token. */
    long sendBarrier(final DirectLink link)
    {
        final long token = nextToken.getAndIncrement();
        barriers.put(token, link);
        final ActorPath target = new RootActorPath(link.address(), "/").$div("system").$div(ACTOR_NAME);
        bridge.sendClassic(link.address(), target.toSerializationFormat(), new Identify(token), barrierActor);
        log.debug("Direct path to {}: ordering barrier {} sent", link.address(), token);
        system.scheduler().scheduleOnce(settings.direct().barrierTimeout(), barrierActor,
            new BarrierActor.Timeout(token), system.dispatcher(), ActorRef.noSender());
        return token;
    }

    void onBarrierAnswered(final long token)
    {
        log.debug("Direct path: ordering barrier {} answered", token);
        final DirectLink link = barriers.remove(token);
        if (null != link)
        {
            link.onBarrierAnswered(token);
        }
    }

    /**
     * A link holds messages because the peer's log is full: it is flushed every scheduler tick (and by its next
     * sender) until it is not.
     */
    void congested(final DirectLink link)
    {
        congestedLinks.add(link);
        if (flushScheduled.compareAndSet(false, true))
        {
            system.scheduler().scheduleOnce(FLUSH_INTERVAL, barrierActor, BarrierActor.FLUSH, system.dispatcher(),
                ActorRef.noSender());
        }
    }

    /** On the direct-path actor: flushes the congested links, and comes back while any still is. */
    void onFlush()
    {
        flushScheduled.set(false);
        congestedLinks.removeIf(link -> !link.flushCongested());
        if (!congestedLinks.isEmpty() && flushScheduled.compareAndSet(false, true))
        {
            system.scheduler().scheduleOnce(FLUSH_INTERVAL, barrierActor, BarrierActor.FLUSH, system.dispatcher(),
                ActorRef.noSender());
        }
    }

    void onBarrierTimeout(final long token)
    {
        final DirectLink link = barriers.remove(token);
        if (null != link)
        {
            link.onBarrierTimeout(token);
        }
    }

    /** Drops a message the direct path cannot send: counted, published as {@link Dropped}, logged. */
    void drop(final Object message, final ActorRef sender, final ActorRef recipient, final String reason)
    {
        routes.countDropped();
        final long dropped = drops.incrementAndGet();
        system.eventStream().publish(new Dropped(message, reason, null == sender ? ActorRef.noSender() : sender,
            recipient));
        if (dropped <= 10 || 0 == dropped % 1000)
        {
            log.warning("Dropped a message of class {} to {}: {}. ({} dropped by the direct path so far; each is " +
                "published as Dropped.)", message.getClass().getName(), recipient, reason, dropped);
        }
    }

    /** An inbound payload that could not be deserialized: counted and logged, the association goes on. */
    void onUndecodable(final Address from, final ActorRef recipient, final int serializerId, final String manifest,
        final Exception ex)
    {
        if (!(ex instanceof KryoDeserializationException))
        {
            routes.countDropped(); // the Kryo serializer counts its own failures
        }
        final long dropped = drops.incrementAndGet();
        if (dropped <= 10 || 0 == dropped % 1000)
        {
            log.warning("Dropped a message from {} to {}: it could not be deserialized (serializer id {}, manifest " +
                "[" + manifest + "]): {}. Both nodes need the same serializers and classes.", from, recipient,
                serializerId, ex.toString());
        }
    }

    private void serialize(final SendState state, final Serializer serializer, final Object message)
    {
        if (serializer instanceof ByteBufferSerializer)
        {
            final ByteBuffer buffer = state.buffer;
            buffer.clear();
            try
            {
                ((ByteBufferSerializer)serializer).toBinary(message, buffer);
                state.writer.payload(buffer, buffer.position());
                return;
            }
            catch (final BufferOverflowException ex)
            {
                final byte[] bytes = serializer.toBinary(message);
                state.writer.payload(bytes);
                state.grow(bytes.length);
                return;
            }
        }
        state.writer.payload(serializer.toBinary(message));
    }

    /** Refs of ask's temporary actors are used once: they are sent in full and not kept in the tables. */
    private static boolean isTemporary(final ActorRef ref)
    {
        final ActorPath path = ref.path();
        final ActorPath parent = path.parent();
        return "temp".equals(parent.name()) && parent.parent() == path.root();
    }

    /** What one sending thread reuses for every message. */
    private static final class SendState
    {
        final EnvelopeWriter writer = new EnvelopeWriter();
        ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_SERIALIZATION_BUFFER).order(ByteOrder.LITTLE_ENDIAN);

        void grow(final int needed)
        {
            if (needed <= MAX_SERIALIZATION_BUFFER)
            {
                buffer = ByteBuffer.allocateDirect(Integer.highestOneBit(needed - 1) << 1).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
    }
}
