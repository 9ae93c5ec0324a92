package io.pekkoshm.remote.fuzz;

import io.pekkoshm.remote.wire.BatchRecordFlyweight;
import io.pekkoshm.remote.wire.BlobDescriptorFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import io.pekkoshm.remote.wire.HelloFlyweight;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Hostile frames for the inbound decoder, built from the wire format documented in {@link FrameHeaderFlyweight} and
 * {@link HelloFlyweight} (little-endian: version, type, reserved, argument, body) and nothing else. Deterministic for
 * a seed. Not thread-safe.
 */
final class FuzzFrames
{
    /** A frame and what kind of lie it tells, for failure messages. */
    record Frame(String kind, byte[] bytes)
    {
    }

    /** The blocks {@link InboundDecoderFuzzTest} lays out in the fake peer's blob directory. */
    static final long BLOCK_SENT = 1;
    static final long BLOCK_NOT_A_BLOB = 3;
    static final long BLOCK_TRUNCATED = 4;
    static final long BLOCK_FREE = 5;
    static final long BLOCK_CAPACITY_LIE = 6;
    static final long BLOCK_GENERATION = 7;
    static final long BLOCK_LENGTH = 1000;
    static final long BLOCK_CAPACITY = 64 * 1024;

    private static final String[] UNAUTHENTICATED = { "random", "truncated", "large-random", "bad-version",
        "unknown-type", "no-handshake", "hello-malformed", "hello-foreign-host", "hello-ack-unknown" };
    private static final String[] KILLERS = { "truncated", "bad-version", "unknown-type", "batch-count-overflow",
        "batch-negative-length", "batch-length-past-end", "batch-truncated-prefix", "blob-short", "blob-missing-block",
        "blob-outside-block", "blob-stale-generation", "blob-not-sent", "blob-not-a-blob", "blob-truncated-file",
        "blob-capacity-lie" };

    private final SplittableRandom random;

    FuzzFrames(final long seed)
    {
        this.random = new SplittableRandom(seed);
    }

