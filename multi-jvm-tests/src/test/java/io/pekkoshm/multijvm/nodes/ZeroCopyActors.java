package io.pekkoshm.multijvm.nodes;

import io.pekkoshm.testkit.process.ChildControl;
import io.pekkoshm.remote.blob.SharedBlob;
import io.pekkoshm.remote.wire.BlobHeaderFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The zero-copy side of the {@link ScriptedNode}s: self-checking {@link SharedBlob}s and the actor that receives them.
 * <pre>
 *   0        8                16                                        length
 *   +--------+----------------+-----------------------------------------+
 *   | CRC32  | reply slot (0) | pattern from the seed                   |   CRC32 of [16, length), little endian
 *   +--------+----------------+-----------------------------------------+
 * </pre>
 * The receiver writes its pid into the reply slot, which the checksum does not cover: the sender then reads it from
 * the block's file, showing that both JVMs touched one and the same memory.
 */
final class ZeroCopyActors
{
    static final int REPLY_SLOT = 8;
    private static final int PATTERN_START = 16;

    private ZeroCopyActors()
    {
    }

    /**
     * Hosted at {@code /user/zc-sink}: checks each blob and reports {@code ZC ok|BAD <length> <file> <pid>}; in hold
     * mode it writes its pid into the reply slot and keeps the blob, else it releases it at once. "release" releases
     * what it holds ({@code ZC-RELEASED n}); "verify" checks what it holds again ({@code ZC-VERIFIED n ok|BAD}).
     */
    static final class Sink extends AbstractActor
    {
        private final boolean hold;
        private final List<SharedBlob> held = new ArrayList<>();

        Sink(final boolean hold)
        {
            this.hold = hold;
        }

        static Props props(final boolean hold)
        {
            return Props.create(Sink.class, () -> new Sink(hold));
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(SharedBlob.class, this::onBlob)
                .matchEquals("release", m ->
                {
                    held.forEach(SharedBlob::release);
                    ChildControl.report("ZC-RELEASED " + held.size());
                    held.clear();
                })
                .matchEquals("verify", m ->
                {
                    boolean intact = true;
                    for (final SharedBlob blob : held)
                    {
                        intact &= isIntact(blob.buffer(), blob.length());
                    }
                    ChildControl.report("ZC-VERIFIED " + held.size() + (intact ? " ok" : " BAD"));
                })
                .build();
        }

        private void onBlob(final SharedBlob blob)
        {
            final boolean intact = isIntact(blob.buffer(), blob.length());
            final long pid = ProcessHandle.current().pid();
            if (hold)
            {
                blob.buffer().putLong(REPLY_SLOT, pid, ByteOrder.LITTLE_ENDIAN);
                held.add(blob);
            }
            else
            {
                blob.release();
            }
            ChildControl.report("ZC " + (intact ? "ok " : "BAD ") + blob.length() + " " + blob.file() + " " + pid);
        }
    }

    /** Fills a blob: the pattern of {@code seed}, an empty reply slot, and the checksum. */
    static void fill(final MutableDirectBuffer buffer, final long length, final long seed)
    {
        final byte[] chunk = new byte[1 << 20];
        long x = seed * 0x9E3779B97F4A7C15L + length + 1;
        final CRC32 crc = new CRC32();
        for (long at = PATTERN_START; at < length; at += chunk.length)
        {
            final int n = (int)Math.min(chunk.length, length - at);
            for (int i = 0; i < n; i += 8)
            {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                for (int j = 0; j < 8 && i + j < n; j++)
                {
                    chunk[i + j] = (byte)(x >>> (8 * j));
                }
            }
            buffer.putBytes((int)at, chunk, 0, n);
            crc.update(chunk, 0, n);
        }
        buffer.putLong(REPLY_SLOT, 0);
        buffer.putLong(0, crc.getValue(), ByteOrder.LITTLE_ENDIAN);
    }

    static boolean isIntact(final DirectBuffer buffer, final long length)
    {
        final byte[] chunk = new byte[1 << 20];
        final CRC32 crc = new CRC32();
        for (long at = PATTERN_START; at < length; at += chunk.length)
        {
            final int n = (int)Math.min(chunk.length, length - at);
            buffer.getBytes((int)at, chunk, 0, n);
            crc.update(chunk, 0, n);
        }
        return crc.getValue() == buffer.getLong(0, ByteOrder.LITTLE_ENDIAN);
    }

    /** The reply slot of a blob, read from its block file with plain file I/O (no mapping of this JVM). */
    static long peekReplySlot(final Path blockFile) throws IOException
    {
        try (FileChannel channel = FileChannel.open(blockFile))
        {
            final ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(bytes, BlobHeaderFlyweight.DATA_OFFSET + REPLY_SLOT);
            return bytes.flip().getLong();
        }
    }
}
