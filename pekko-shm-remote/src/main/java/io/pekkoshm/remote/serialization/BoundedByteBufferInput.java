package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;

/**
 * A {@link ByteBufferInput} over a caller's buffer that holds a whole payload and nothing may be read past it.
 *
 * <ul>
 *   <li>It never compacts or refills the buffer. Kryo's own class compacts its buffer when a read runs past the
 *       limit, which would move the caller's position and limit (or fail on a read-only buffer) before it reports
 *       the underflow; this one reports the underflow at once.</li>
 *   <li>A length read from the payload (of a string or a primitive array) is checked against the bytes left before
 *       anything is allocated for it, so a corrupt or crafted length cannot make the JVM allocate gigabytes.
 *       {@link #checkCount(Input, long, int)} does the same for the serializers of collections and arrays.</li>
 * </ul>
 *
 * <p>Not thread-safe; pooled and used by one thread at a time.
 */
final class BoundedByteBufferInput extends ByteBufferInput
{
    /**
     * Fails unless {@code count} items of at least {@code minBytesEach} bytes each fit in what is left of
     * {@code input}, which must be a bounded (not stream-backed) input.
     */
    static void checkCount(final Input input, final long count, final int minBytesEach)
    {
        final long left = (long)input.limit() - input.position();
        if (count < 0 || count * minBytesEach > left)
        {
            throw new KryoException("Corrupt payload: " + count + " items announced at offset " + input.position() +
                " but only " + left + " bytes left");
        }
    }

    @Override
    protected int require(final int required)
    {
        final int remaining = limit - position;
        if (remaining >= required)
        {
            return remaining;
        }
        throw new KryoBufferUnderflowException(
            "Payload ends early: " + required + " more bytes needed at offset " + position + ", " + remaining +
            " left");
    }

    @Override
    public String readString()
    {
        checkUtf8Length();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder()
    {
        checkUtf8Length();
        return super.readStringBuilder();
    }

    /**
     * A UTF-8 string starts with its char count + 1 (0 for null); ASCII strings are read byte by byte and need no
     * check.
     */
    private void checkUtf8Length()
    {
        if (position < limit && readVarIntFlag())
        {
            final int start = position;
            final int countPlusOne = readVarIntFlag(true);
            if (countPlusOne > 0)
            {
                checkCount(this, countPlusOne - 1L, 1);
            }
            setPosition(start);
        }
    }

    @Override
    public byte[] readBytes(final int length)
    {
        checkCount(this, length, 1);
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(final int length)
    {
        checkCount(this, length, 4);
        return super.readInts(length);
    }

    @Override
    public int[] readInts(final int length, final boolean optimizePositive)
    {
        checkCount(this, length, 1);
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(final int length)
    {
        checkCount(this, length, 8);
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(final int length, final boolean optimizePositive)
    {
        checkCount(this, length, 1);
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(final int length)
    {
        checkCount(this, length, 4);
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(final int length)
    {
        checkCount(this, length, 8);
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(final int length)
    {
        checkCount(this, length, 2);
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(final int length)
    {
        checkCount(this, length, 2);
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(final int length)
    {
        checkCount(this, length, 1);
        return super.readBooleans(length);
    }
}
