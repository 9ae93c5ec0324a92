package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.wire.HelloFlyweight;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Who a node is, as its handshake says: address parts, the transport's incarnation (new for every start of a node,
 * so a restarted node on the same port is told apart), Pekko's system uid, and its process (pid and start time) for
 * liveness checks. On the wire it is a {@link HelloFlyweight}.
 */
public record NodeIdentity(
    String system,
    String host,
    int port,
    long incarnation,
    long pekkoUid,
    long pid,
    long processStartMillis)
{
    /**
     * {@return the identity read from a HELLO or HELLO_ACK body}
     *
     * @param hello a body that passed {@link HelloFlyweight#validate(int)}.
     */
    public static NodeIdentity from(final HelloFlyweight hello)
    {
        return new NodeIdentity(
            hello.system(),
            hello.host(),
            hello.port(),
            hello.incarnation(),
            hello.pekkoUid(),
            hello.pid(),
            hello.processStartMillis());
    }

    /**
     * Writes this identity as a HELLO or HELLO_ACK body.
     *
     * @param hello                wrapped where the body goes, with {@link #helloLength()} bytes of room.
     * @param addresseeIncarnation the incarnation of the node the frame is for, 0 if not known.
     * @return the body's length in bytes.
     * @throws IllegalArgumentException if a name is longer than {@link HelloFlyweight#MAX_NAME_LENGTH} bytes.
     */
    public int writeTo(final HelloFlyweight hello, final long addresseeIncarnation)
    {
        return hello
            .incarnation(incarnation)
            .pekkoUid(pekkoUid)
            .pid(pid)
            .processStartMillis(processStartMillis)
            .port(port)
            .names(system, host)
            .addresseeIncarnation(addresseeIncarnation)
            .length();
    }

    /** {@return the length of this identity's HELLO body in bytes} */
    public int helloLength()
    {
        return HelloFlyweight.length(system, host);
    }

    /**
     * {@return this identity's HELLO body for a node, without the proof, as a new array}
     *
     * @param addresseeIncarnation the incarnation of the node the frame is for, 0 if not known.
     */
    byte[] helloBody(final long addresseeIncarnation)
    {
        final byte[] body = new byte[helloLength()];
        writeTo(new HelloFlyweight().wrap(new UnsafeBuffer(body), 0), addresseeIncarnation);
        return body;
    }

    @Override
    public String toString()
    {
        return "pekko.shm://" + system + "@" + host + ":" + port + " (pid " + pid + ", incarnation " +
            Long.toHexString(incarnation) + ")";
    }
}
