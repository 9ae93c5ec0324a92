package io.pekkoshm.remote.direct;

import org.agrona.collections.Object2IntHashMap;

/**
 * The sending end of one compression table of one association: keys already defined in the stream and their ids.
 * Touched only under the association's outbox lock (through {@link EnvelopeWriter}).
 */
final class OutboundTable
{
    private final Object2IntHashMap<Object> ids = new Object2IntHashMap<>(DirectEnvelope.NONE);
    private final int capacity;
    private int next;

    OutboundTable(final int capacity)
    {
        this.capacity = capacity;
    }

    /** The id of a key defined before, or {@link DirectEnvelope#NONE}. */
    int lookup(final Object key)
    {
        return ids.getValue(key);
    }

    /** The id the next definition would get, or {@link DirectEnvelope#NONE} when the table is full. */
    int nextId()
    {
        return next < capacity ? next : DirectEnvelope.NONE;
    }

    /** A frame defining {@code key} as {@code id} went into the stream. */
    void define(final Object key, final int id)
    {
        ids.put(key, id);
        next = id + 1;
    }
}
