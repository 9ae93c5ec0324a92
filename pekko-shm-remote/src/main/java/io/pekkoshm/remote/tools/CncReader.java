package io.pekkoshm.remote.tools;

import io.aeron.AeronCounters;
import io.aeron.CncFileDescriptor;
import io.aeron.driver.status.StreamCounter;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.tools.StatusReport.Counter;
import io.pekkoshm.remote.tools.StatusReport.CounterSet;
import io.pekkoshm.remote.tools.StatusReport.DriverState;
import io.pekkoshm.remote.tools.StatusReport.Link;
import io.pekkoshm.remote.transport.TransportCounters;
import org.agrona.IoUtil;
import org.agrona.SemanticVersion;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a media driver's CnC file ({@code <aeron directory>/cnc.dat}) from outside, the way Aeron's {@code AeronStat}
 * does, but read-only: the file is mapped {@code READ_ONLY}, nothing is written, no Aeron client is connected (which
 * would count as a client and keep an idle standalone driver alive), and the mapping is released before returning.
 * <pre>
 *   cnc.dat:  meta data (version, buffer lengths, driver pid, start time)
 *             to-driver ring buffer      (its trailer holds the driver's heartbeat time)
 *             to-clients broadcast buffer
 *             counters meta data         (per counter: state, type id, key, label, owner)
 *             counters values            (per counter: the value)
 *             error log
 * </pre>
 * The plugin's counters are ordinary Aeron counters (type ids {@value #FIRST_TYPE_ID} to {@value #LAST_TYPE_ID},
 * labels {@code pekko-shm <name>: <address>}), so {@code AeronStat} lists them as well. Stateless.
 */
final class CncReader
{
    /** The first type id of the plugin's counters: {@link TransportCounters#MESSAGES_SENT_TYPE_ID}. */
    static final int FIRST_TYPE_ID = TransportCounters.MESSAGES_SENT_TYPE_ID;
    /** The last type id of the block of a hundred the plugin's counters use (7301..7309 and later additions). */
    static final int LAST_TYPE_ID = 7399;
    /** How the plugin's counter labels start. */
    static final String LABEL_PREFIX = "pekko-shm ";
    /** What separates a counter's name from the node's address in its label. */
    static final String ADDRESS_SEPARATOR = ": ";

    /**
     * What a CnC file holds, as far as the status tool is concerned.
     *
     * @param state            {@code NONE} without a file, {@code UNREADABLE} if it cannot be read, else
     *                         {@code NOT_LIVE} (the caller decides liveness with {@code DriverProbe}).
     * @param pid              the driver's pid, or -1.
     * @param startTimestampMs the driver's start, or 0.
     * @param heartbeatAgeMs   ms since the driver's last heartbeat, or -1.
     * @param clients          client heartbeat counters, or -1.
     * @param cncVersion       the file's layout version, or empty.
     * @param note             why it is unreadable; empty otherwise.
     * @param counterSets      the plugin's counters, one set per Aeron client and address.
     */
    record Snapshot(
        DriverState state,
        long pid,
        long startTimestampMs,
        long heartbeatAgeMs,
        int clients,
        String cncVersion,
        String note,
        List<CounterSet> counterSets)
    {
        static Snapshot unreadable(final String note)
        {
            return new Snapshot(DriverState.UNREADABLE, -1, 0, -1, -1, "", note, List.of());
        }
    }

    /** One node's counters are those of one Aeron client (a node has its own) with one address. */
    private record Owner(long clientId, String address)
    {
    }

    /** A publication's limit ({@code pub-lmt}) or an image's position ({@code sub-pos}), by its owning client. */
    private record Stream(boolean outbound, long ownerId, int sessionId, int streamId, String channel)
    {
        String medium()
        {
            return channel.startsWith("aeron:udp") ? "udp" : "ipc";
        }
    }

    private CncReader()
    {
    }

