package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.wire.SharedBlobDescriptorFlyweight;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What travels in place of a {@link SharedBlob}: the serialized form written and read by
 * {@link SharedBlobSerializer}, laid out as a {@link SharedBlobDescriptorFlyweight} ({@link #LENGTH} bytes).
 *
 * @param ownerPid         pid of the node that owns the block.
 * @param ownerIncarnation incarnation of that node.
 * @param blockId          the block within the owner's pool.
 * @param generation       the block's generation for this fill.
 * @param length           the blob's length in bytes.
 */
record SharedBlobDescriptor(long ownerPid, long ownerIncarnation, long blockId, long generation, long length)
{
    static final int LENGTH = SharedBlobDescriptorFlyweight.LENGTH;

    byte[] toBytes()
    {
        final byte[] bytes = new byte[LENGTH];
        new SharedBlobDescriptorFlyweight().wrap(new UnsafeBuffer(bytes), 0)
            .version(SharedBlobDescriptorFlyweight.VERSION)
            .ownerPid(ownerPid)
            .ownerIncarnation(ownerIncarnation)
            .blockId(blockId)
            .generation(generation)
            .length(length);
        return bytes;
    }

    /**
     * @throws IllegalArgumentException naming what is wrong, if {@code bytes} is not a descriptor this version reads.
     */
    static SharedBlobDescriptor fromBytes(final byte[] bytes)
    {
        if (bytes.length != LENGTH)
        {
            throw new IllegalArgumentException("a shared blob descriptor is " + LENGTH + " bytes, not " + bytes.length);
        }
        final SharedBlobDescriptorFlyweight flyweight = new SharedBlobDescriptorFlyweight()
            .wrap(new UnsafeBuffer(bytes), 0);
        final byte version = flyweight.version();
        if (SharedBlobDescriptorFlyweight.VERSION != version)
        {
            throw new IllegalArgumentException("shared blob descriptor version " + version + ", this node reads " +
                SharedBlobDescriptorFlyweight.VERSION);
        }
        final SharedBlobDescriptor descriptor = new SharedBlobDescriptor(
            flyweight.ownerPid(),
            flyweight.ownerIncarnation(),
            flyweight.blockId(),
            flyweight.generation(),
            flyweight.length());
        if (descriptor.ownerPid <= 0 || descriptor.blockId < 0 || descriptor.length < 0)
        {
            throw new IllegalArgumentException("malformed shared blob descriptor " + descriptor);
        }
        return descriptor;
    }
}
