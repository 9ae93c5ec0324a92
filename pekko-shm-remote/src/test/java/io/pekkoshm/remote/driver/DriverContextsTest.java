package io.pekkoshm.remote.driver;

import io.aeron.driver.MediaDriver;
import io.pekkoshm.remote.IdleStrategies;
import io.pekkoshm.remote.host.PollerBackOff;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an idle media driver the plugin starts costs: one thread, which parks up to {@code driver.max-park}; none of
 * Aeron's executor, which wakes every millisecond to resolve UDP names the plugin never asks for.
 */
class DriverContextsTest
{
    private static final String EXECUTOR_THREAD = "aeron-executor";
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    @Test
    void shouldStartADriverWithoutAeronsExecutorThread()
    {
        final Path directory = ShmTestDirectory.newPath("driver-contexts");
        try
        {
            try (MediaDriver aeronDefault = MediaDriver.launch(
                DriverContexts.mediaDriver(directory, TimeUnit.SECONDS.toNanos(5), 3, MAX_PARK_NS)
                    .asyncExecutorEnabled(true)))
            {
                assertTrue(threadNamed(EXECUTOR_THREAD), "Aeron's default starts its executor (the control)");
            }
            try (MediaDriver plugins = MediaDriver.launch(
                DriverContexts.mediaDriver(directory, TimeUnit.SECONDS.toNanos(5), 3, MAX_PARK_NS)))
            {
                assertFalse(threadNamed(EXECUTOR_THREAD), "the plugin's driver should run without the executor");
                assertEquals(MAX_PARK_NS, maxParkNs(plugins.context().sharedIdleStrategy()));
            }
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(directory);
        }
    }

    @Test
    void shouldParkAnIdleDriverUpToMaxParkWhateverTheLevel()
    {
        for (int level = 1; level <= 9; level++)
        {
            assertEquals(MAX_PARK_NS, maxParkNs(IdleStrategies.forDriver(level, MAX_PARK_NS)), "level " + level);
        }
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1), maxParkNs(IdleStrategies.forLevel(3)),
            "a node's poller keeps the level's own longest park");
        assertInstanceOf(PollerBackOff.class, IdleStrategies.forLevel(3),
            "a node's poller yields for a time before it parks");
        assertInstanceOf(BusySpinIdleStrategy.class, IdleStrategies.forDriver(10, MAX_PARK_NS),
            "idle-cpu-level = 10 busy-spins the driver too");
    }

    private static boolean threadNamed(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && name.equals(t.getName()));
    }

    /** Agrona's back-off says its longest park only in its description. */
    private static long maxParkNs(final IdleStrategy strategy)
    {
        final String description = strategy.toString();
        final String key = "maxParkPeriodNs=";
        final int at = description.indexOf(key);
        assertTrue(at >= 0, "a back-off strategy: " + description);
        int end = at + key.length();
        while (end < description.length() && Character.isDigit(description.charAt(end)))
        {
            end++;
        }
        return Long.parseLong(description.substring(at + key.length(), end));
    }
}