    /** Reads the CnC file of {@code aeronDirectory}; never throws for a missing, partial or foreign file. */
    static Snapshot read(final Path aeronDirectory)
    {
        final File cncFile = aeronDirectory.resolve(CncFileDescriptor.CNC_FILE).toFile();
        if (!cncFile.isFile())
        {
            return new Snapshot(DriverState.NONE, -1, 0, -1, -1, "", "", List.of());
        }
        if (cncFile.length() < CncFileDescriptor.END_OF_METADATA_OFFSET)
        {
            return Snapshot.unreadable(cncFile + " is shorter than its header: a driver is creating it");
        }
        final MappedByteBuffer cnc;
        try
        {
            cnc = IoUtil.mapExistingFile(cncFile, FileChannel.MapMode.READ_ONLY, "CnC");
        }
        catch (final RuntimeException ex)
        {
            // Removed by an exiting driver between the check and the mapping, or not readable by this user.
            return Snapshot.unreadable("cannot map " + cncFile + ": " + ex.getMessage());
        }
        try
        {
            return read(cncFile, cnc);
        }
        catch (final RuntimeException ex)
        {
            return Snapshot.unreadable("cannot read " + cncFile + ": " + ex);
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
    }

    private static Snapshot read(final File cncFile, final MappedByteBuffer cnc)
    {
        final UnsafeBuffer meta = CncFileDescriptor.createMetaDataBuffer(cnc);
        final int version = meta.getIntVolatile(CncFileDescriptor.cncVersionOffset(0));
        if (0 == version)
        {
            return Snapshot.unreadable(cncFile + " is not ready yet: a driver is starting");
        }
        if (SemanticVersion.major(version) != SemanticVersion.major(CncFileDescriptor.CNC_VERSION))
        {
            return Snapshot.unreadable(cncFile + " has layout version " + SemanticVersion.toString(version) +
                ", this tool reads " + SemanticVersion.toString(CncFileDescriptor.CNC_VERSION) +
                ": the driver is of another Aeron version");
        }
        if (!CncFileDescriptor.isCncFileLengthSufficient(meta, cnc.capacity()))
        {
            return Snapshot.unreadable(cncFile + " is shorter than its header says");
        }

        final long pid = CncFileDescriptor.pid(meta);
        final long startTimestampMs = CncFileDescriptor.startTimestampMs(meta);
        final long heartbeatMs =
            new ManyToOneRingBuffer(CncFileDescriptor.createToDriverBuffer(cnc, meta)).consumerHeartbeatTime();
        final long heartbeatAgeMs = heartbeatMs > 0 ? Math.max(0, System.currentTimeMillis() - heartbeatMs) : -1;

        final CountersReader counters = new CountersReader(
            CncFileDescriptor.createCountersMetaDataBuffer(cnc, meta),
            CncFileDescriptor.createCountersValuesBuffer(cnc, meta),
            StandardCharsets.US_ASCII);
        final int[] clients = { 0 };
        final Map<Owner, List<Counter>> byOwner = new LinkedHashMap<>();
        final List<Stream> streams = new ArrayList<>();
        counters.forEach((CountersReader.MetaData)(counterId, typeId, keyBuffer, label) ->
        {
            if (AeronCounters.DRIVER_HEARTBEAT_TYPE_ID == typeId)
            {
                clients[0]++;
                return;
            }
            if (AeronCounters.DRIVER_PUBLISHER_LIMIT_TYPE_ID == typeId ||
                AeronCounters.DRIVER_SUBSCRIBER_POSITION_TYPE_ID == typeId)
            {
                final int channelLength = keyBuffer.getInt(StreamCounter.CHANNEL_OFFSET);
                streams.add(new Stream(AeronCounters.DRIVER_PUBLISHER_LIMIT_TYPE_ID == typeId,
                    counters.getCounterOwnerId(counterId), keyBuffer.getInt(StreamCounter.SESSION_ID_OFFSET),
                    keyBuffer.getInt(StreamCounter.STREAM_ID_OFFSET), keyBuffer.getStringWithoutLengthAscii(
                    StreamCounter.CHANNEL_OFFSET + Integer.BYTES, Math.max(0, channelLength))));
                return;
            }
            if (typeId < FIRST_TYPE_ID || typeId > LAST_TYPE_ID || !label.startsWith(LABEL_PREFIX))
            {
                return;
            }
            final int separator = label.indexOf(ADDRESS_SEPARATOR);
            if (separator < 0)
            {
                return;
            }
            final String name = label.substring(LABEL_PREFIX.length(), separator);
            final String address = label.substring(separator + ADDRESS_SEPARATOR.length());
            byOwner.computeIfAbsent(new Owner(counters.getCounterOwnerId(counterId), address), k -> new ArrayList<>())
                .add(new Counter(typeId, name, counters.getCounterValue(counterId)));
        });

        final Map<Long, String> addressOfClient = new LinkedHashMap<>();
        byOwner.keySet().forEach(owner -> addressOfClient.put(owner.clientId(), owner.address()));
        final List<CounterSet> sets = new ArrayList<>();
        for (final Map.Entry<Owner, List<Counter>> entry : byOwner.entrySet())
        {
            final List<Counter> values = new ArrayList<>(entry.getValue());
            values.sort(Comparator.comparingInt(Counter::typeId));
            sets.add(new CounterSet(entry.getKey().address(), entry.getKey().clientId(), values,
                links(entry.getKey().clientId(), streams, addressOfClient)));
        }
        return new Snapshot(DriverState.NOT_LIVE, pid, startTimestampMs, heartbeatAgeMs, clients[0],
            SemanticVersion.toString(version), "", sets);
    }

    /**
     * A node's streams: its publications into its peers' streams, then the images it reads, each with its medium and
     * who is at the other end, as far as this driver's counters tell (an IPC image's publication is another client
     * of this driver; a UDP image's is on another host).
     */
    private static List<Link> links(final long clientId, final List<Stream> streams,
        final Map<Long, String> addressOfClient)
    {
        final List<Link> links = new ArrayList<>();
        for (final Stream stream : streams)
        {
            if (stream.ownerId() == clientId)
            {
                links.add(new Link(stream.outbound(), stream.medium(), peer(stream, streams, addressOfClient),
                    stream.streamId(), stream.sessionId()));
            }
        }
        links.sort(Comparator.comparing((Link link) -> !link.outbound()).thenComparing(Link::peer));
        return links;
    }

    private static String peer(final Stream stream, final List<Stream> streams, final Map<Long, String> addressOfClient)
    {
        if (stream.outbound())
        {
            if ("udp".equals(stream.medium()))
            {
                final int at = stream.channel().indexOf("endpoint=");
                final int end = stream.channel().indexOf('|', at);
                return at < 0 ? "another host" :
                    stream.channel().substring(at + "endpoint=".length(), end < 0 ? stream.channel().length() : end);
            }
            final int port = NodeRegistry.portOfStream(stream.streamId());
            final String suffix = ":" + port;
            return addressOfClient.values().stream().filter(address -> address.endsWith(suffix)).findFirst()
                .orElse("port " + port);
        }
        if ("udp".equals(stream.medium()))
        {
            return "another host";
        }
        for (final Stream other : streams)
        {
            if (other.outbound() && other.sessionId() == stream.sessionId() && other.streamId() == stream.streamId())
            {
                final String address = addressOfClient.get(other.ownerId());
                return null != address ? address : "a client of this driver";
            }
        }
        return "a client of this driver";
    }
}
