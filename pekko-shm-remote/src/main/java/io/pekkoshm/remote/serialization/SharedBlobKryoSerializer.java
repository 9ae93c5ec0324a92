package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.pekkoshm.remote.blob.SharedBlob;
import io.pekkoshm.remote.blob.SharedBlobSerializer;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializationExtension;

import java.io.NotSerializableException;

/**
 * Writes a {@link SharedBlob} field as the descriptor its own Pekko serializer ({@link SharedBlobSerializer}) writes,
 * and reads it back through that serializer, which claims the shared-memory block on the receiving node: a message can
 * carry zero-copy blobs next to ordinary fields. Writing the message hands the blob over, as sending it alone does.
 *
 * <p>On the wire: a varint length (at most {@link #MAX_DESCRIPTOR_LENGTH}), then the descriptor's bytes.
 */
final class SharedBlobKryoSerializer extends Serializer<SharedBlob>
{
    /** Descriptors are 48 bytes today; anything much longer is not one. */
    static final int MAX_DESCRIPTOR_LENGTH = 1024;

    private final ExtendedActorSystem system;

    SharedBlobKryoSerializer(final ExtendedActorSystem system)
    {
        super(false, true);
        this.system = system;
    }

    @Override
    public void write(final Kryo kryo, final Output output, final SharedBlob blob)
    {
        final byte[] descriptor = blobSerializer().toBinary(blob);
        output.writeVarInt(descriptor.length, true);
        output.writeBytes(descriptor);
    }

    @Override
    public SharedBlob read(final Kryo kryo, final Input input, final Class<? extends SharedBlob> type)
    {
        final int length = input.readVarInt(true);
        if (length < 0 || length > MAX_DESCRIPTOR_LENGTH)
        {
            throw new KryoException("A SharedBlob descriptor of " + length + " bytes: not a descriptor");
        }
        try
        {
            return (SharedBlob)blobSerializer().fromBinary(input.readBytes(length), "");
        }
        catch (final NotSerializableException ex)
        {
            throw new KryoException(ex.getMessage(), ex);
        }
    }

    /** The serializer SharedBlob is bound to: this plugin's, unless someone rebound it (then this fails clearly). */
    private SharedBlobSerializer blobSerializer()
    {
        final Object bound;
        try
        {
            bound = SerializationExtension.get(system).serializerFor(SharedBlob.class);
        }
        catch (final NotSerializableException ex)
        {
            throw new KryoException(ex.getMessage(), ex);
        }
        if (!(bound instanceof SharedBlobSerializer))
        {
            throw new KryoException("SharedBlob is bound to " + bound.getClass().getName() + ", not to " +
                SharedBlobSerializer.class.getName() + " (pekko.actor.serialization-bindings)");
        }
        return (SharedBlobSerializer)bound;
    }
}
