package io.pekkoshm.remote;

import java.time.Duration;

/**
 * The direct path: ordinary messages serialized on the sending thread straight into shared memory. The keys under
 * {@code pekko.remote.shm.direct}; immutable.
 *
 * @param pendingLimit         {@code direct.pending-limit}: the most messages held per peer while its association
 *                             comes up.
 * @param compressionTableSize {@code direct.compression-table-size}: entries per compression table per association;
 *                             0 turns it off.
 * @param barrierTimeout       {@code direct.barrier-timeout}: how long a new association's ordering barrier may take;
 *                             then messages go classic.
 */
public record DirectSettings(int pendingLimit, int compressionTableSize, Duration barrierTimeout)
{
    /**
     * Reads and validates the direct path's settings.
     *
     * @param r the reader of {@code pekko.remote.shm}.
     * @return the validated settings.
     * @throws ShmConfigurationException naming the key and value of the first bad setting.
     */
    static DirectSettings read(final SettingsReader r)
    {
        return new DirectSettings(
            r.intInRange("direct.pending-limit", 1, 10_000_000),
            r.intInRange("direct.compression-table-size", 0, 1 << 20),
            r.positiveDuration("direct.barrier-timeout"));
    }
}