    /** A frame every node must reject when it comes from an IPC session that never completed a handshake. */
    Frame unauthenticated()
    {
        final String kind = UNAUTHENTICATED[random.nextInt(UNAUTHENTICATED.length)];
        switch (kind)
        {
            case "random":
                return new Frame(kind, notAHandshake(bytes(random.nextInt(0, 2048))));
            case "truncated":
                return new Frame(kind, bytes(random.nextInt(0, FrameHeaderFlyweight.LENGTH)));
            case "large-random":
                return new Frame(kind, notAHandshake(bytes(random.nextInt(2048, RawPeer.MAX_FRAME + 1))));
            case "bad-version":
                return new Frame(kind, frame(badVersion(), (byte)random.nextInt(256), random.nextInt(),
                    bytes(random.nextInt(0, 256))));
            case "unknown-type":
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, unknownType(), random.nextInt(),
                    bytes(random.nextInt(0, 256))));
            case "no-handshake":
                final byte[] types = { FrameHeaderFlyweight.DATA, FrameHeaderFlyweight.BATCH,
                    FrameHeaderFlyweight.BLOB, FrameHeaderFlyweight.HEARTBEAT,
                    FrameHeaderFlyweight.DISASSOCIATE };
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, types[random.nextInt(types.length)],
                    random.nextInt(), bytes(random.nextInt(0, 512))));
            case "hello-malformed":
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.HELLO, 0,
                    malformedHello()));
            case "hello-foreign-host":
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.HELLO, 0,
                    hello("fuzzer", "not-" + random.nextInt(1_000_000) + ".example", 1 + random.nextInt(65535),
                        random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong())));
            case "hello-ack-unknown":
            default:
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.HELLO_ACK,
                    random.nextInt(),
                    random.nextBoolean() ? bytes(random.nextInt(0, 128)) : hello("target", "localhost",
                        1 + random.nextInt(65535), random.nextLong(), random.nextLong(), random.nextLong(), 0)));
        }
    }

    /**
     * A frame that, inside an established association, breaks the documented format in a way the node must notice:
     * it rejects it (counted once) and ends the association.
     */
    Frame killer()
    {
        final String kind = KILLERS[random.nextInt(KILLERS.length)];
        switch (kind)
        {
            case "truncated":
                return new Frame(kind, bytes(random.nextInt(0, FrameHeaderFlyweight.LENGTH)));
            case "bad-version":
                return new Frame(kind, frame(badVersion(), FrameHeaderFlyweight.DATA, 0, bytes(random.nextInt(0, 64))));
            case "unknown-type":
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, unknownType(), random.nextInt(),
                    bytes(random.nextInt(0, 64))));
            case "batch-count-overflow":
            {
                final int records = random.nextInt(0, 4);
                final ByteBuffer body = body(records * 64 + 64);
                for (int i = 0; i < records; i++)
                {
                    final int length = random.nextInt(0, 40);
                    body.putInt(length).put(bytes(length));
                }
                final int count = records + 1 + (random.nextBoolean() ? random.nextInt(0, 10) :
                    random.nextInt(0, Integer.MAX_VALUE - records));
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.BATCH, count,
                    trimmed(body)));
            }
            case "batch-negative-length":
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.BATCH,
                    1 + random.nextInt(0, 100),
                    trimmed(body(64).putInt(-1 - random.nextInt(Integer.MAX_VALUE)).put(bytes(16)))));
            case "batch-length-past-end":
            {
                final int present = random.nextInt(0, 32);
                final int claimed = random.nextBoolean() ? present + 1 + random.nextInt(0, 1000) : Integer.MAX_VALUE;
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.BATCH, 1,
                    trimmed(body(64).putInt(claimed).put(bytes(present)))));
            }
            case "batch-truncated-prefix":
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.BATCH,
                    1 + random.nextInt(0, 5),
                    bytes(random.nextInt(1, BatchRecordFlyweight.HEADER_LENGTH))));
            case "blob-short":
                return new Frame(kind, frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.BLOB, 0,
                    bytes(random.nextInt(0, BlobDescriptorFlyweight.FRAME_LENGTH - FrameHeaderFlyweight.LENGTH))));
            case "blob-missing-block":
            {
                long id;
                do
                {
                    id = random.nextBoolean() ? random.nextLong() : random.nextLong(7, 1000);
                }
                while (id >= BLOCK_SENT && id <= BLOCK_CAPACITY_LIE);
                return new Frame(kind, blob(id, random.nextLong(), random.nextLong()));
            }
            case "blob-outside-block":
            {
                final long[] lengths = { BLOCK_CAPACITY + 1, BLOCK_CAPACITY + 1 + random.nextLong(0, 1L << 40),
                    Long.MAX_VALUE, -1, Long.MIN_VALUE, Integer.MAX_VALUE, -random.nextLong(1, Long.MAX_VALUE) };
                return new Frame(kind, blob(BLOCK_SENT, BLOCK_GENERATION, lengths[random.nextInt(lengths.length)]));
            }
            case "blob-stale-generation":
            {
                long generation;
                do
                {
                    generation = random.nextBoolean() ? random.nextLong() : random.nextLong(0, 20);
                }
                while (BLOCK_GENERATION == generation);
                return new Frame(kind, blob(BLOCK_SENT, generation, BLOCK_LENGTH));
            }
            case "blob-not-sent":
                return new Frame(kind, blob(BLOCK_FREE, BLOCK_GENERATION, BLOCK_LENGTH));
            case "blob-not-a-blob":
                return new Frame(kind, blob(BLOCK_NOT_A_BLOB, BLOCK_GENERATION, BLOCK_LENGTH));
            case "blob-truncated-file":
                return new Frame(kind, blob(BLOCK_TRUNCATED, BLOCK_GENERATION, BLOCK_LENGTH));
            case "blob-capacity-lie":
            default:
                return new Frame(kind, blob(BLOCK_CAPACITY_LIE, BLOCK_GENERATION, BLOCK_LENGTH));
        }
    }

    /**
     * Anything at all inside an established association: well-formed frames with garbage payloads (which reach
     * Pekko's protocol layer, never an actor), heartbeats, or the kinds above.
     */
    Frame soup()
    {
        switch (random.nextInt(5))
        {
            case 0:
                return new Frame("data-garbage", frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.DATA, 0,
                    bytes(random.nextInt(0, 4096))));
            case 1:
                return new Frame("heartbeat", frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.HEARTBEAT, 0,
                    new byte[0]));
            case 2:
                return new Frame("random", bytes(random.nextInt(0, 512)));
            case 3:
                return unauthenticated();
            default:
                return killer();
        }
    }

    /** A valid HELLO body for {@code identity}, as {@link HelloFlyweight} documents it. */
    static byte[] hello(final String system, final String host, final int port, final long incarnation,
        final long pekkoUid, final long pid, final long processStartMillis)
    {
        final byte[] systemBytes = system.getBytes(StandardCharsets.UTF_8);
        final byte[] hostBytes = host.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer body = ByteBuffer.allocate(HelloFlyweight.SYSTEM_OFFSET + systemBytes.length + 4 +
            hostBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        body.putLong(HelloFlyweight.INCARNATION_OFFSET, incarnation)
            .putLong(HelloFlyweight.PEKKO_UID_OFFSET, pekkoUid)
            .putLong(HelloFlyweight.PID_OFFSET, pid)
            .putLong(HelloFlyweight.PROCESS_START_OFFSET, processStartMillis)
            .putInt(HelloFlyweight.PORT_OFFSET, port)
            .putInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET, systemBytes.length)
            .position(HelloFlyweight.SYSTEM_OFFSET);
        body.put(systemBytes).putInt(hostBytes.length).put(hostBytes);
        return body.array();
    }

    /**
     * A handshake body with its proof: the HMAC-SHA256 of the body keyed with the node directory's secret file, as
     * FrameHeaderFlyweight and docs/architecture.md ("Wire formats") document it. Without it a HELLO is rejected
     * before its body is read.
     */
    static byte[] signed(final byte[] body, final byte[] secret)
    {
        try
        {
            final javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            final byte[] proof = mac.doFinal(body);
            final byte[] signed = java.util.Arrays.copyOf(body, body.length + proof.length);
            System.arraycopy(proof, 0, signed, body.length, proof.length);
            return signed;
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** A frame: the documented 8-byte header, then {@code body}. */
    static byte[] frame(final byte version, final byte type, final int argument, final byte[] body)
    {
        return ByteBuffer.allocate(FrameHeaderFlyweight.LENGTH + body.length).order(ByteOrder.LITTLE_ENDIAN)
            .put(FrameHeaderFlyweight.VERSION_OFFSET, version)
            .put(FrameHeaderFlyweight.TYPE_OFFSET, type)
            .putShort(FrameHeaderFlyweight.FLAGS_OFFSET, (short)0)
            .putInt(FrameHeaderFlyweight.ARGUMENT_OFFSET, argument)
            .put(FrameHeaderFlyweight.LENGTH, body)
            .array();
    }

    private byte[] malformedHello()
    {
        final byte[] valid = hello("fuzzer", "localhost", 1 + random.nextInt(65535), random.nextLong(),
            random.nextLong(), random.nextLong(), random.nextLong());
        final ByteBuffer body = ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN);
        final int systemLength = "fuzzer".length();
        final int hostLengthOffset = HelloFlyweight.SYSTEM_OFFSET + systemLength;
        switch (random.nextInt(5))
        {
            case 0:
                // Too short to hold the fixed part.
                return java.util.Arrays.copyOf(valid, random.nextInt(0, HelloFlyweight.SYSTEM_OFFSET + 4));
            case 1:
            {
                final int[] lies = { -1, Integer.MIN_VALUE, HelloFlyweight.MAX_NAME_LENGTH + 1, Integer.MAX_VALUE,
                    valid.length, systemLength + 5 + random.nextInt(0, 200) };
                body.putInt(HelloFlyweight.SYSTEM_LENGTH_OFFSET, lies[random.nextInt(lies.length)]);
                return valid;
            }
            case 2:
            {
                final int[] lies = { -1, Integer.MIN_VALUE, HelloFlyweight.MAX_NAME_LENGTH + 1, Integer.MAX_VALUE,
                    "localhost".length() + 1 + random.nextInt(0, 200) };
                body.putInt(hostLengthOffset, lies[random.nextInt(lies.length)]);
                return valid;
            }
            case 3:
            {
                final int[] ports = { 0, -1, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE };
                body.putInt(HelloFlyweight.PORT_OFFSET, ports[random.nextInt(ports.length)]);
                return valid;
            }
            default:
                // Cut inside the host name: its length now lies.
                return java.util.Arrays.copyOf(valid, hostLengthOffset + 4 + random.nextInt(0, "localhost".length()));
        }
    }

    private byte[] blob(final long blockId, final long generation, final long length)
    {
        final ByteBuffer body = body(BlobDescriptorFlyweight.FRAME_LENGTH - FrameHeaderFlyweight.LENGTH)
            .putLong(blockId).putLong(generation).putLong(length);
        return frame(FrameHeaderFlyweight.VERSION, FrameHeaderFlyweight.BLOB, 0, body.array());
    }

    private byte badVersion()
    {
        byte version;
        do
        {
            version = (byte)random.nextInt(256);
        }
        while (FrameHeaderFlyweight.VERSION == version);
        return version;
    }

    private byte unknownType()
    {
        byte type;
        do
        {
            type = (byte)random.nextInt(256);
        }
        while (type >= FrameHeaderFlyweight.HELLO && type <= FrameHeaderFlyweight.BLOB);
        return type;
    }

    /** Random bytes that a node cannot take for a handshake frame (the version of one is changed). */
    private static byte[] notAHandshake(final byte[] bytes)
    {
        if (bytes.length > FrameHeaderFlyweight.TYPE_OFFSET &&
            FrameHeaderFlyweight.VERSION == bytes[FrameHeaderFlyweight.VERSION_OFFSET] &&
            (FrameHeaderFlyweight.HELLO == bytes[FrameHeaderFlyweight.TYPE_OFFSET] ||
            FrameHeaderFlyweight.HELLO_ACK == bytes[FrameHeaderFlyweight.TYPE_OFFSET]))
        {
            bytes[FrameHeaderFlyweight.VERSION_OFFSET] = FrameHeaderFlyweight.VERSION + 1;
        }
        return bytes;
    }

    private byte[] bytes(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
        return bytes;
    }

    private static ByteBuffer body(final int capacity)
    {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] trimmed(final ByteBuffer body)
    {
        return java.util.Arrays.copyOf(body.array(), body.position());
    }
}
