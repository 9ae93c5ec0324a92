package io.pekkoshm.remote.pekko.internal;

import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.dispatch.Mailbox;

/**
 * Names the actor a dispatcher task belongs to, for the inline dispatcher's logs. A dispatcher's executor is handed
 * Pekko's {@code Mailbox} (a {@code private[pekko]} class, a {@code Runnable} that runs up to the dispatcher's
 * throughput of the actor's messages); its {@code actor} is the {@code ActorCell}. Used only when something is
 * reported (a slow, stuck or failed task), never per message. Written against Pekko
 * {@value PekkoInternals#WRITTEN_AGAINST}, like the rest of this package.
 */
public final class MailboxOwners
{
    private MailboxOwners()
    {
    }

    /**
     * The path of the actor whose mailbox a task is, or what the task is when it is no mailbox (a {@code Future}'s
     * callback run on the dispatcher, a {@code TaskInvocation}).
     *
     * @param task a task an executor of a dispatcher was handed.
     * @return the actor's path, e.g. {@code pekko://b/user/echo}, or a description of the task.
     */
    public static String describe(final Runnable task)
    {
        if (task instanceof Mailbox)
        {
            final ActorCell cell = ((Mailbox)task).actor();
            if (null != cell)
            {
                return cell.self().path().toString();
            }
        }
        return "task " + task.getClass().getName() + " (not an actor's mailbox)";
    }
}
