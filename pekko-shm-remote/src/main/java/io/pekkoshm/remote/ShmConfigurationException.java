package io.pekkoshm.remote;

/**
 * A setting under {@code pekko.remote.shm} has a value the plugin cannot use. The message always names the full
 * key and the offending value, so a user can find the line in {@code application.conf} without reading code.
 */
public final class ShmConfigurationException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    /**
     * A bad value, found by the plugin's own checks.
     *
     * @param key    the full key, e.g. {@code pekko.remote.shm.term-length}.
     * @param value  the value as read (a string is quoted in the message).
     * @param reason what the value must be, e.g. "must be a power of two between 64 KiB and 1 GiB".
     */
    public ShmConfigurationException(final String key, final Object value, final String reason)
    {
        super("Invalid setting " + key + " = " + render(value) + ": " + reason);
    }

    /**
     * A bad value that another layer rejected first (Typesafe Config's type error, an unknown enum name).
     *
     * @param key    the full key.
     * @param value  the value as read.
     * @param reason what the value must be.
     * @param cause  the original error.
     */
    public ShmConfigurationException(final String key, final Object value, final String reason, final Throwable cause)
    {
        super("Invalid setting " + key + " = " + render(value) + ": " + reason, cause);
    }

    private static String render(final Object value)
    {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }
}
