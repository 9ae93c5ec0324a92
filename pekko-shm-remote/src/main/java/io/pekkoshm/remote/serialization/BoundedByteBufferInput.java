package io.pekkoshm.remote.serialization;

import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;

/**
 * A {@link ByteBufferInput} over a caller's buffer that never compacts or refills it. Kryo's own class compacts its
 * buffer when a read runs past the limit, which would move the caller's position and limit (or fail on a read-only
 * buffer) before it reports the underflow; this one reports the underflow at once.
 *
 * <p>Not thread-safe; pooled and used by one thread at a time.
 */
final class BoundedByteBufferInput extends ByteBufferInput {
    @Override
    protected int require(final int required) {
        final int remaining = limit - position;
        if (remaining >= required) {
            return remaining;
        }
        throw new KryoBufferUnderflowException(
            "Payload ends early: " + required + " more bytes needed at offset " + position + ", " + remaining + " left");
    }
}
