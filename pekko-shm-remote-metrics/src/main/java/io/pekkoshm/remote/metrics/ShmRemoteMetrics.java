package io.pekkoshm.remote.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.pekko.ShmRemote;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Cancellable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binds a pekko-shm-remote node to Micrometer: the node's counters and gauges ({@link ShmCountersSnapshot}), what
 * each association has sent, dropped and holds in blob blocks ({@link ShmAssociationSnapshot}), and the messages the
 * direct path holds and has dropped per peer ({@link ShmRemote#directPending()}, {@link ShmRemote#directDropped()}).
 * Every meter is tagged {@code address} (this node); per-association meters also {@code peer}, {@code medium}
 * ({@code ipc} today) and {@code direction} ({@code outbound} or {@code inbound}), the direct path's per-peer meters
 * {@code peer}.
 * <pre>
 *   ShmRemoteMetrics metrics = ShmRemoteMetrics.of(system);
 *   metrics.bindTo(registry);                       // node meters, and the associations open now
 *   metrics.refreshEvery(Duration.ofSeconds(10));  // meters for associations as they come and go
 *   ...
 *   metrics.close();                               // stops refreshing and removes the meters
 * </pre>
 * Node meters ({@code pekko.shm.*}): counters {@code messages.sent}, {@code payload.sent} (bytes),
 * {@code messages.received}, {@code payload.received} (bytes), {@code batches.sent}, {@code backpressure.events},
 * {@code messages.dropped}, {@code frames.rejected}, {@code blobs.sent}, {@code blobs.received},
 * {@code blobs.reclaimed}, {@code direct.messages.sent}, {@code direct.messages.received}, {@code inline.tasks.run},
 * {@code inline.tasks.slow}, {@code inline.tasks.failed}, {@code inline.tasks.fallback}, {@code inline.tasks.stuck}
 * (inline dispatchers' runs, see {@code io.pekkoshm.remote.inline}); gauges {@code associations},
 * {@code blob.allocated} (bytes of this node's blob blocks in {@code /dev/shm}) and {@code messages.held}.
 * Per association ({@code pekko.shm.association.*}): counters {@code messages.sent}, {@code payload.sent},
 * {@code batches.sent}, {@code backpressure.events}, {@code blobs.sent}, {@code direct.messages.sent},
 * {@code messages.dropped}; the gauge {@code blob.in.use} (bytes of this node's blob blocks sent on the association
 * and not handed back yet). The counters count from the association's start: when an association to a peer ends and
 * a new one forms, its counters start again (Prometheus treats that as a counter reset). Per peer: the gauge
 * {@code pekko.shm.direct.pending} and the counter {@code pekko.shm.direct.dropped} (the direct path's drops for the
 * peer, across its associations; registered at the peer's first drop).
 * <p>
 * Values are read from the plugin when the registry reads a meter (each read takes a fresh snapshot); which
 * per-association meters exist is decided by {@link #refresh()}. A meter of a node whose transport has stopped
 * reads NaN.
 * <p>
 * Threading: any thread; {@link #refresh()} and {@link #bindTo} serialize on this object.
 */
public final class ShmRemoteMetrics implements MeterBinder, AutoCloseable
{
    /** The prefix of every meter's name. */
    public static final String PREFIX = "pekko.shm.";
    /** The tag naming this node's address. */
    public static final String ADDRESS_TAG = "address";
    /** The tag naming the peer of an association (or of the direct path's held messages). */
    public static final String PEER_TAG = "peer";
    /** The tag naming what carries an association: {@code ipc} today. */
    public static final String MEDIUM_TAG = "medium";
    /** The tag naming who asked for an association: {@code outbound} (this node) or {@code inbound} (the peer). */
    public static final String DIRECTION_TAG = "direction";

    private final ShmRemote remote;
    private final Tags tags;
    private final ActorSystem system;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** The per-association meters registered now, by association key; guarded by this object. */
    private final Map<AssociationKey, List<Meter.Id>> associationMeters = new HashMap<>();
    /** The direct path's per-peer gauges of held messages registered now, by peer; guarded by this object. */
    private final Map<String, List<Meter.Id>> pendingMeters = new HashMap<>();
    /** The direct path's per-peer counters of drops registered now, by peer; guarded by this object. */
    private final Map<String, List<Meter.Id>> droppedMeters = new HashMap<>();
    private final List<Meter.Id> nodeMeters = new ArrayList<>();
    private Cancellable refreshing;

    private ShmRemoteMetrics(final ActorSystem system, final ShmRemote remote, final Tags tags)
    {
        this.system = system;
        this.remote = remote;
        this.tags = tags;
    }

    /**
     * The metrics of the pekko.shm node of an actor system.
     *
     * @param system an actor system whose pekko.shm transport listens.
     * @return its metrics, not bound yet.
     * @throws IllegalStateException if the pekko.shm transport does not run in {@code system}.
     */
    public static ShmRemoteMetrics of(final ActorSystem system)
    {
        return of(system, Tags.empty());
    }

    /**
     * The metrics of the pekko.shm node of an actor system, with tags of the caller's on every meter.
     *
     * @param system    an actor system whose pekko.shm transport listens.
     * @param extraTags added to every meter (e.g. the application's name).
     * @return its metrics, not bound yet.
     * @throws IllegalStateException if the pekko.shm transport does not run in {@code system}.
     */
    public static ShmRemoteMetrics of(final ActorSystem system, final Iterable<Tag> extraTags)
    {
        final ShmRemote remote = ShmRemote.get(system);
        final String address = remote.address().map(Object::toString).orElseThrow(() -> new IllegalStateException(
            "The pekko.shm transport does not run in actor system " + system.name() + " (is \"pekko.remote.shm\" " +
            "in pekko.remote.classic.enabled-transports, or the one line include \"pekko-shm-remote\" in its " +
            "configuration?): there is nothing to measure"));
        return new ShmRemoteMetrics(system, remote, Tags.of(extraTags).and(ADDRESS_TAG, address));
    }

    @Override
    public synchronized void bindTo(final MeterRegistry registry)
    {
        registries.add(registry);
        counter(registry, "messages.sent", "Messages sent (classic and direct)", null,
            ShmCountersSnapshot::messagesSent);
        counter(registry, "payload.sent", "Payload bytes sent", BaseUnits.BYTES, ShmCountersSnapshot::bytesSent);
        counter(registry, "messages.received", "Messages received (classic and direct)", null,
            ShmCountersSnapshot::messagesReceived);
        counter(registry, "payload.received", "Payload bytes received", BaseUnits.BYTES,
            ShmCountersSnapshot::bytesReceived);
        counter(registry, "batches.sent", "Batch frames sent (several messages in one frame)", null,
            ShmCountersSnapshot::batchesSent);
        counter(registry, "backpressure.events", "Writes that found a peer's log (or the blob cap) full", null,
            ShmCountersSnapshot::backPressureEvents);
        counter(registry, "messages.dropped", "Messages dropped (there should be none)", null,
            ShmCountersSnapshot::messagesDropped);
        counter(registry, "frames.rejected", "Frames rejected (unknown session, bad version, malformed)", null,
            ShmCountersSnapshot::framesRejected);
        counter(registry, "blobs.sent", "Payloads sent through the blob store", null, ShmCountersSnapshot::blobsSent);
        counter(registry, "blobs.received", "Payloads received through the blob store", null,
            ShmCountersSnapshot::blobsReceived);
        counter(registry, "blobs.reclaimed", "Blob blocks taken back from receivers that died or never claimed them",
            null, ShmCountersSnapshot::blobsReclaimed);
        counter(registry, "direct.messages.sent", "Messages sent on the direct path", null,
            ShmCountersSnapshot::directMessagesSent);
        counter(registry, "direct.messages.received", "Messages received on the direct path", null,
            ShmCountersSnapshot::directMessagesReceived);
        counter(registry, "doorbell.wakeups.sent", "Wake-ups this node's writers sent to sleeping peers", null,
            ShmCountersSnapshot::doorbellWakeUps);
        counter(registry, "doorbell.rings.failed", "Wake-ups that could not be delivered (there should be none)", null,
            ShmCountersSnapshot::doorbellRingsFailed);
        counter(registry, "idle.sleeps", "Times this node's poller slept on its doorbell when idle", null,
            ShmCountersSnapshot::idleSleeps);
        counter(registry, "inline.tasks.run", "Inline actors' runs on the node's thread", null,
            ShmCountersSnapshot::inlineTasksRun);
        counter(registry, "inline.tasks.slow", "Inline actors' runs longer than inline-task-warn", null,
            ShmCountersSnapshot::inlineTasksSlow);
        counter(registry, "inline.tasks.failed", "Inline actors' runs that threw past Pekko's supervision", null,
            ShmCountersSnapshot::inlineTasksFailed);
        counter(registry, "inline.tasks.fallback", "Inline actors' runs on the fallback threads (no node ran)", null,
            ShmCountersSnapshot::inlineTasksOnFallback);
        counter(registry, "inline.tasks.stuck", "Inline actors' runs reported still running past inline-task-stuck",
            null, ShmCountersSnapshot::inlineTasksStuck);
        gauge(registry, "associations", "Associations open now", null, ShmCountersSnapshot::associations);
        gauge(registry, "blob.allocated", "Bytes of this node's blob blocks in /dev/shm now", BaseUnits.BYTES,
            ShmCountersSnapshot::blobBytesAllocated);
        gauge(registry, "messages.held", "Messages received and waiting behind a large body still being read", null,
            ShmCountersSnapshot::messagesHeld);
        for (final AssociationKey key : associationMeters.keySet())
        {
            associationMeters.get(key).addAll(registerAssociation(registry, key));
        }
        for (final String peer : pendingMeters.keySet())
        {
            pendingMeters.get(peer).add(registerPending(registry, peer));
        }
        for (final String peer : droppedMeters.keySet())
        {
            droppedMeters.get(peer).add(registerDropped(registry, peer));
        }
        refresh();
    }

    /**
     * Brings the per-association and per-peer meters in step with the node: registers meters for associations (and
     * peers the direct path sends to, or has dropped messages of) that appeared since the last refresh, in every
     * bound registry, and removes those of associations that ended (and the held-message gauges of peers the direct
     * path no longer sends to; a peer's drop counter stays, as its count does).
     *
     * @return how many associations have meters now.
     */
    public synchronized int refresh()
    {
        final Set<AssociationKey> open = new HashSet<>();
        final Map<String, Integer> pending;
        final Map<String, Long> dropped;
        try
        {
            for (final ShmAssociationSnapshot association : remote.associations())
            {
                open.add(AssociationKey.of(association));
            }
            pending = remote.directPending();
            dropped = remote.directDropped();
        }
        catch (final IllegalStateException ex)
        {
            return associationMeters.size(); // the transport stopped: the meters read NaN until closed
        }
        associationMeters.entrySet().removeIf(entry -> !open.contains(entry.getKey()) && remove(entry.getValue()));
        pendingMeters.entrySet().removeIf(entry -> !pending.containsKey(entry.getKey()) && remove(entry.getValue()));
        for (final AssociationKey key : open)
        {
            if (!associationMeters.containsKey(key))
            {
                final List<Meter.Id> ids = new ArrayList<>();
                registries.forEach(registry -> ids.addAll(registerAssociation(registry, key)));
                associationMeters.put(key, ids);
            }
        }
        for (final String peer : pending.keySet())
        {
            if (!pendingMeters.containsKey(peer))
            {
                final List<Meter.Id> ids = new ArrayList<>();
                registries.forEach(registry -> ids.add(registerPending(registry, peer)));
                pendingMeters.put(peer, ids);
            }
        }
        for (final String peer : dropped.keySet())
        {
            if (!droppedMeters.containsKey(peer))
            {
                final List<Meter.Id> ids = new ArrayList<>();
                registries.forEach(registry -> ids.add(registerDropped(registry, peer)));
                droppedMeters.put(peer, ids);
            }
        }
        return associationMeters.size();
    }

    /**
     * Calls {@link #refresh()} periodically on the actor system's scheduler, until {@link #close()}.
     *
     * @param interval how often, e.g. the registry's scrape or step interval.
     * @return this.
     * @throws IllegalArgumentException if {@code interval} is not positive.
     * @throws IllegalStateException    if it is refreshing already.
     */
    public synchronized ShmRemoteMetrics refreshEvery(final Duration interval)
    {
        if (interval.isZero() || interval.isNegative())
        {
            throw new IllegalArgumentException("The refresh interval of pekko.shm metrics must be positive, was " +
                interval);
        }
        if (null != refreshing)
        {
            throw new IllegalStateException("pekko.shm metrics of " + system.name() + " are refreshing already");
        }
        refreshing = system.scheduler().scheduleWithFixedDelay(interval, interval, this::refresh,
            system.dispatcher());
        return this;
    }

    /** Stops refreshing and removes every meter this object registered, from every registry it was bound to. */
    @Override
    public synchronized void close()
    {
        if (null != refreshing)
        {
            refreshing.cancel();
            refreshing = null;
        }
        associationMeters.values().forEach(this::remove);
        associationMeters.clear();
        pendingMeters.values().forEach(this::remove);
        pendingMeters.clear();
        droppedMeters.values().forEach(this::remove);
        droppedMeters.clear();
        remove(nodeMeters);
        nodeMeters.clear();
        registries.clear();
    }

    private List<Meter.Id> registerAssociation(final MeterRegistry registry, final AssociationKey key)
    {
        final Tags associationTags = tags.and(PEER_TAG, key.peer).and(MEDIUM_TAG, key.medium)
            .and(DIRECTION_TAG, key.outbound ? "outbound" : "inbound");
        final List<Meter.Id> ids = new ArrayList<>();
        ids.add(associationCounter(registry, associationTags, key, "messages.sent", "Messages sent", null,
            ShmAssociationSnapshot::messagesSent));
        ids.add(associationCounter(registry, associationTags, key, "payload.sent", "Payload bytes sent",
            BaseUnits.BYTES, ShmAssociationSnapshot::bytesSent));
        ids.add(associationCounter(registry, associationTags, key, "batches.sent", "Batch frames sent", null,
            ShmAssociationSnapshot::batchesSent));
        ids.add(associationCounter(registry, associationTags, key, "backpressure.events",
            "Writes that found the peer's log (or the blob cap) full", null,
            ShmAssociationSnapshot::backPressureEvents));
        ids.add(associationCounter(registry, associationTags, key, "blobs.sent",
            "Payloads sent through the blob store", null, ShmAssociationSnapshot::blobsSent));
        ids.add(associationCounter(registry, associationTags, key, "direct.messages.sent",
            "Messages sent on the direct path", null, ShmAssociationSnapshot::directMessagesSent));
        ids.add(associationCounter(registry, associationTags, key, "messages.dropped",
            "Messages to or from the peer dropped on this association (there should be none)", null,
            ShmAssociationSnapshot::messagesDropped));
        ids.add(Gauge.builder(PREFIX + "association.blob.in.use", remote,
            r -> sum(r, key, ShmAssociationSnapshot::blobBytesInUse))
            .tags(associationTags).description("Bytes of this node's blob blocks sent to the peer and not handed back")
            .baseUnit(BaseUnits.BYTES).register(registry).getId());
        return ids;
    }

    private Meter.Id associationCounter(final MeterRegistry registry, final Tags associationTags,
        final AssociationKey key, final String name, final String description, final String unit,
        final ToLongFunction<ShmAssociationSnapshot> field)
    {
        return FunctionCounter.builder(PREFIX + "association." + name, remote, r -> sum(r, key, field))
            .tags(associationTags).description(description).baseUnit(unit).register(registry).getId();
    }

    private Meter.Id registerPending(final MeterRegistry registry, final String peer)
    {
        return Gauge.builder(PREFIX + "direct.pending", remote, r -> pending(r, peer))
            .tags(tags.and(PEER_TAG, peer))
            .description("Messages the direct path holds for the peer (barrier out, or its log full)")
            .register(registry).getId();
    }

    private Meter.Id registerDropped(final MeterRegistry registry, final String peer)
    {
        return FunctionCounter.builder(PREFIX + "direct.dropped", remote, r -> directDropped(r, peer))
            .tags(tags.and(PEER_TAG, peer))
            .description("Messages to or from the peer the direct path dropped (there should be none)")
            .register(registry).getId();
    }

    private void counter(final MeterRegistry registry, final String name, final String description,
        final String unit, final ToLongFunction<ShmCountersSnapshot> field)
    {
        nodeMeters.add(FunctionCounter.builder(PREFIX + name, remote, node(field))
            .tags(tags).description(description).baseUnit(unit).register(registry).getId());
    }

    private void gauge(final MeterRegistry registry, final String name, final String description, final String unit,
        final ToLongFunction<ShmCountersSnapshot> field)
    {
        nodeMeters.add(Gauge.builder(PREFIX + name, remote, node(field))
            .tags(tags).description(description).baseUnit(unit).register(registry).getId());
    }

    private boolean remove(final List<Meter.Id> ids)
    {
        for (final Meter.Id id : ids)
        {
            registries.forEach(registry -> registry.remove(id));
        }
        return true;
    }

    private static ToDoubleFunction<ShmRemote> node(final ToLongFunction<ShmCountersSnapshot> field)
    {
        return r ->
        {
            try
            {
                return field.applyAsLong(r.counters());
            }
            catch (final IllegalStateException ex)
            {
                return Double.NaN; // the transport has stopped
            }
        };
    }

    /** The association's value now (summed, should two with the same key be open a moment); NaN when it is gone. */
    private static double sum(final ShmRemote remote, final AssociationKey key,
        final ToLongFunction<ShmAssociationSnapshot> field)
    {
        try
        {
            boolean found = false;
            long total = 0;
            for (final ShmAssociationSnapshot association : remote.associations())
            {
                if (key.equals(AssociationKey.of(association)))
                {
                    found = true;
                    total += field.applyAsLong(association);
                }
            }
            return found ? total : Double.NaN;
        }
        catch (final IllegalStateException ex)
        {
            return Double.NaN;
        }
    }

    private static double pending(final ShmRemote remote, final String peer)
    {
        final Integer held = remote.directPending().get(peer);
        return null == held ? Double.NaN : held;
    }

    private static double directDropped(final ShmRemote remote, final String peer)
    {
        final Long dropped = remote.directDropped().get(peer);
        return null == dropped ? Double.NaN : dropped;
    }

    /** What tells associations apart in the meters' tags. */
    private record AssociationKey(String peer, String medium, boolean outbound)
    {
        static AssociationKey of(final ShmAssociationSnapshot association)
        {
            return new AssociationKey(association.peerAddress(), association.medium(), association.outbound());
        }
    }
}
