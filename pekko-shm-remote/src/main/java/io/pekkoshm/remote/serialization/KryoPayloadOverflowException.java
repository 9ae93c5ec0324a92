package io.pekkoshm.remote.serialization;

import java.nio.BufferOverflowException;

/**
 * Thrown by {@link KryoSerializer#toBinary} when a message does not fit: in the caller's buffer, or in
 * {@code max-buffer-size} on the array path. A {@link BufferOverflowException}, so Pekko's Artery reports it as an
 * oversized payload (and publishes a {@code Dropped} event); unlike its parent, it has a message naming the class.
 */
public final class KryoPayloadOverflowException extends BufferOverflowException
{
    private static final long serialVersionUID = 1L;

    /** The detail message (the parent class has none), naming the message class and the sizes. */
    private final String message;

    KryoPayloadOverflowException(final String message, final Throwable cause)
    {
        this.message = message;
        initCause(cause);
    }

    @Override
    public String getMessage()
    {
        return message;
    }
}
