package io.pekkoshm.remote.inline;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where inline actors run while their actor system has no pekko.shm node running (before it started, with the plugin
 * off, after it closed): a small ordinary pool of daemon threads, made on first use. Its threads end after
 * {@value #IDLE_SECONDS} s without work, so a system whose node runs keeps none, and nothing has to close it.
 * <p>
 * Threading: any thread.
 */
final class InlineFallback implements Executor
{
    /** Inline actors are non-blocking by rule, so two threads carry them until the node runs. */
    static final int THREADS = 2;
    static final int IDLE_SECONDS = 10;

    private final String systemName;
    private final AtomicInteger threadNumber = new AtomicInteger();
    private volatile ThreadPoolExecutor pool;

    InlineFallback(final String systemName)
    {
        this.systemName = systemName;
    }

    @Override
    public void execute(final Runnable task)
    {
        ThreadPoolExecutor current = pool;
        if (null == current)
        {
            current = start();
        }
        current.execute(task);
    }

    private synchronized ThreadPoolExecutor start()
    {
        if (null == pool)
        {
            final ThreadPoolExecutor fresh = new ThreadPoolExecutor(THREADS, THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task ->
                {
                    final Thread thread = new Thread(task,
                        "pekko-shm-inline-fallback-" + systemName + "-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
            fresh.allowCoreThreadTimeOut(true);
            pool = fresh;
        }
        return pool;
    }
}
