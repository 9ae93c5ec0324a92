package io.pekkoshm.remote.blob;

/** The blob store cannot place or read a payload; the message names the sizes, the path and what to do. */
public final class BlobStoreException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** @param message the sizes, the path and what to do. */
    public BlobStoreException(final String message)
    {
        super(message);
    }

    /**
     * @param message the sizes, the path and what to do.
     * @param cause   the underlying failure (e.g. the file system's).
     */
    public BlobStoreException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
