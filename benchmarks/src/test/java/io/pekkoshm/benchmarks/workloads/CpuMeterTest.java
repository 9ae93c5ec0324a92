package io.pekkoshm.benchmarks.workloads;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The media drivers whose CPU counts with the nodes': none, the one both nodes share, or one per simulated host (the
 * cross-host column), which count together as the media driver; and how the runner tells a driver node their pids.
 */
class CpuMeterTest
{
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void shouldCountTheMediaDriverOfEachHostTogetherAsTheMediaDriver()
    {
        final CpuMeter none = new CpuMeter(SELF, SELF, List.of());
        final CpuMeter one = new CpuMeter(SELF, SELF, List.of(SELF));
        final CpuMeter perHost = new CpuMeter(SELF, SELF, List.of(SELF, SELF));

        assertEquals(2, none.snapshot().length);
        assertEquals(3, one.snapshot().length);
        final long[] before = perHost.snapshot();
        final long[] after = perHost.snapshot();
        assertEquals(3, after.length, "sender, receiver, both drivers in one entry");
        // both drivers' CPU so far (here this process's, twice) in the third entry, within a few 10 ms ticks
        assertTrue(Math.abs(after[2] - 2 * after[0]) <= 50_000_000L, after[2] + " against " + after[0]);

        final ResultLine idle = new ResultLine("idle");
        perHost.putPercentOfCore(idle, before, after, 1_000_000_000L);
        final String json = idle.toJson();
        assertTrue(json.contains("\"cpu_pct_core_media_driver\""), json);
        assertTrue(json.contains("\"cpu_pct_core_per_node_with_driver_share\""), json);
    }

    @Test
    void shouldLeaveOutADriverThatIsNotThere()
    {
        assertEquals(2, new CpuMeter(SELF, SELF, List.of(0L)).snapshot().length);
    }

    @Test
    void shouldTellTheDriverNodeEveryMediaDriverPidOrZero()
    {
        final String two = RunnerCommands.peerLine("pekko.shm://peer@127.0.0.2:20001", 7, List.of(11L, 12L));
        final String none = RunnerCommands.peerLine("pekko://peer@127.0.0.1:25520", 7, List.of());

        assertEquals(List.of(11L, 12L), args(two).getLongs("sharedPid"));
        assertEquals(List.of(0L), args(none).getLongs("sharedPid"));
        assertEquals(7, args(two).getLong("pid"));
    }

    private static NodeArgs args(final String line)
    {
        final String[] words = line.split(" ");
        assertEquals(RunnerCommands.PEER, words[0]);
        return NodeArgs.parse(List.of(words).subList(1, words.length).toArray(String[]::new));
    }
}
