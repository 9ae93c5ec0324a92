package io.pekkoshm.remote.transport;

import org.agrona.MutableDirectBuffer;

/**
 * The body of one DATA or DIRECT frame, written by an {@link Outbox} under its lock, straight into the place it goes:
 * the claimed space of the peer's log buffer, the staging buffer, or a blob block.
 * <p>
 * Protocol, all under the outbox lock and on one thread: {@link #length()} once, then {@link #write} at most once,
 * then {@link #committed()} if the written body went into the stream (sent, or staged to be sent in order). A body
 * whose write did not go through is asked for its {@link #length()} again on the next attempt, so decisions made
 * for a frame (such as new compression table entries it defines) are made final only by {@link #committed()}.
 */
public interface FrameBody
{
    /** {@return the body's length in bytes} It fixes what {@link #write} will write. */
    int length();

    /**
     * Writes exactly {@link #length()} bytes.
     *
     * @param buffer where the body goes: the claimed log buffer space, the staging buffer or a blob block.
     * @param offset where the body starts in {@code buffer}.
     */
    void write(MutableDirectBuffer buffer, int offset);

    /** The body written last is in the stream. */
    default void committed()
    {
    }
}
