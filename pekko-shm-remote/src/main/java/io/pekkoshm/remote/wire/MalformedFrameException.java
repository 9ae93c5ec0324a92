package io.pekkoshm.remote.wire;

/** A frame from a peer does not follow the wire format; the association that sent it is ended. */
public final class MalformedFrameException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the frame, for the log (the frame's bytes are not kept). */
    public MalformedFrameException(final String message)
    {
        super(message);
    }
}
