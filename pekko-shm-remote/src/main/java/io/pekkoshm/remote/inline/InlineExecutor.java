package io.pekkoshm.remote.inline;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The executor of an inline dispatcher: owns no thread, hands every task to the actor system's {@link InlineTasks}
 * (the node's thread, or the fallback while no node runs). Pekko shuts a dispatcher's executor down when the
 * dispatcher has had no actor for its shutdown-timeout and makes a new one when it gets actors again; shutting this
 * one down only marks it so, since the threads it uses are not its own.
 * <p>
 * Threading: any thread.
 */
final class InlineExecutor extends AbstractExecutorService
{
    private final InlineTasks tasks;
    private volatile boolean shutdown;

    InlineExecutor(final InlineTasks tasks)
    {
        this.tasks = tasks;
    }

    @Override
    public void execute(final Runnable task)
    {
        tasks.execute(task);
    }

    @Override
    public void shutdown()
    {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow()
    {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown()
    {
        return shutdown;
    }

    @Override
    public boolean isTerminated()
    {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(final long timeout, final TimeUnit unit)
    {
        return shutdown;
    }
}
