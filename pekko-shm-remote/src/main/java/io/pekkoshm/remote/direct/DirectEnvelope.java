package io.pekkoshm.remote.direct;

import io.pekkoshm.remote.transport.MalformedFrameException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

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
 * sender, or an empty manifest. The sender defines an entry in the frame that first uses it, and the stream is
 * ordered, so both ends agree on the tables without any other exchange. Recipients and senders are actor paths in
 * Pekko's serialization format (with address and uid).
 */
final class DirectEnvelope
{
    static final int RECIPIENT_OFFSET = 0;
    static final int SENDER_OFFSET = 4;
    static final int SERIALIZER_OFFSET = 8;
    static final int MANIFEST_OFFSET = 12;
    static final int LITERALS_OFFSET = 16;

    static final int NONE = -1;
    static final int LITERAL = -2;
    static final int DEFINE = 0x4000_0000;
    static final int MAX_ID = DEFINE - 1;
    /** Longest literal: an actor path or manifest of up to this many UTF-8 bytes. */
    static final int MAX_LITERAL_LENGTH = 0xFFFF;
    static final int LITERAL_PREFIX_LENGTH = 2;

    private DirectEnvelope()
    {
    }

    /** Whether a code is followed by a literal. */
    static boolean hasLiteral(final int code)
    {
        return LITERAL == code || (code >= DEFINE);
    }

    /** The UTF-8 bytes of a literal, checked against {@link #MAX_LITERAL_LENGTH}. */
    static byte[] literal(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_LITERAL_LENGTH)
        {
            throw new IllegalArgumentException("longer than " + MAX_LITERAL_LENGTH + " bytes: " +
                text.substring(0, 80) + "...");
        }
        return bytes;
    }

    /** Writes a literal at {@code offset}; returns the offset after it. */
    static int putLiteral(final MutableDirectBuffer buffer, final int offset, final byte[] literal)
    {
        buffer.putShort(offset, (short)literal.length);
        buffer.putBytes(offset + LITERAL_PREFIX_LENGTH, literal);
        return offset + LITERAL_PREFIX_LENGTH + literal.length;
    }

    /**
     * Reads the length of the literal at {@code offset} of a body that ends at {@code end}.
     *
     * @throws MalformedFrameException if it does not fit.
     */
    static int literalLength(final DirectBuffer buffer, final int offset, final int end)
    {
        if (offset + LITERAL_PREFIX_LENGTH > end)
        {
            throw new MalformedFrameException("direct envelope ends inside a literal's length");
        }
        final int length = buffer.getShort(offset) & 0xFFFF;
        if (offset + LITERAL_PREFIX_LENGTH + length > end)
        {
            throw new MalformedFrameException("direct envelope literal of " + length + " bytes does not fit");
        }
        return length;
    }

    /** Reads the literal at {@code offset} whose length {@link #literalLength} gave. */
    static String getLiteral(final DirectBuffer buffer, final int offset, final int length)
    {
        return buffer.getStringWithoutLengthUtf8(offset + LITERAL_PREFIX_LENGTH, length);
    }

    /**
     * Checks a code read from a body against a table's capacity.
     *
     * @throws MalformedFrameException if it is none of the valid forms.
     */
    static void checkCode(final int code, final int tableSize, final String field)
    {
        final boolean valid = NONE == code || LITERAL == code ||
            (code >= 0 && code < tableSize) || (code >= DEFINE && code - DEFINE < tableSize);
        if (!valid)
        {
            throw new MalformedFrameException("direct envelope " + field + " code " + code +
                " is invalid (table size " +
                tableSize + ")");
        }
    }
}
