package io.pekkoshm.remote.inline;

import com.typesafe.config.Config;
import org.apache.pekko.dispatch.Dispatcher;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceFactory;
import org.apache.pekko.dispatch.ExecutorServiceFactoryProvider;
import org.apache.pekko.dispatch.MessageDispatcher;
import org.apache.pekko.dispatch.MessageDispatcherConfigurator;
import scala.concurrent.duration.Duration;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A Pekko dispatcher whose actors run on the pekko.shm node's inbound thread, right after the poll that decoded their
 * message, the way Aeron applications do their work in the duty cycle; what they send goes out from that thread with
 * no further hop. Configured as
 * <pre>
 *   my-inline {
 *     type = "io.pekkoshm.remote.inline.InlineDispatcherConfigurator"
 *     throughput = 5
 *   }
 * </pre>
 * or use the ready-made {@code pekko.remote.shm.inline-dispatcher} ({@code Props.withDispatcher(...)}, typed
 * {@code DispatcherSelector.fromConfig(...)}). It is Pekko's ordinary {@link Dispatcher} (mailboxes, throughput,
 * supervision unchanged) over an executor that owns no thread ({@link InlineExecutor} into {@link InlineTasks}).
 * <p>
 * Rules: actors of an inline dispatcher must not block or run long, since every peer of the node waits while one runs.
 * A run longer than {@code pekko.remote.shm.inline-task-warn} is counted and logged; one still running after
 * {@code inline-task-stuck} is reported while it runs. {@code throughput} must be at least 1 (Pekko reads 0 as
 * "until the mailbox is empty", which would let one actor hold the node's thread).
 * <p>
 * Threading: made by Pekko's {@code Dispatchers} on first lookup; the dispatcher is shared by its actors.
 */
public final class InlineDispatcherConfigurator extends MessageDispatcherConfigurator
{
    private final Dispatcher instance;

    /**
     * Called by Pekko's {@code Dispatchers} with the dispatcher's section (with the default dispatcher's keys as
     * fallback).
     *
     * @param config        the dispatcher's section.
     * @param prerequisites what Pekko gives dispatchers.
     * @throws IllegalArgumentException if {@code throughput} is below 1.
     */
    public InlineDispatcherConfigurator(final Config config, final DispatcherPrerequisites prerequisites)
    {
        super(config, prerequisites);
        final Config section = config();
        final String id = section.getString("id");
        final int throughput = section.getInt("throughput");
        if (throughput < 1)
        {
            throw new IllegalArgumentException("The inline dispatcher " + id + " has throughput = " + throughput +
                ": it must be at least 1 (a small number such as 5), so that one actor cannot hold the pekko.shm " +
                "node's thread");
        }
        final InlineTasks tasks = InlineTasks.of(prerequisites.settings(),
            new InlineReports(prerequisites.settings().name(), prerequisites.eventStream()));
        instance = new Dispatcher(this, id, throughput,
            Duration.create(section.getDuration("throughput-deadline-time", TimeUnit.NANOSECONDS),
                TimeUnit.NANOSECONDS),
            new Provider(tasks),
            Duration.create(section.getDuration("shutdown-timeout", TimeUnit.MILLISECONDS), TimeUnit.MILLISECONDS));
    }

    @Override
    public MessageDispatcher dispatcher()
    {
        return instance;
    }

    /** Makes the dispatcher's executors; the thread factory Pekko offers is not used (no thread is made). */
    private static final class Provider implements ExecutorServiceFactoryProvider
    {
        private final InlineTasks tasks;

        Provider(final InlineTasks tasks)
        {
            this.tasks = tasks;
        }

        @Override
        public ExecutorServiceFactory createExecutorServiceFactory(final String id, final ThreadFactory threadFactory)
        {
            return new ExecutorServiceFactory()
            {
                @Override
                public ExecutorService createExecutorService()
                {
                    return new InlineExecutor(tasks);
                }
            };
        }
    }
}
