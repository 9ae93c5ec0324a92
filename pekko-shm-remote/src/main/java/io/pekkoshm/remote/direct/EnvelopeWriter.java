package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.transport.FrameBody;
import io.pekkoshm.remote.wire.DirectEnvelopeFlyweight;
import org.agrona.MutableDirectBuffer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.serialization.Serialization;

import java.nio.ByteBuffer;

/**
 * One outbound message as a {@link FrameBody}: the envelope ({@link DirectEnvelopeFlyweight}) and the payload
 * serialized before the outbox lock is taken. Under the lock, {@link #length()} decides which names go as ids and
 * which are defined by this frame; {@link #committed()} makes the definitions final once the frame is in the stream.
 * <p>
 * One per sending thread, reused for every message (no allocation in steady state: names are defined once per
 * association, the payload lives in the thread's serialization buffer unless the serializer only makes arrays, and
 * the one flyweight is wrapped over each frame's body).
 */
final class EnvelopeWriter implements FrameBody
{
    private final DirectEnvelopeFlyweight envelope = new DirectEnvelopeFlyweight();
    private OutboundCompression compression;
    private ActorRef recipient;
    private boolean recipientCacheable;
    private ActorRef sender;
    private boolean senderCacheable;
    private int serializerId;
    private String manifest;
    /** The payload: {@code buffer[0, payloadLength)} or {@code array}. */
    private ByteBuffer buffer;
    private byte[] array;
    private int payloadLength;

    private int recipientCode;
    private int senderCode;
    private int manifestCode;
    private byte[] recipientLiteral;
    private byte[] senderLiteral;
    private byte[] manifestLiteral;

    /**
     * The message's envelope. Names are turned into literals only when a frame must carry them, on the sending
     * thread with Pekko's transport information set (a local sender's path gets this node's address).
     */
    void message(final OutboundCompression compression, final ActorRef recipient, final boolean recipientCacheable,
        final ActorRef sender, final boolean senderCacheable, final int serializerId, final String manifest)
    {
        this.compression = compression;
        this.recipient = recipient;
        this.recipientCacheable = recipientCacheable;
        this.sender = sender;
        this.senderCacheable = senderCacheable;
        this.serializerId = serializerId;
        this.manifest = manifest;
    }

    void payload(final ByteBuffer buffer, final int length)
    {
        this.buffer = buffer;
        this.array = null;
        this.payloadLength = length;
    }

    void payload(final byte[] array)
    {
        this.buffer = null;
        this.array = array;
        this.payloadLength = array.length;
    }

    @Override
    public int payloadLength()
    {
        return payloadLength;
    }

    /** Drops the references to the message once it is sent (the writer outlives it on its thread). */
    void clear()
    {
        compression = null;
        recipient = null;
        sender = null;
        manifest = null;
        array = null;
        recipientLiteral = null;
        senderLiteral = null;
        manifestLiteral = null;
    }

    @Override
    public int length()
    {
        recipientCode = code(compression.recipients, recipient, recipientCacheable);
        recipientLiteral = DirectEnvelopeFlyweight.hasLiteral(recipientCode) ?
            DirectEnvelopeFlyweight.literal(recipient.path().toSerializationFormat()) : null;
        if (null == sender)
        {
            senderCode = DirectEnvelopeFlyweight.NONE;
            senderLiteral = null;
        }
        else
        {
            senderCode = code(compression.senders, sender, senderCacheable);
            senderLiteral = DirectEnvelopeFlyweight.hasLiteral(senderCode) ?
                DirectEnvelopeFlyweight.literal(Serialization.serializedActorPath(sender)) : null;
        }
        if (manifest.isEmpty())
        {
            manifestCode = DirectEnvelopeFlyweight.NONE;
            manifestLiteral = null;
        }
        else
        {
            manifestCode = code(compression.manifests, manifest, true);
            manifestLiteral = DirectEnvelopeFlyweight.hasLiteral(manifestCode) ?
                DirectEnvelopeFlyweight.literal(manifest) : null;
        }
        return bodyLength();
    }

    private int bodyLength()
    {
        return DirectEnvelopeFlyweight.LITERALS_OFFSET + literalLength(recipientLiteral) +
            literalLength(senderLiteral) + literalLength(manifestLiteral) + payloadLength;
    }

    /**
     * A body for a blob block, written outside the outbox lock: every name goes as a literal, so neither this frame
     * nor the ones around it depend on which of them reaches the compression tables first (a few hundred bytes on a
     * body over the blob threshold).
     */
    @Override
    public int detach()
    {
        recipientCode = DirectEnvelopeFlyweight.LITERAL;
        recipientLiteral = DirectEnvelopeFlyweight.literal(recipient.path().toSerializationFormat());
        senderCode = null == sender ? DirectEnvelopeFlyweight.NONE : DirectEnvelopeFlyweight.LITERAL;
        senderLiteral =
            null == sender ? null : DirectEnvelopeFlyweight.literal(Serialization.serializedActorPath(sender));
        manifestCode = manifest.isEmpty() ? DirectEnvelopeFlyweight.NONE : DirectEnvelopeFlyweight.LITERAL;
        manifestLiteral = manifest.isEmpty() ? null : DirectEnvelopeFlyweight.literal(manifest);
        return bodyLength();
    }

    @Override
    public void write(final MutableDirectBuffer out, final int offset)
    {
        envelope.wrap(out, offset)
            .recipientCode(recipientCode)
            .senderCode(senderCode)
            .serializerId(serializerId)
            .manifestCode(manifestCode);
        int position = envelope.literalsOffset();
        if (null != recipientLiteral)
        {
            position = envelope.putLiteral(position, recipientLiteral);
        }
        if (null != senderLiteral)
        {
            position = envelope.putLiteral(position, senderLiteral);
        }
        if (null != manifestLiteral)
        {
            position = envelope.putLiteral(position, manifestLiteral);
        }
        if (null != array)
        {
            out.putBytes(position, array, 0, payloadLength);
        }
        else
        {
            out.putBytes(position, buffer, 0, payloadLength);
        }
    }

    @Override
    public void committed()
    {
        define(compression.recipients, recipient, recipientCode);
        define(compression.senders, sender, senderCode);
        define(compression.manifests, manifest, manifestCode);
    }

    private static int code(final OutboundTable table, final Object key, final boolean cacheable)
    {
        final int id = table.lookup(key);
        if (id >= 0)
        {
            return id;
        }
        final int next = cacheable ? table.nextId() : DirectEnvelopeFlyweight.NONE;
        return next >= 0 ? DirectEnvelopeFlyweight.definition(next) : DirectEnvelopeFlyweight.LITERAL;
    }

    private static void define(final OutboundTable table, final Object key, final int code)
    {
        if (DirectEnvelopeFlyweight.isDefinition(code))
        {
            table.define(key, DirectEnvelopeFlyweight.definedId(code));
        }
    }

    private static int literalLength(final byte[] literal)
    {
        return null == literal ? 0 : DirectEnvelopeFlyweight.LITERAL_PREFIX_LENGTH + literal.length;
    }
}
