package io.pekkoshm.remote.direct;

import org.agrona.collections.Int2ObjectHashMap;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;

import java.io.NotSerializableException;
import java.nio.ByteBuffer;

/**
 * The receiving side's deserializer: turns a payload back into a message, straight from the log buffer (or the blob)
 * for Pekko's {@code ByteBufferSerializer}s, with the serializers it has met cached by id.
 * <p>
 * What Pekko's {@code deserializeByteBuffer} does, without its per-message save and restore of the thread's transport
 * information (a thread-local that cost a third of the poller's time in a profile): serializers find refs through
 * the provider, and this thread is the plugin's own.
 * <p>
 * Threading: the node agent's poller thread only (its cache is a plain map), one per direct path; every
 * {@link InboundSession} of the node uses it from that thread.
 */
final class InboundDeserializer
{
    private final Serialization serialization;
    /** Serializers by id. */
    private final Int2ObjectHashMap<Serializer> serializers = new Int2ObjectHashMap<>();

    /**
     * @param serialization finds serializers by id, and deserializes for the rest.
     */
    InboundDeserializer(final Serialization serialization)
    {
        this.serialization = serialization;
    }

    /**
     * Deserializes one payload.
     *
     * @param payload      the payload, from its position to its limit; valid during the call only.
     * @param serializerId the serializer id in its envelope.
     * @param manifest     the manifest in its envelope ("" for none).
     * @return the message.
     * @throws NotSerializableException if this node has no serializer with that id.
     */
    Object deserialize(final ByteBuffer payload, final int serializerId, final String manifest)
        throws NotSerializableException
    {
        Serializer serializer = serializers.get(serializerId);
        if (null == serializer)
        {
            final scala.Option<Serializer> found = serialization.serializerByIdentity().get(serializerId);
            if (found.isEmpty())
            {
                throw new NotSerializableException("no serializer with id " + serializerId + " on this node");
            }
            serializer = found.get();
            serializers.put(serializerId, serializer);
        }
        if (serializer instanceof ByteBufferSerializer)
        {
            return ((ByteBufferSerializer)serializer).fromBinary(payload, manifest);
        }
        final byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        if (serializer instanceof SerializerWithStringManifest)
        {
            return ((SerializerWithStringManifest)serializer).fromBinary(bytes, manifest);
        }
        return serialization.deserialize(bytes, serializerId, manifest).get();
    }
}
