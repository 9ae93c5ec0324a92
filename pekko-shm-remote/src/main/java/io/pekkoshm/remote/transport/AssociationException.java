package io.pekkoshm.remote.transport;

/** Why an association could not be made: no live node at that address, a refused handshake, a lost driver, ... */
final class AssociationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    AssociationException(final String message)
    {
        super(message);
    }

    AssociationException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
