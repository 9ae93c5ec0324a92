package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.log.ErrorLog;
import org.apache.pekko.actor.Address;

/**
 * Frames from sessions that are not (or no longer) associations of this node: each is counted in
 * {@code frames rejected}, and each session is an error of the node's {@link ErrorLog}: named in full the first
 * time, with what it may mean, its further rejected frames summarized.
 * <p>
 * Threading: the node agent's only.
 */
final class Rejections
{
    private final TransportCounters counters;
    private final ErrorLog errors;
    private final Address localAddress;
    /** Which media driver the session ids belong to: they start over on a new driver, so its sessions are new. */
    private int driverEpoch;

    Rejections(final TransportCounters counters, final ErrorLog errors, final Address localAddress)
    {
        this.counters = counters;
        this.errors = errors;
        this.localAddress = localAddress;
    }

    /** Counts a rejected frame of {@code sessionKey}; the error log names the session the first time. */
    void reject(final long sessionKey, final String reason)
    {
        counters.rejected.increment();
        errors.record(ErrorLog.Severity.WARNING, key(sessionKey), () -> "Rejected frames from " +
            Medium.describe(sessionKey) + " on " + localAddress + ": " + reason + ". Counted in 'frames rejected'. " +
            "(Right after this node started, these may be frames sent to an earlier node on the same port; " +
            "otherwise a process that is not a node of this directory writes into its stream.)",
            null);
    }

    /** The session's image went away: a later session with the same id is a new one. */
    void forget(final long sessionKey)
    {
        errors.forget(key(sessionKey));
    }

    /** The node attached to a new media driver: session ids start over. */
    void clear()
    {
        driverEpoch++;
    }

    private String key(final long sessionKey)
    {
        return "rejected-session:" + driverEpoch + ':' + sessionKey;
    }
}
