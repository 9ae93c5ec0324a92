package io.pekkoshm.remote.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
    private static final long GONE = -1;
    private static final long UNKNOWN = -2;
    /** Fields after the command's closing parenthesis up to the start time (field 22; the state is field 3). */
    private static final int START_FIELD_AFTER_STATE = 22 - 3;

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
            final long ticks = startTicks(pid);
            if (ticks == proven.startTicks)
            {
                return true;
            }
            if (UNKNOWN != ticks)
            {
                provenByPid.remove(pid);
                return false;
            }
        }
        final boolean alive = fullCheck.isAlive(pid, startMillis);
        provenByPid.remove(pid);
        if (alive)
        {
            final long ticks = startTicks(pid);
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

    /**
     * @return the process's start in clock ticks; {@link #GONE} if it has exited or is a zombie; {@link #UNKNOWN} if
     *         {@code /proc} does not say.
     */
    static long startTicks(final long pid)
    {
        final String stat;
        try
        {
            stat = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat")),
                StandardCharsets.US_ASCII);
        }
        catch (final NoSuchFileException ex)
        {
            return Files.isDirectory(Path.of("/proc/self")) ? GONE : UNKNOWN;
        }
        catch (final IOException | SecurityException ex)
        {
            return UNKNOWN;
        }
        final int afterName = stat.lastIndexOf(')');
        if (afterName < 0 || afterName + 2 >= stat.length())
        {
            return UNKNOWN;
        }
        final char state = stat.charAt(afterName + 2);
        if ('Z' == state || 'X' == state)
        {
            return GONE;
        }
        int field = afterName + 2;
        for (int i = 0; i < START_FIELD_AFTER_STATE; i++)
        {
            field = stat.indexOf(' ', field) + 1;
            if (0 == field)
            {
                return UNKNOWN;
            }
        }
        int end = field;
        long ticks = 0;
        while (end < stat.length() && Character.isDigit(stat.charAt(end)))
        {
            ticks = ticks * 10 + (stat.charAt(end) - '0');
            end++;
        }
        return end == field ? UNKNOWN : ticks;
    }
}
