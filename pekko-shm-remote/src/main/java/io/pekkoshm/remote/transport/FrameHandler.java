package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import io.pekkoshm.remote.wire.MalformedFrameException;
import org.agrona.DirectBuffer;

/**
 * What {@link InboundFrames} found in the node's stream, one call per frame or batch record, on the node agent's
 * thread. Buffers are only valid during the call. A data callback may throw {@link MalformedFrameException}: the
 * decoder then reports the association as malformed.
 */
interface FrameHandler
{
    /**
     * A HELLO (whole frame, header included) on a session that is not an association yet. Session keys name the
     * session and its medium ({@link Medium#sessionKey}).
     */
    void onHello(long sessionKey, DirectBuffer buffer, int offset, int length);

    /** A HELLO_ACK (whole frame, header included) on a session that is not an association yet. */
    void onHelloAck(long sessionKey, DirectBuffer buffer, int offset, int length);

    /** A classic remoting payload. */
    void onData(Association association, DirectBuffer buffer, int offset, int length);

    /** A direct-path envelope and its payload. */
    void onDirect(Association association, DirectBuffer buffer, int offset, int length);

    /**
     * A body in one of the peer's blob blocks.
     *
     * @param bodyType {@link FrameHeaderFlyweight#DATA} or {@link FrameHeaderFlyweight#DIRECT}: what the body is.
     */
    void onBlob(Association association, byte bodyType, long blockId, long generation, long length);

    /**
     * One piece of a body too large for one frame (from a peer of another host).
     *
     * @param bodyType {@link FrameHeaderFlyweight#DATA} or {@link FrameHeaderFlyweight#DIRECT}: what the body is.
     * @param offset   where the CHUNK frame's body ({@code ChunkFlyweight}) starts.
     * @param length   the CHUNK frame's body length.
     */
    void onChunk(Association association, byte bodyType, DirectBuffer buffer, int offset, int length);

    /** The peer ended the association. */
    void onDisassociate(Association association);

    /** Messages that arrived on a session whose association this node has already ended. */
    void onLateMessages(long sessionKey, int count);

    /**
     * A BLOB frame that arrived on a session whose association this node has already ended (after
     * {@link #onLateMessages} counted it): its block is to be handed back to the peer that owns it.
     */
    void onLateBlob(long sessionKey, long blockId, long generation, long length);

    /** The peer broke the wire format: the association ends, the peer is told. */
    void onMalformed(Association association, String reason);

    /** A frame from a session that is not an association of this node, or not a valid one: rejected. */
    void onRejected(long sessionKey, String reason);
}
