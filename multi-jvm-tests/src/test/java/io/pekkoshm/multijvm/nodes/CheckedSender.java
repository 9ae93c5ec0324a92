package io.pekkoshm.multijvm.nodes;

import io.pekkoshm.testkit.process.ChildControl;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends checked messages (see {@link CheckedActors}) to one actor on a thread of its own, so the node keeps running
 * commands meanwhile (and can be killed in the middle). With a window, at most that many messages are
 * unacknowledged (the sink acknowledges every {@link CheckedActors#ACK_EVERY}); without one (0), it sends as fast as
 * Pekko takes them. Message sizes vary from {@link CheckedActors#HEADER} to the given maximum, so that larger ones
 * span several IPC fragments.
 */
final class CheckedSender extends Thread
{
    private final ActorRef target;
    private final long count;
    private final int maxSize;
    private final int window;
    private final Semaphore permits;
    private final ActorRef acks;
    private volatile boolean stopped;
    private volatile long sent;

    CheckedSender(final ActorSystem system, final ActorRef target, final long count, final int maxSize,
        final int window)
    {
        super("checked-sender");
        setDaemon(true);
        this.target = target;
        this.count = count;
        this.maxSize = maxSize;
        this.window = window;
        this.permits = new Semaphore(window);
        this.acks = system.actorOf(window > 0 ? NodeActors.AckReceiver.props(permits) :
            Props.create(CheckedActors.Ignore.class));
    }

    /** The size of message {@code seq}: spread over the whole range, the same in every run. */
    static int sizeOf(final long seq, final int maxSize)
    {
        final int spread = maxSize - CheckedActors.HEADER;
        return CheckedActors.HEADER + (spread <= 0 ? 0 : (int)((seq * 7919) % (spread + 1)));
    }

    @Override
    public void run()
    {
        try
        {
            for (long i = 0; i < count && !stopped; i++)
            {
                while (window > 0 && !permits.tryAcquire(100, TimeUnit.MILLISECONDS))
                {
                    if (stopped)
                    {
                        return;
                    }
                }
                target.tell(CheckedActors.message(i, sizeOf(i, maxSize)), acks);
                sent = i + 1;
            }
            if (!stopped)
            {
                ChildControl.report("SENT-CHECKED " + sent);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops sending and waits for the thread. @return how many messages were handed to Pekko. */
    long stopAndJoin() throws InterruptedException
    {
        stopped = true;
        join(TimeUnit.SECONDS.toMillis(60));
        return sent;
    }
}
