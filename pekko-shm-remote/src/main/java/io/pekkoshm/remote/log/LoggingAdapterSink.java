package io.pekkoshm.remote.log;

import org.apache.pekko.event.LoggingAdapter;

/**
 * An {@link ErrorLog.Sink} that writes to a Pekko {@link LoggingAdapter}: {@code WARNING} as a warning, {@code ERROR}
 * as an error with its cause. Lines are passed as they are (never as templates), so braces in them are printed.
 * Any thread, as the adapter allows.
 */
public final class LoggingAdapterSink implements ErrorLog.Sink
{
    private final LoggingAdapter log;

    /**
     * @param log where lines go.
     */
    public LoggingAdapterSink(final LoggingAdapter log)
    {
        this.log = log;
    }

    @Override
    public void log(final ErrorLog.Severity severity, final String message, final Throwable cause)
    {
        if (ErrorLog.Severity.ERROR == severity)
        {
            if (null == cause)
            {
                log.error(message);
            }
            else
            {
                log.error(cause, message);
            }
        }
        else
        {
            log.warning(message);
        }
    }
}
