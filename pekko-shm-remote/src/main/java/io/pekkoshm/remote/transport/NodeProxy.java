package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.host.DoorbellIdleStrategy;
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

        /** The image of a peer's publication (session {@code sessionKey}) went away. */
        void onImageUnavailable(long sessionKey);
    }

    private final ManyToOneConcurrentLinkedQueue<Runnable> queue = new ManyToOneConcurrentLinkedQueue<>();
    private Commands commands;
    /** Wakes the agent when it sleeps on its doorbell (see {@link DoorbellIdleStrategy}); set before it starts. */
    private Runnable wake = () -> { };

    /** Binds the agent's side; once, before the agent's first duty cycle. */
    void bind(final Commands commands)
    {
        this.commands = commands;
    }

    /** Sets what wakes the sleeping agent after a command is queued; once, before the agent starts. */
    void waker(final Runnable wake)
    {
        this.wake = wake;
    }

    void associate(final Address remote, final CompletableFuture<Link> promise)
    {
        enqueue(() -> commands.openOutbound(remote, promise));
    }

    void listen(final NodeListener listener)
    {
        enqueue(() -> commands.listen(listener));
    }

    void disassociate(final Association association, final String reason)
    {
        enqueue(() -> commands.disassociate(association, reason));
    }

    void onImageUnavailable(final long sessionKey)
    {
        enqueue(() -> commands.onImageUnavailable(sessionKey));
    }

    /** The upper layer registered its reader on an association: what arrived until then is handed over. */
    void reader(final Association association, final LinkReader reader)
    {
        enqueue(() -> association.readerReady(reader));
    }

    private void enqueue(final Runnable command)
    {
        queue.offer(command);
        wake.run();
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
