package io.pekkoshm.remote.blob;

/** The blob store cannot place or read a payload; the message names the sizes, the path and what to do. */
public final class BlobStoreException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** @param message what could not be done, with the sizes, the path and what to do about it. */
    public BlobStoreException(final String message)
    {
        super(message);
    }

    /**
     * @param message what could not be done, with the sizes, the path and what to do about it.
     * @param cause   the I/O error underneath (a full /dev/shm, a missing or foreign block file).
     */
    public BlobStoreException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
