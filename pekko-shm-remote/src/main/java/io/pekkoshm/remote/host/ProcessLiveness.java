package io.pekkoshm.remote.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a process of this host is still alive, for peers identified by pid and start time.
 * <p>
 * The start time guards against pid reuse; a zombie (exited, not yet reaped by its parent) counts as dead. Every
 * node of this plugin is on the same host, so this is a direct, immediate answer to "did the peer's JVM die", much
 * faster than any timeout. Stateless and thread-safe.
 */
public final class ProcessLiveness
{
    /**
     * How far two JVMs' readings of one process's start time may differ. The JDK derives it from the process's start
     * in clock ticks plus the boot time it read once, at its own start, from /proc/stat; that boot time is computed
     * by the kernel from the wall clock and can differ by a second between two readings (clock adjustments), which
     * would make a live peer look like a reused pid. A pid reused within this window of the original's start is not
     * a case that happens.
     */
    static final long START_TOLERANCE_MILLIS = 2_000;
    /** {@link #statStartTicks}: the process has exited, or is a zombie. */
    static final long GONE = -1;
    /** {@link #statStartTicks}: {@code /proc} does not say. */
    static final long UNKNOWN = -2;
    /** Fields after the command's closing parenthesis up to the start time (field 22; the state is field 3). */
    private static final int START_FIELD_AFTER_STATE = 22 - 3;

    private ProcessLiveness()
    {
    }

    /** {@return this process's pid} */
    public static long currentPid()
    {
        return ProcessHandle.current().pid();
    }

    /** {@return this process's start time in epoch milliseconds, or 0 if the OS does not say} */
    public static long currentStartMillis()
    {
        return startMillis(ProcessHandle.current());
    }

    /**
     * @param pid         the process id.
     * @param startMillis its start time as it reported it, or 0 if unknown (then only the pid is checked).
     * @return true while that very process is running.
     */
    public static boolean isAlive(final long pid, final long startMillis)
    {
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive())
        {
            return false;
        }
        if (0 != startMillis)
        {
            final long actual = startMillis(handle.get());
            if (0 != actual && Math.abs(actual - startMillis) > START_TOLERANCE_MILLIS)
            {
                return false;
            }
        }
        return !isZombie(pid);
    }

    private static long startMillis(final ProcessHandle handle)
    {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static boolean isZombie(final long pid)
    {
        return GONE == statStartTicks(pid);
    }

    /**
     * One read of {@code /proc/<pid>/stat}: the process's state (field 3) and its start in clock ticks (field 22).
     *
     * @param pid the process id.
     * @return the process's start in clock ticks; {@link #GONE} if it has exited or is a zombie; {@link #UNKNOWN} if
     *         {@code /proc} does not say.
     */
    static long statStartTicks(final long pid)
    {
        final byte[] stat;
        try
        {
            stat = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat"));
        }
        catch (final NoSuchFileException ex)
        {
            return Files.isDirectory(Path.of("/proc/self")) ? GONE : UNKNOWN;
        }
        catch (final IOException | SecurityException ex)
        {
            return UNKNOWN;
        }
        return parseStartTicks(stat, stat.length);
    }

    /**
     * The state (field 3) and start in clock ticks (field 22) of a {@code /proc/<pid>/stat} line.
     *
     * @param stat   the line's bytes (ASCII), from index 0.
     * @param length how many of them were read.
     * @return the process's start in clock ticks; {@link #GONE} for a zombie; {@link #UNKNOWN} if it cannot be parsed.
     */
    static long parseStartTicks(final byte[] stat, final int length)
    {
        int afterName = length - 1;
        while (afterName >= 0 && ')' != stat[afterName])
        {
            afterName--;
        }
        if (afterName < 0 || afterName + 2 >= length)
        {
            return UNKNOWN;
        }
        final byte state = stat[afterName + 2];
        if ('Z' == state || 'X' == state)
        {
            return GONE;
        }
        int field = afterName + 2;
        for (int i = 0; i < START_FIELD_AFTER_STATE; i++)
        {
            while (field < length && ' ' != stat[field])
            {
                field++;
            }
            field++;
            if (field >= length)
            {
                return UNKNOWN;
            }
        }
        int end = field;
        long ticks = 0;
        while (end < length && stat[end] >= '0' && stat[end] <= '9')
        {
            ticks = ticks * 10 + (stat[end] - '0');
            end++;
        }
        return end == field ? UNKNOWN : ticks;
    }
}
