package io.pekkoshm.remote.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The body of a DIRECT frame: one actor message. Little-endian; offsets from the start of the body.
 * <pre>
 *   0                               4                               8
 *   +-------------------------------+-------------------------------+
 *   |       recipient (code)        |         sender (code)         |
 *   +-------------------------------+-------------------------------+
 *   |     serializer id (int32)     |        manifest (code)        |
 *   +-------------------------------+-------------------------------+  16
 *   |  literals: for each of recipient, sender, manifest (in that order) whose code
 *   |  is DEFINE|id or LITERAL:  length uint16 | UTF-8 bytes
 *   +---------------------------------------------------------------+
 *   |  payload: the serialized message, to the end of the body
 * </pre>
 * Codes: {@code 0..MAX_ID} an entry of the association's table for that field; {@code DEFINE | id} the literal
 * follows and becomes entry {@code id}; {@link #LITERAL} the literal follows and is not kept; {@link #NONE} no
 * sender, or an empty manifest (never a recipient). The sender defines an entry in the frame that first uses it, and
 * the stream is ordered, so both ends agree on the tables without any other exchange. Recipients and senders are
 * actor paths in Pekko's serialization format (with address and uid).
 * <p>
 * An instance is a view over one envelope at a time ({@link #wrap}: two field stores, nothing allocated); it holds no
 * state of its own and is not thread-safe: each sending thread's writer and each inbound session uses its own. The
 * putters need a {@link MutableDirectBuffer}. Bytes from a peer are not trusted: the reader checks the body's length
 * ({@link #checkLength}), each code ({@link #checkCode}) and each literal's length ({@link #literalLength}) before it
 * follows them; each check throws {@link MalformedFrameException}.
 */
public final class DirectEnvelopeFlyweight
{
    /** Offset of the recipient's code, int32. */
    public static final int RECIPIENT_OFFSET = 0;
    /** Offset of the sender's code, int32. */
    public static final int SENDER_OFFSET = 4;
    /** Offset of the payload's serializer id, int32. */
    public static final int SERIALIZER_OFFSET = 8;
    /** Offset of the manifest's code, int32. */
    public static final int MANIFEST_OFFSET = 12;
    /** Offset of the literals, if any, then the payload: the length of the fixed part. */
    public static final int LITERALS_OFFSET = 16;

    /** Code: no sender, or an empty manifest. */
    public static final int NONE = -1;
    /** Code: a literal follows and is not kept in the table. */
    public static final int LITERAL = -2;
    /** Code bit: {@code DEFINE | id}, a literal follows and becomes entry {@code id} of the table. */
    public static final int DEFINE = 0x4000_0000;
    /** The largest table entry id. */
    public static final int MAX_ID = DEFINE - 1;
    /** Longest literal: an actor path or manifest of up to this many UTF-8 bytes. */
    public static final int MAX_LITERAL_LENGTH = 0xFFFF;
    /** Length of a literal's length prefix, uint16. */
    public static final int LITERAL_PREFIX_LENGTH = 2;

    private DirectBuffer buffer;
    private int offset;

    /**
     * Points this flyweight at an envelope: to read one that arrived, or to write one into a frame being built (the
     * buffer must then be a {@link MutableDirectBuffer}).
     *
     * @param buffer the frame's buffer.
     * @param offset where the envelope (the frame's body) starts.
     * @return this flyweight.
     */
    public DirectEnvelopeFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** {@return where the literals (then the payload) start in the wrapped buffer} */
    public int literalsOffset()
    {
        return offset + LITERALS_OFFSET;
    }

    /** {@return the recipient's code, as the sender wrote it (check it with {@link #checkCode})} */
    public int recipientCode()
    {
        return buffer.getInt(offset + RECIPIENT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param code an id, {@code DEFINE | id} or {@link #LITERAL}.
     * @return this flyweight.
     */
    public DirectEnvelopeFlyweight recipientCode(final int code)
    {
        ((MutableDirectBuffer)buffer).putInt(offset + RECIPIENT_OFFSET, code, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the sender's code, as the sender wrote it (check it with {@link #checkCode})} */
    public int senderCode()
    {
        return buffer.getInt(offset + SENDER_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param code an id, {@code DEFINE | id}, {@link #LITERAL} or {@link #NONE}.
     * @return this flyweight.
     */
    public DirectEnvelopeFlyweight senderCode(final int code)
    {
        ((MutableDirectBuffer)buffer).putInt(offset + SENDER_OFFSET, code, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the id of the serializer that made the payload} */
    public int serializerId()
    {
        return buffer.getInt(offset + SERIALIZER_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param serializerId the id of Pekko's serializer that made the payload.
     * @return this flyweight.
     */
    public DirectEnvelopeFlyweight serializerId(final int serializerId)
    {
        ((MutableDirectBuffer)buffer).putInt(offset + SERIALIZER_OFFSET, serializerId, LITTLE_ENDIAN);
        return this;
    }

    /** {@return the manifest's code, as the sender wrote it (check it with {@link #checkCode})} */
    public int manifestCode()
    {
        return buffer.getInt(offset + MANIFEST_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param code an id, {@code DEFINE | id}, {@link #LITERAL} or {@link #NONE}.
     * @return this flyweight.
     */
    public DirectEnvelopeFlyweight manifestCode(final int code)
    {
        ((MutableDirectBuffer)buffer).putInt(offset + MANIFEST_OFFSET, code, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Writes a literal, length first.
     *
     * @param position where it goes in the wrapped buffer ({@link #literalsOffset()} for the first).
     * @param literal  its bytes, from {@link #literal(String)}.
     * @return the position after it.
     */
    public int putLiteral(final int position, final byte[] literal)
    {
        final MutableDirectBuffer out = (MutableDirectBuffer)buffer;
        out.putShort(position, (short)literal.length, LITTLE_ENDIAN);
        out.putBytes(position + LITERAL_PREFIX_LENGTH, literal);
        return position + LITERAL_PREFIX_LENGTH + literal.length;
    }

    /**
     * Reads the length of a literal of an envelope that ends at {@code end}; the literal's bytes follow its
     * {@link #LITERAL_PREFIX_LENGTH} bytes of length.
     *
     * @param position where the literal starts in the wrapped buffer.
     * @param end      where the envelope ends in the wrapped buffer.
     * @return the length of the literal's text in bytes.
     * @throws MalformedFrameException if the literal does not fit before {@code end}.
     */
    public int literalLength(final int position, final int end)
    {
        if (position + LITERAL_PREFIX_LENGTH > end)
        {
            throw new MalformedFrameException("direct envelope ends inside a literal's length");
        }
        final int length = buffer.getShort(position, LITTLE_ENDIAN) & 0xFFFF;
        if (position + LITERAL_PREFIX_LENGTH + length > end)
        {
            throw new MalformedFrameException("direct envelope literal of " + length + " bytes does not fit");
        }
        return length;
    }

    /**
     * @param position where the literal starts in the wrapped buffer.
     * @param length   its length, as {@link #literalLength} checked it.
     * @return the literal's text.
     */
    public String getLiteral(final int position, final int length)
    {
        return buffer.getStringWithoutLengthUtf8(position + LITERAL_PREFIX_LENGTH, length);
    }

    /**
     * @param code a field's code.
     * @return whether a literal follows for it ({@code DEFINE | id} or {@link #LITERAL}).
     */
    public static boolean hasLiteral(final int code)
    {
        return LITERAL == code || (code >= DEFINE);
    }

    /**
     * @param code a field's code.
     * @return whether it defines a table entry ({@code DEFINE | id}).
     */
    public static boolean isDefinition(final int code)
    {
        return code >= DEFINE;
    }

    /**
     * @param id a table entry id, {@code 0..MAX_ID}.
     * @return the code that defines entry {@code id} with the literal that follows.
     */
    public static int definition(final int id)
    {
        return DEFINE | id;
    }

    /**
     * @param code a code for which {@link #isDefinition} holds.
     * @return the table entry id it defines.
     */
    public static int definedId(final int code)
    {
        return code - DEFINE;
    }

    /**
     * @param text an actor path or a manifest.
     * @return its UTF-8 bytes, to write with {@link #putLiteral}.
     * @throws IllegalArgumentException if they are longer than {@link #MAX_LITERAL_LENGTH}.
     */
    public static byte[] literal(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_LITERAL_LENGTH)
        {
            throw new IllegalArgumentException("longer than " + MAX_LITERAL_LENGTH + " bytes: " +
                text.substring(0, 80) + "...");
        }
        return bytes;
    }

    /**
     * Checks that a body is long enough for the fixed part of an envelope.
     *
     * @param length the body's length in bytes.
     * @throws MalformedFrameException if it is shorter than {@link #LITERALS_OFFSET}.
     */
    public static void checkLength(final int length)
    {
        if (length < LITERALS_OFFSET)
        {
            throw new MalformedFrameException("direct envelope of " + length + " bytes");
        }
    }

    /**
     * Checks a code read from an envelope against the capacity of its field's table.
     *
     * @param code      the code.
     * @param tableSize the capacity of the receiving table of that field.
     * @param field     the field's name, for the message: recipient, sender or manifest.
     * @throws MalformedFrameException if it is none of the valid forms.
     */
    public static void checkCode(final int code, final int tableSize, final String field)
    {
        final boolean valid = NONE == code || LITERAL == code ||
            (code >= 0 && code < tableSize) || (code >= DEFINE && code - DEFINE < tableSize);
        if (!valid)
        {
            throw new MalformedFrameException("direct envelope " + field + " code " + code +
                " is invalid (table size " + tableSize + ")");
        }
    }

    /**
     * Checks that an envelope names a recipient (after {@link #checkCode} of each field).
     *
     * @param code the recipient's code.
     * @throws MalformedFrameException if it is {@link #NONE}.
     */
    public static void checkRecipient(final int code)
    {
        if (NONE == code)
        {
            throw new MalformedFrameException("direct envelope without a recipient");
        }
    }
}
