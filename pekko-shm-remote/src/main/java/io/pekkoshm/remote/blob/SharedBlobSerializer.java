package io.pekkoshm.remote.blob;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

import java.io.NotSerializableException;

/**
 * The Pekko serializer of {@link SharedBlob}: writes only its {@link SharedBlobDescriptor} (48 bytes), and on the
 * receiving node claims the block the descriptor names and gives a {@link SharedBlob} over the same memory. The
 * module's reference configuration registers it as {@code shm-blob} (id 1397244492, "SHBL") and binds
 * {@link SharedBlob} to it; the Kryo serializer uses it for SharedBlob fields.
 * <p>
 * Serializing a blob hands it over (see {@link SharedBlob}): the sending side can no longer touch it. Serializing
 * it again gives the same descriptor (classic remoting serializes a message again when its first write was refused),
 * which only one receiver can claim. Deserializing fails with {@link NotSerializableException} naming the block and
 * the reason when the blob cannot be claimed: the pekko.shm transport is not running here, the block is not waiting
 * (delivered before, or taken back by its owner), or the file is gone. Classic remoting logs that and drops the one
 * message; the association stays up.
 * <p>
 * Thread-safe.
 */
public final class SharedBlobSerializer extends SerializerWithStringManifest
{
    private final int identifier;
    private final ExtendedActorSystem system;

    /**
     * Called by Pekko's serialization extension.
     *
     * @param system the actor system whose blob store claims the blobs that arrive.
     */
    public SharedBlobSerializer(final ExtendedActorSystem system)
    {
        this.identifier = system.settings().config().getInt(
            "pekko.actor.serialization-identifiers.\"" + SharedBlobSerializer.class.getName() + "\"");
        this.system = system;
    }

    @Override
    public int identifier()
    {
        return identifier;
    }

    /** The manifest is empty: the descriptor starts with its own version byte. */
    @Override
    public String manifest(final Object o)
    {
        return "";
    }

    /**
     * @throws IllegalArgumentException if {@code o} is not a {@link SharedBlob}.
     * @throws IllegalStateException    if the blob was released, was received (it cannot be sent on), or its node
     *                                  has stopped.
     */
    @Override
    public byte[] toBinary(final Object o)
    {
        if (!(o instanceof SharedBlob))
        {
            throw new IllegalArgumentException(getClass().getName() + " serializes only SharedBlob, not " +
                (null == o ? "null" : o.getClass().getName()));
        }
        final org.apache.pekko.actor.Address otherHost = SendingAcrossHosts.destination();
        if (null != otherHost)
        {
            throw new IllegalArgumentException("a SharedBlob lends shared memory of this host, and " + otherHost +
                " is a node of another host, which cannot map it: send its bytes instead (a byte[] or ByteBuffer " +
                "goes to another host in pieces, up to blob.max-bytes)");
        }
        return ((SharedBlob)o).send();
    }

    @Override
    public Object fromBinary(final byte[] bytes, final String manifest) throws NotSerializableException
    {
        final SharedBlobDescriptor descriptor;
        try
        {
            descriptor = SharedBlobDescriptor.fromBytes(bytes);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new NotSerializableException("Not a SharedBlob: " + ex.getMessage());
        }
        final SharedBlobStore store = ShmBlobs.get(system).currentStore();
        if (null == store)
        {
            throw new NotSerializableException("A SharedBlob (" + descriptor.length() + " bytes) arrived, but the " +
                "pekko.shm transport with its blob store is not running in this actor system: it can be received " +
                "only over pekko.shm, from a node of this host");
        }
        try
        {
            return store.claim(descriptor);
        }
        catch (final BlobStoreException | IllegalStateException ex)
        {
            throw new NotSerializableException("Cannot take a SharedBlob of " + descriptor.length() + " bytes from " +
                "the node with pid " + descriptor.ownerPid() + " (a SharedBlob can come only from a node of this " +
                "host; one sent in classic mode from another host names memory this host does not have): " +
                ex.getMessage());
        }
    }
}
