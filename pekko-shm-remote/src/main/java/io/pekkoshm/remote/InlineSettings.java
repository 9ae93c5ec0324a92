package io.pekkoshm.remote;

import java.time.Duration;

/**
 * The rules the node enforces on inline actors (actors of an inline dispatcher, which run on the node's inbound
 * thread, see {@code io.pekkoshm.remote.inline}). The keys {@code inline-task-warn} and {@code inline-task-stuck}
 * directly under {@code pekko.remote.shm}; immutable.
 *
 * @param taskWarn  {@code inline-task-warn}: a task (one inline actor handling up to its dispatcher's throughput of
 *                  messages) that runs longer than this on the node's thread is counted and logged as slow.
 * @param taskStuck {@code inline-task-stuck}: a task still running after this long is reported while it runs (counted,
 *                  logged with the node thread's stack), so an actor that never returns is found.
 */
public record InlineSettings(Duration taskWarn, Duration taskStuck)
{
    /**
     * Reads and validates the inline rules.
     *
     * @param r the reader of {@code pekko.remote.shm}.
     * @return the validated settings.
     * @throws ShmConfigurationException naming the key and value of the first bad setting.
     */
    static InlineSettings read(final SettingsReader r)
    {
        final Duration warn = r.positiveDuration("inline-task-warn");
        final Duration stuck = r.positiveDuration("inline-task-stuck");
        if (stuck.compareTo(warn) < 0)
        {
            throw r.reject("inline-task-stuck", stuck, "must be at least inline-task-warn (" + warn + ")");
        }
        return new InlineSettings(warn, stuck);
    }
}
