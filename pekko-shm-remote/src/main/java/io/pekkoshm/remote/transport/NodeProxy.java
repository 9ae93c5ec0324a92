package io.pekkoshm.remote.transport;

import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.apache.pekko.actor.Address;
import org.apache.pekko.remote.transport.AssociationHandle;
import scala.concurrent.Promise;

/**
 * The only way other threads reach the node agent's state: each call queues a command that the agent runs at the
 * start of its next duty cycle, in the order they were queued. Aeron's {@code ReceiverProxy} does the same job.
 * <p>
 * Threading: any thread may call every method except {@link #drain()}, which only the agent calls.
 */
@SuppressWarnings("deprecation")
final class NodeProxy
{
    /** What the commands do, on the agent's thread. */
    interface Commands
    {
        /** Opens an association to {@code remote}; {@code promise} gets its handle or the reason it failed. */
        void openOutbound(Address remote, Promise<AssociationHandle> promise);

        /** Ends an association (classic remoting asked); the peer is told. */
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

    void associate(final Address remote, final Promise<AssociationHandle> promise)
    {
        queue.offer(() -> commands.openOutbound(remote, promise));
    }

    void disassociate(final Association association, final String reason)
    {
        queue.offer(() -> commands.disassociate(association, reason));
    }

    void onImageUnavailable(final int sessionId)
    {
        queue.offer(() -> commands.onImageUnavailable(sessionId));
    }

    /** Classic remoting registered its reader on an association: events kept until then are handed over. */
    void listenerReady(final Association association, final AssociationHandle.HandleEventListener listener)
    {
        queue.offer(() -> association.listenerReady(listener));
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
