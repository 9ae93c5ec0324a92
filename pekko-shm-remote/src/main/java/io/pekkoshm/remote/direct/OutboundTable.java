package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.wire.DirectEnvelopeFlyweight;
import org.agrona.collections.Object2IntHashMap;

/**
 * The sending end of one compression table of one association: keys already defined in the stream and their ids.
 * Touched only under the association's outbox lock (through {@link EnvelopeWriter}).
 */
final class OutboundTable
{
    private final Object2IntHashMap<Object> ids = new Object2IntHashMap<>(DirectEnvelopeFlyweight.NONE);
    private final int capacity;
    private int next;

    OutboundTable(final int capacity)
    {
        this.capacity = capacity;
    }

    /** The id of a key defined before, or {@link DirectEnvelopeFlyweight#NONE}. */
    int lookup(final Object key)
    {
        return ids.getValue(key);
    }

    /** The id the next definition would get, or {@link DirectEnvelopeFlyweight#NONE} when the table is full. */
    int nextId()
    {
        return next < capacity ? next : DirectEnvelopeFlyweight.NONE;
    }

    /** A frame defining {@code key} as {@code id} went into the stream. */
    void define(final Object key, final int id)
    {
        ids.put(key, id);
        next = id + 1;
    }
}
