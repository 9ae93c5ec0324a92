package io.pekkoshm.remote;

/**
 * A setting under {@code pekko.remote.shm} has a value the plugin cannot use. The message always names the full
 * key and the offending value, so a user can find the line in {@code application.conf} without reading code.
 */
public final class ShmConfigurationException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    public ShmConfigurationException(final String key, final Object value, final String reason)
    {
        super("Invalid setting " + key + " = " + render(value) + ": " + reason);
    }

    public ShmConfigurationException(final String key, final Object value, final String reason, final Throwable cause)
    {
        super("Invalid setting " + key + " = " + render(value) + ": " + reason, cause);
    }

    private static String render(final Object value)
    {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }
}
