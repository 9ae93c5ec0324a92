package io.pekkoshm.remote.transport;

import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.apache.pekko.actor.Address;

import java.util.concurrent.CompletableFuture;

/**
 * The only way other threads reach the node agent's state: each call queues a command that the agent runs at the
 * start of its next duty cycle, in the order they were queued. Aeron's {@code ReceiverProxy} does the same job.
 * <p>
 * Threading: any thread may call every method except {@link #drain()}, which only the agent calls.
 */
final class NodeProxy
{
    /** What the commands do, on the agent's thread. */
    interface Commands
    {
        /** Opens an association to {@code remote}; {@code promise} gets its link or the reason it failed. */
        void openOutbound(Address remote, CompletableFuture<Link> promise);

        /** The upper layer is ready: from now on peers' handshakes are read and it is told of inbound links. */
        void listen(NodeListener listener);

        /** Ends an association (the upper layer asked); the peer is told. */
        void disassociate(Association association, String reason);

        /** The image of a peer's publication (session {@code sessionId}) went away. */
        void onImageUnavailable(int sessionId);
    }

    private final ManyToOneConcurrentLinkedQueue<Runnable> queue = new ManyToOneConcurrentLinkedQueue<>();
    private Commands commands;

    /** Binds the agent's side; once, before the agent's first duty cycle. */
    void bind(final Commands commands)
    {
        this.commands = commands;
    }

    void associate(final Address remote, final CompletableFuture<Link> promise)
    {
        queue.offer(() -> commands.openOutbound(remote, promise));
    }

    void listen(final NodeListener listener)
    {
        queue.offer(() -> commands.listen(listener));
    }

    void disassociate(final Association association, final String reason)
    {
        queue.offer(() -> commands.disassociate(association, reason));
    }

    void onImageUnavailable(final int sessionId)
    {
        queue.offer(() -> commands.onImageUnavailable(sessionId));
    }

    /** The upper layer registered its reader on an association: what arrived until then is handed over. */
    void reader(final Association association, final LinkReader reader)
    {
        queue.offer(() -> association.readerReady(reader));
    }

    /**
     * Runs the queued commands (agent thread only).
     *
     * @return how many ran.
     */
    int drain()
    {
        int count = 0;
        Runnable command;
        while (null != (command = queue.poll()))
        {
            command.run();
            count++;
        }
        return count;
    }
}
