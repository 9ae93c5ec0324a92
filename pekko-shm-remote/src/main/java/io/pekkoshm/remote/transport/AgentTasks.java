package io.pekkoshm.remote.transport;

import org.agrona.concurrent.NanoClock;

/**
 * Work of the layer above that runs on the node agent's thread, in its duty cycle right after the poll, so that what
 * the poll delivered is acted on in the same cycle: the mailbox runs of inline actors (an inline dispatcher queues
 * them). The transport only calls these methods; what a task is, and where tasks go while no agent runs, is the
 * implementation's business.
 * <p>
 * Threading: {@link #onAgentStart}, {@link #runQueued} and {@link #onAgentClose} on the agent's thread only, in that
 * order; {@link #counts()} on any thread.
 */
public interface AgentTasks
{
    /** No work: a node without inline actors, and the tests that make parts of a node alone. */
    AgentTasks NONE = new AgentTasks()
    {
        @Override
        public void onAgentStart()
        {
        }

        @Override
        public int runQueued(final NanoClock clock)
        {
            return 0;
        }

        @Override
        public void onAgentClose()
        {
        }

        @Override
        public Counts counts()
        {
            return Counts.ZERO;
        }
    };

    /**
     * How a thread other than the agent's wakes it after queueing a task: the agent may sleep on its doorbell when
     * idle ({@code idle-sleep-after}), and a task queued from elsewhere is work no peer rings for. Set before the
     * agent starts; the default ignores it.
     *
     * @param wake wakes the agent if it sleeps; never blocks.
     */
    default void waker(final Runnable wake)
    {
    }

    /** The agent's thread runs from now on: tasks queued from now on are run by {@link #runQueued}. */
    void onAgentStart();

    /**
     * Runs the tasks queued now (a bounded number, so one busy task cannot hold the poll back), each timed with
     * {@code clock}. Never throws: a task that throws is counted and logged by the implementation.
     *
     * @param clock the agent's clock.
     * @return how many tasks ran (the duty cycle's work count).
     */
    int runQueued(NanoClock clock);

    /** The agent stops: tasks queued and to come must run elsewhere. Called last on the agent's thread. */
    void onAgentClose();

    /** {@return the running totals, for the node's counters} */
    Counts counts();

    /**
     * What has become of tasks, as running totals.
     *
     * @param run      tasks run on the agent's thread.
     * @param slow     of those, tasks that ran longer than the configured warning threshold.
     * @param failed   tasks that threw (the task itself; an actor's exception goes to its supervisor instead).
     * @param fallback tasks run elsewhere because no agent ran (before the node started, or after it closed).
     * @param stuck    tasks reported while they still ran, past the configured stuck threshold.
     */
    record Counts(long run, long slow, long failed, long fallback, long stuck)
    {
        /** Nothing yet. */
        public static final Counts ZERO = new Counts(0, 0, 0, 0, 0);
    }
}
