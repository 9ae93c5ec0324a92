package io.pekkoshm.samples.pingpong;

import io.pekkoshm.remote.serialization.KryoMessage;

/** The ping-pong sample's messages, registered in {@code ping-pong.conf}. */
final class PingPongProtocol
{
    /** The pong node announces itself; the sender is its actor. */
    record Hello() implements KryoMessage
    {
    }

    /** One round trip starts: answered with a {@link Pong} of the same sequence number. */
    record Ping(long sequence) implements KryoMessage
    {
    }

    /** The answer to a {@link Ping}. */
    record Pong(long sequence) implements KryoMessage
    {
    }

    /** The pong node shuts down and its JVM exits. */
    record Stop() implements KryoMessage
    {
    }

    private PingPongProtocol()
    {
    }
}
