package io.pekkoshm.remote.host;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link ProcessLiveness} for a thread that asks about the same few processes again and again: a node agent checks
 * each peer at every {@code heartbeat-interval}, also while it is idle. The full check reads several files of
 * {@code /proc} through the JDK (the whole command line of a JVM among them) and takes a node's idle duty cycle from
 * tens to hundreds of microseconds per peer; so it is done once per process, and what it proved is remembered as the
 * process's start in clock ticks (field 22 of {@code /proc/<pid>/stat}, fixed for a process's life and different for
 * any later process under the same pid) with that stat file kept open ({@link StatFile}). After that, one read of the
 * open file answers: a failed read (the process has exited), a zombie, or another start means dead. The file is opened
 * before the full check, so a pid reused between the two cannot be taken for the process the check proved.
 * <p>
 * Where {@code /proc/<pid>/stat} cannot be opened, read or parsed, every check is the full one. Not thread-safe: one
 * per thread (each node agent makes its own); {@link #close} closes the files it keeps open.
 * <pre>
 *   unknown --full check: alive, stat file open--&gt; proven --stat read: same start--&gt; proven
 *      ^                                                |
 *      +------- another start, exited, close() ---------+  (file closed, pid forgotten)
 * </pre>
 */
public final class RecheckedProcesses implements AutoCloseable
{
    /** The full check, {@link ProcessLiveness#isAlive} unless a test says otherwise. */
    interface FullCheck
    {
        boolean isAlive(long pid, long startMillis);
    }

    /** More remembered processes than this (a node has a few peers) and all are forgotten and their files closed. */
    static final int MAX_REMEMBERED = 256;

    private final FullCheck fullCheck;
    private final Map<Long, Proven> provenByPid = new HashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(StatFile.BUFFER_LENGTH);

    private record Proven(long startMillis, long startTicks, StatFile stat)
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
            final long ticks = proven.stat.startTicks(buffer);
            if (ticks == proven.startTicks)
            {
                return true;
            }
            if (ProcessLiveness.UNKNOWN != ticks)
            {
                forget(pid);
                return false;
            }
        }
        forget(pid);
        final StatFile stat = StatFile.open(pid);
        final boolean alive = fullCheck.isAlive(pid, startMillis);
        if (null != stat)
        {
            final long ticks = alive ? stat.startTicks(buffer) : ProcessLiveness.UNKNOWN;
            if (ticks >= 0)
            {
                if (provenByPid.size() >= MAX_REMEMBERED)
                {
                    close();
                }
                provenByPid.put(pid, new Proven(startMillis, ticks, stat));
            }
            else
            {
                stat.close();
            }
        }
        return alive;
    }

    /** Forgets every process and closes the stat files kept open; checks after it start again with the full one. */
    @Override
    public void close()
    {
        provenByPid.values().forEach(proven -> proven.stat.close());
        provenByPid.clear();
    }

    private void forget(final long pid)
    {
        final Proven gone = provenByPid.remove(pid);
        if (null != gone)
        {
            gone.stat.close();
        }
    }

    /** {@return how many processes it remembers (tests)} */
    int remembered()
    {
        return provenByPid.size();
    }
}
