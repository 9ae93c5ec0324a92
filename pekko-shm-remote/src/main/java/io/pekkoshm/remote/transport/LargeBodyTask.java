package io.pekkoshm.remote.transport;

/**
 * The reading of one large body (a payload in a peer's blob block), split between a large-body thread and the node
 * agent's thread: the heavy part (the copy out of the block, the deserialization) runs off the agent's thread, the
 * delivery back on it, in the order its association requires ({@link LargeBodies}).
 */
public interface LargeBodyTask
{
    /**
     * On a large-body thread: reads and deserializes the body, then releases its block, whatever happens. Must not
     * throw: a failure is kept for {@link #completeOnAgent}.
     */
    void runOffThread();

    /** On the node agent's thread, after {@link #runOffThread}: delivers the result, or reports its failure. */
    void completeOnAgent();

    /**
     * On the node agent's thread, instead of {@link #runOffThread} and {@link #completeOnAgent}: the body never came
     * whole (a peer of another host sends it in pieces, and its association ended before the last one). Reports the
     * message as dropped, releases the body, and lets what waited behind it go on.
     *
     * @param reason why the body is incomplete, for the log.
     */
    void incomplete(String reason);

    /**
     * The node stops before the result is delivered (whether or not {@link #runOffThread} ran): releases the block if
     * it is still held. The transport counts the message as dropped. Called on the thread that stops the node.
     */
    void abandon();
}
