package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.wire.BlobHeaderFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A peer's block this node has claimed ({@code HELD}) through {@link BlobReader#claim}: its payload can be read in
 * place, from any thread, until {@link #release}, which stores {@code FREE} for the block's owner and ends this
 * node's use of the mapping. Release exactly once, whatever happens to the payload: a claim never released keeps the
 * peer's block out of its pool until this node's process exits.
 * <p>
 * Thread-safe: claimed on the node agent's thread, read and released on whichever thread deserializes it.
 */
public final class ClaimedBlob implements ReceivedBody
{
    private final BlobMappings mappings;
    private final BlobMappings.Mapping mapping;
    private final int length;
    private final AtomicBoolean released = new AtomicBoolean();

    ClaimedBlob(final BlobMappings mappings, final BlobMappings.Mapping mapping, final int length)
    {
        this.mappings = mappings;
        this.mapping = mapping;
        this.length = length;
    }

    @Override
    public int length()
    {
        return length;
    }

    /**
     * {@return a new view of the payload, {@code [0, length)}, over the mapped block: valid until {@link #release}}
     *
     * @throws IllegalStateException if the claim was released: the block may hold another payload by now.
     */
    @Override
    public DirectBuffer body()
    {
        if (released.get())
        {
            throw new IllegalStateException("blob block " + mapping.block.path + " was released: its payload is gone");
        }
        return new UnsafeBuffer(mapping.block.data, 0, length);
    }

    /** Hands the block back to its owner ({@code FREE}) and ends this use of its mapping; later calls do nothing. */
    @Override
    public void release()
    {
        if (released.compareAndSet(false, true))
        {
            mapping.block.setState(BlobHeaderFlyweight.FREE);
            mappings.release(mapping, System.nanoTime());
        }
    }

    /** {@return whether {@link #release} was called} */
    public boolean isReleased()
    {
        return released.get();
    }
}
