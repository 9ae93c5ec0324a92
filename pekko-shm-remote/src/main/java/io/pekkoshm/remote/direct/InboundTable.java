package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.wire.MalformedFrameException;

/** The receiving end of one compression table of one association: entries by id, as the sender defined them. */
final class InboundTable<T>
{
    private final Object[] entries;
    private final String field;

    InboundTable(final int capacity, final String field)
    {
        this.entries = new Object[capacity];
        this.field = field;
    }

    int capacity()
    {
        return entries.length;
    }

    @SuppressWarnings("unchecked")
    T get(final int id)
    {
        final Object entry = entries[id];
        if (null == entry)
        {
            throw new MalformedFrameException("direct envelope uses " + field + " id " + id + " before defining it");
        }
        return (T)entry;
    }

    void put(final int id, final T entry)
    {
        entries[id] = entry;
    }
}
