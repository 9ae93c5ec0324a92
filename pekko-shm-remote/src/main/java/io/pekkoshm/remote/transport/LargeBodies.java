package io.pekkoshm.remote.transport;

/**
 * What an association offers the reading of its large bodies: a task submitted here runs its heavy part off the node
 * agent's thread, and the association's classic payloads that arrive after it (system messages among them) are held
 * until it has completed, so a {@code Terminated} never overtakes the last message before it. The direct path keeps
 * its own per-recipient order on top ({@code InboundSession}) and reports what it holds here, for the node's
 * {@code messages held} counter.
 * <p>
 * Threading: the node agent's only.
 */
public interface LargeBodies
{
    /**
     * Runs the task's heavy part on a large-body thread and its completion on the node agent's thread.
     *
     * @param task the reading of one large body.
     */
    void submit(LargeBodyTask task);

    /**
     * Messages of this association start or stop waiting behind a large body.
     *
     * @param delta how many more (negative: fewer) wait now.
     */
    void held(int delta);
}
