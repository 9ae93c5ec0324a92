package io.pekkoshm.remote.host;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link ProcessLiveness} for a thread that asks about the same few processes again and again: a node agent checks
 * each peer at every {@code heartbeat-interval}, also while it is idle. The full check reads several files of
 * {@code /proc} through the JDK (the whole command line of a JVM among them) and takes a node's idle duty cycle from
 * tens to hundreds of microseconds per peer; so it is done once per process, and what it proved is remembered as the
 * process's start in clock ticks (field 22 of {@code /proc/<pid>/stat}, fixed for a process's life and different for
 * any later process under the same pid). After that, one read of {@code /proc/<pid>/stat} answers: gone, a zombie, or
 * another start means dead.
 * <p>
 * Where {@code /proc/<pid>/stat} cannot be read or parsed, every check is the full one. Not thread-safe: one per
 * thread (each node agent makes its own).
 */
public final class RecheckedProcesses
{
    /** The full check, {@link ProcessLiveness#isAlive} unless a test says otherwise. */
    interface FullCheck
    {
        boolean isAlive(long pid, long startMillis);
    }

    /** More remembered processes than this is a leak (a node has a few peers): start again. */
    static final int MAX_REMEMBERED = 4096;

    private final FullCheck fullCheck;
    private final Map<Long, Proven> provenByPid = new HashMap<>();

    private record Proven(long startMillis, long startTicks)
    {
    }

    /** Checks against the host's processes, fully the first time ({@link ProcessLiveness#isAlive}). */
    public RecheckedProcesses()
    {
        this(ProcessLiveness::isAlive);
    }

    RecheckedProcesses(final FullCheck fullCheck)
    {
        this.fullCheck = fullCheck;
    }

    /**
     * @param pid         the process id.
     * @param startMillis its start time as it reported it, or 0 if unknown.
     * @return true while that very process is running (as {@link ProcessLiveness#isAlive}).
     */
    public boolean isAlive(final long pid, final long startMillis)
    {
        final Proven proven = provenByPid.get(pid);
        if (null != proven && proven.startMillis == startMillis)
        {
            final long ticks = ProcessLiveness.statStartTicks(pid);
            if (ticks == proven.startTicks)
            {
                return true;
            }
            if (ProcessLiveness.UNKNOWN != ticks)
            {
                provenByPid.remove(pid);
                return false;
            }
        }
        final boolean alive = fullCheck.isAlive(pid, startMillis);
        provenByPid.remove(pid);
        if (alive)
        {
            final long ticks = ProcessLiveness.statStartTicks(pid);
            if (ticks >= 0)
            {
                if (provenByPid.size() >= MAX_REMEMBERED)
                {
                    provenByPid.clear();
                }
                provenByPid.put(pid, new Proven(startMillis, ticks));
            }
        }
        return alive;
    }

    /** {@return how many processes it remembers (tests)} */
    int remembered()
    {
        return provenByPid.size();
    }
}
