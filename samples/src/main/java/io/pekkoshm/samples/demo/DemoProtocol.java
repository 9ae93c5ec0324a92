package io.pekkoshm.samples.demo;

import io.pekkoshm.remote.serialization.KryoMessage;

/**
 * The demo's messages: plain records, serialized by the plugin's Kryo serializer because they implement
 * {@link KryoMessage} and are registered in {@code demo.conf} (strict mode: the peer accepts only these).
 */
final class DemoProtocol
{
    /** The peer announces itself; the sender of this message is the peer's actor. */
    record Hello() implements KryoMessage
    {
    }

    /** One small message of the throughput run (the payload pads it to about 64 bytes on the wire). */
    record Tick(long sequence, byte[] payload) implements KryoMessage
    {
    }

    /** Flow control: the peer has received every Tick up to this count. */
    record Ack(long received) implements KryoMessage
    {
    }

    /** A ping, answered with the same record. */
    record Ping(long sequence, byte[] payload) implements KryoMessage
    {
    }

    /** The peer shuts down. */
    record Exit() implements KryoMessage
    {
    }

    static final int ACK_EVERY = 1000;

    private DemoProtocol()
    {
    }
}
