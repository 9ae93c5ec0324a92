package io.pekkoshm.remote.transport;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** A classic remoting payload as a frame body: the caller's bytes, copied where the frame goes. */
final class ClassicBody implements FrameBody
{
    final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private byte[] bytes;
    private int offset;
    private int length;

    void wrap(final byte[] bytes, final int offset, final int length)
    {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        if (null != bytes)
        {
            view.wrap(bytes, offset, length);
        }
    }

    @Override
    public int payloadLength()
    {
        return length;
    }

    @Override
    public int length()
    {
        return length;
    }

    @Override
    public int detach()
    {
        return length;
    }

    @Override
    public void write(final MutableDirectBuffer buffer, final int at)
    {
        buffer.putBytes(at, bytes, offset, length);
    }
}
