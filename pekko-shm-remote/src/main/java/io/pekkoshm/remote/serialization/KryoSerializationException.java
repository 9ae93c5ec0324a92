package io.pekkoshm.remote.serialization;

/**
 * Thrown by {@link KryoSerializer#toBinary} when a message cannot be serialized. The message names the message's
 * class and, for a failure inside it, the path to the field that failed, innermost first, each as
 * {@code field (DeclaringClass)}. The cause is Kryo's exception.
 *
 * <p>Pekko reports it like any serialization failure: Artery logs "Failed to serialize message [class]" with this
 * exception and drops that one message; the association stays up.
 */
public final class KryoSerializationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    KryoSerializationException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
