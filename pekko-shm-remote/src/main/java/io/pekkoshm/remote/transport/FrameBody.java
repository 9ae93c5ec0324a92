package io.pekkoshm.remote.transport;

import org.agrona.MutableDirectBuffer;

/**
 * The body of one DATA or DIRECT frame, written by an {@link Outbox} straight into the place it goes: the claimed
 * space of the peer's log buffer, the staging buffer, or a blob block.
 * <p>
 * A body that fits a frame is written under the outbox lock, on one thread: {@link #length()} once, then
 * {@link #write} at most once, then {@link #committed()} if the written body went into the stream (sent, or staged to
 * be sent in order). A body whose write did not go through is asked for its {@link #length()} again on the next
 * attempt, so decisions made for a frame (such as new compression table entries it defines) are made final only by
 * {@link #committed()}.
 * <p>
 * A body whose {@link #payloadLength()} is over the blob threshold is written into a blob block before the lock is
 * taken, so that copying it never holds up the other writers of the association: {@link #detach()} once, then
 * {@link #write} at most once, and never {@link #committed()}. A detached body shares nothing with other frames (it
 * names actors in full rather than through the association's compression tables).
 */
public interface FrameBody
{
    /**
     * {@return the length of what the body carries, known before the outbox lock is taken} It decides whether the
     * body goes through the blob store.
     */
    int payloadLength();

    /** {@return the body's length in bytes} It fixes what {@link #write} will write. */
    int length();

    /**
     * Readies the body to be written outside the outbox lock, with no state shared under it.
     *
     * @return the body's length in bytes: what {@link #write} will write.
     */
    int detach();

    /**
     * Writes exactly the length fixed by {@link #length()} or {@link #detach()}.
     *
     * @param buffer where the body goes: the claimed log buffer space, the staging buffer or a blob block.
     * @param offset where the body starts in {@code buffer}.
     */
    void write(MutableDirectBuffer buffer, int offset);

    /** The body written last (after {@link #length()}) is in the stream. */
    default void committed()
    {
    }
}
