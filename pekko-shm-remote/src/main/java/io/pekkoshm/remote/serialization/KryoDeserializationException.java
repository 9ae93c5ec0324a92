package io.pekkoshm.remote.serialization;

import java.io.NotSerializableException;

/**
 * A payload the Kryo serializer could not read (a registration or class mismatch between the JVMs, a rejected class,
 * corrupt data). By the time it is thrown the serializer has logged it and counted the message in the node's
 * 'messages dropped', so a transport that catches it must not count it again.
 */
public final class KryoDeserializationException extends NotSerializableException
{
    private static final long serialVersionUID = 1L;

    KryoDeserializationException(final String message, final Throwable cause)
    {
        super(message);
        if (cause != null)
        {
            initCause(cause);
        }
    }
}
