package io.pekkoshm.remote;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The one way the plugin reads its configuration: typed reads of one section that turn every bad or missing value
 * into a {@link ShmConfigurationException} naming the full key and the value as written.
 * <p>
 * Every settings part ({@link TransportSettings}, {@link DriverSettings}, {@link BlobSettings},
 * {@link DirectSettings}, and the Kryo serializer's settings) reads through it, so every key is named the same way and
 * every error has the same shape. Not thread-safe; made, used and dropped while settings are parsed.
 */
public final class SettingsReader
{
    private final Config config;
    private final String prefix;

    /**
     * Reads the section {@code config}, whose full path is {@code prefix}.
     *
     * @param config the section, with defaults applied.
     * @param prefix the section's full path (e.g. {@code pekko.remote.shm}), used to name keys in errors.
     */
    public SettingsReader(final Config config, final String prefix)
    {
        this.config = config;
        this.prefix = prefix;
    }

    /**
     * @param path a key relative to this reader's section.
     * @return the full key, e.g. {@code pekko.remote.shm.term-length}.
     */
    public String key(final String path)
    {
        return prefix + "." + path;
    }

    /**
     * A refusal of a value read by this reader.
     *
     * @param path   the key, relative to this reader's section.
     * @param value  the value as read.
     * @param reason what the value must be.
     * @return the exception to throw.
     */
    public ShmConfigurationException reject(final String path, final Object value, final String reason)
    {
        return new ShmConfigurationException(key(path), value, reason);
    }

    /**
     * A refusal of a value read by this reader that another layer rejected first (a class that does not load).
     *
     * @param path   the key, relative to this reader's section.
     * @param value  the value as read.
     * @param reason what the value must be.
     * @param cause  the original error.
     * @return the exception to throw.
     */
    public ShmConfigurationException reject(final String path, final Object value, final String reason,
        final Throwable cause)
    {
        return new ShmConfigurationException(key(path), value, reason, cause);
    }

    /**
     * @param path the key, relative to this reader's section.
     * @return the value as written, for an error message; "null" or "&lt;missing&gt;" when there is none.
     */
    public Object raw(final String path)
    {
        if (config.hasPath(path))
        {
            return config.getValue(path).unwrapped();
        }
        return config.hasPathOrNull(path) ? "null" : "<missing>";
    }

    /**
     * @param path the key, relative to this reader's section.
     * @return its string value, as written.
     */
    public String string(final String path)
    {
        try
        {
            return config.getString(path);
        }
        catch (final ConfigException ex)
        {
            throw wrap(path, "must be a string", ex);
        }
    }

    /**
     * @param path the key, relative to this reader's section.
     * @return its on/off value.
     */
    public boolean bool(final String path)
    {
        try
        {
            return config.getBoolean(path);
        }
        catch (final ConfigException ex)
        {
            throw wrap(path, "must be on/off (true/false)", ex);
        }
    }

    /**
     * @param path the key, relative to this reader's section.
     * @return its list of strings, unmodifiable.
     */
    public List<String> stringList(final String path)
    {
        try
        {
            return List.copyOf(config.getStringList(path));
        }
        catch (final ConfigException ex)
        {
            throw wrap(path, "must be a list of strings", ex);
        }
    }

    /**
     * @param path the key, relative to this reader's section.
     * @return its object value (e.g. a table of names to numbers).
     */
    public ConfigObject object(final String path)
    {
        try
        {
            return config.getObject(path);
        }
        catch (final ConfigException ex)
        {
            throw wrap(path, "must be an object { ... }", ex);
        }
    }

    /**
     * @param path the key, relative to this reader's section.
     * @param min  the smallest value allowed.
     * @param max  the largest value allowed.
     * @return its whole-number value, checked against the range.
     */
    public int intInRange(final String path, final int min, final int max)
    {
        final int value;
        try
        {
            value = config.getInt(path);
        }
        catch (final ConfigException ex)
        {
            throw wrap(path, "must be a whole number from " + min + " to " + max, ex);
        }
        if (value < min || value > max)
        {
            throw reject(path, value, "must be from " + min + " to " + max);
        }
        return value;
    }

    /**
     * @param path the key, relative to this reader's section.
     * @return its size in bytes (e.g. {@code 16 MiB}), unchecked.
     */
    public long bytes(final String path)
    {
        try
        {
            return config.getBytes(path);
        }
        catch (final ConfigException ex)
        {
            throw wrap(path, "must be a size in bytes such as 16 MiB", ex);
        }
    }

    /**
     * @param path the key, relative to this reader's section.
     * @param min  the smallest size allowed, in bytes.
     * @param max  the largest size allowed, in bytes.
     * @return its size in bytes, checked against the range.
     */
    public long bytesInRange(final String path, final long min, final long max)
    {
        final long value = bytes(path);
        if (value < min || value > max)
        {
            throw reject(path, value, "is out of range: must be from " + min + " to " + max + " bytes");
        }
        return value;
    }

    /**
     * @param path the key, relative to this reader's section.
     * @return its duration, which must be positive.
     */
    public Duration positiveDuration(final String path)
    {
        final Duration value = nonNegativeDuration(path);
        if (value.isZero())
        {
            throw reject(path, raw(path), "must be positive");
        }
        return value;
    }

    /**
     * @param path the key, relative to this reader's section.
     * @param min  the shortest duration allowed.
     * @param max  the longest duration allowed.
     * @return its duration, checked against the range.
     */
    public Duration durationBetween(final String path, final Duration min, final Duration max)
    {
        final Duration value = nonNegativeDuration(path);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0)
        {
            throw reject(path, raw(path), "must be from " + describe(min) + " to " + describe(max));
        }
        return value;
    }

    private static String describe(final Duration duration)
    {
        final long nanos = duration.toNanos();
        if (nanos % 1_000_000 == 0)
        {
            return nanos / 1_000_000 + " ms";
        }
        return nanos % 1000 == 0 ? nanos / 1000 + " us" : nanos + " ns";
    }

    /**
     * @param path the key, relative to this reader's section.
     * @return its duration, which may be zero but not negative.
     */
    public Duration nonNegativeDuration(final String path)
    {
        final Duration value;
        try
        {
            value = config.getDuration(path);
        }
        catch (final ConfigException ex)
        {
            throw wrap(path, "must be a duration such as 2 s or 200 ms", ex);
        }
        if (value.isNegative())
        {
            throw reject(path, raw(path), "must not be negative");
        }
        return value;
    }

    /**
     * An enum constant named by a string value, trimmed and read case-insensitively ({@code auto} for {@code AUTO}).
     *
     * @param path the key, relative to this reader's section.
     * @param type the enum.
     * @param <E>  the enum's type.
     * @return the constant the value names.
     */
    public <E extends Enum<E>> E enumValue(final String path, final Class<E> type)
    {
        final String value = string(path);
        try
        {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            final StringBuilder names = new StringBuilder();
            for (final E constant : type.getEnumConstants())
            {
                names.append(names.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
            }
            throw new ShmConfigurationException(key(path), value, "must be one of " + names, ex);
        }
    }

    private ShmConfigurationException wrap(final String path, final String expected, final ConfigException ex)
    {
        return new ShmConfigurationException(key(path), raw(path), expected, ex);
    }
}
