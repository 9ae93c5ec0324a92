package io.pekkoshm.samples.demo;

/**
 * The demo's messages are byte arrays (Pekko's ByteArraySerializer, no serializer to write): the first byte says
 * what it is.
 * <pre>
 *   'H' hello      peer -> main, the peer's actor is the sender
 *   'S' stream     main -> peer, one small message of the throughput run
 *   'A' ack        peer -> main, every ACK_EVERY stream messages (flow control)
 *   'P' ping       main -> peer, answered with the same bytes
 *   'X' exit       main -> peer, the peer shuts down
 * </pre>
 */
final class DemoProtocol
{
    static final byte HELLO = 'H';
    static final byte STREAM = 'S';
    static final byte ACK = 'A';
    static final byte PING = 'P';
    static final byte EXIT = 'X';

    static final int ACK_EVERY = 1000;

    private DemoProtocol()
    {
    }

    static byte[] message(final byte type, final int size)
    {
        final byte[] bytes = new byte[size];
        bytes[0] = type;
        return bytes;
    }
}
