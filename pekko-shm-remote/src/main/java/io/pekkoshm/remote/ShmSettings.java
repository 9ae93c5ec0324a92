package io.pekkoshm.remote;

import com.typesafe.config.Config;

/**
 * Every setting of the node, read once from {@code pekko.remote.shm} and validated eagerly, in nested parts:
 * <pre>
 *   ShmSettings
 *   +-- transport()  the node: address, directory, log buffers, poller, liveness   (keys directly under the root)
 *   +-- driver()     the Aeron media driver                                         (driver.*)
 *   +-- blob()       the blob store                                                 (blob.*)
 *   +-- direct()     the direct path                                                (direct.*)
 *   +-- inline()     the rules for inline actors                                    (inline-task-*)
 *   +-- crossHost()  reaching nodes of other hosts over Aeron UDP                   (cross-host.*)
 * </pre>
 * Each key is documented in prose in the plugin's {@code reference.conf}; every part reads through one
 * {@link SettingsReader}, so a bad value fails construction with a {@link ShmConfigurationException} naming the full
 * key and the value. The serializer's keys ({@code kryo.*}) are read by the serializer through the same reader, because
 * its class table needs the actor system's class loader and it also runs without this transport.
 * <p>
 * Ownership: the transport parses the settings once when classic remoting creates it and hands the same instance to
 * everything it starts and to the direct path. Instances are immutable and safe to share between threads.
 */
public final class ShmSettings
{
    /** The configuration root of the plugin, also the transport's entry in {@code enabled-transports}. */
    public static final String ROOT = "pekko.remote.shm";

    private final TransportSettings transport;
    private final DriverSettings driver;
    private final BlobSettings blob;
    private final DirectSettings direct;
    private final InlineSettings inline;
    private final CrossHostSettings crossHost;

    private ShmSettings(final Config shm)
    {
        final SettingsReader reader = new SettingsReader(shm, ROOT);
        transport = TransportSettings.read(reader);
        driver = DriverSettings.read(reader, transport.directory());
        blob = BlobSettings.read(reader, transport.termLength());
        direct = DirectSettings.read(reader);
        inline = InlineSettings.read(reader);
        crossHost = CrossHostSettings.read(reader);
    }

    /**
     * Reads and validates the plugin's settings.
     *
     * @param shm the config at {@link #ROOT} (what classic remoting hands the transport), with defaults applied.
     * @return the validated settings.
     * @throws ShmConfigurationException naming the key and value of the first bad setting.
     */
    public static ShmSettings fromConfig(final Config shm)
    {
        return new ShmSettings(shm);
    }

    /**
     * Reads and validates the settings from an actor system's whole configuration.
     *
     * @param root the whole configuration (e.g. {@code system.settings().config()}), with defaults applied.
     * @return the validated settings.
     * @throws ShmConfigurationException naming the key and value of the first bad setting.
     */
    public static ShmSettings fromRootConfig(final Config root)
    {
        return new ShmSettings(root.getConfig(ROOT));
    }

    /** @return the node's own settings: address, directory, log buffers, poller, liveness. */
    public TransportSettings transport()
    {
        return transport;
    }

    /** @return where the Aeron media driver comes from. */
    public DriverSettings driver()
    {
        return driver;
    }

    /** @return the blob store's settings. */
    public BlobSettings blob()
    {
        return blob;
    }

    /** @return the direct path's settings. */
    public DirectSettings direct()
    {
        return direct;
    }

    /** @return the rules the node enforces on actors that run on its thread (inline dispatchers). */
    public InlineSettings inline()
    {
        return inline;
    }

    /** @return whether and how the node reaches nodes of other hosts (Aeron UDP). */
    public CrossHostSettings crossHost()
    {
        return crossHost;
    }

    /**
     * Aeron's largest message for a term length: min(term length / 8, 16 MiB).
     *
     * @param termLength the term length in bytes.
     * @return the largest Aeron message, in bytes.
     */
    public static int maxMessageLength(final int termLength)
    {
        return Math.min(termLength / 8, 16 * 1024 * 1024);
    }

    @Override
    public String toString()
    {
        return "ShmSettings{" + transport + ", " + driver + ", " + blob + ", " + direct + ", " + inline + ", " +
            crossHost + '}';
    }
}
