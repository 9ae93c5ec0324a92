package io.pekkoshm.benchmarks.runner;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading resident memory and du's totals the way the mesh sessions do. */
class ProcStatsTest
{
    @Test
    void shouldReadVmRssInKiB()
    {
        assertEquals(183_456, ProcStats.parseVmRssKiB(List.of("Name:\tjava", "VmPeak:\t 5000000 kB",
            "VmRSS:\t  183456 kB", "VmData:\t 900000 kB")));
    }

    @Test
    void shouldRejectAStatusWithoutVmRss()
    {
        assertThrows(IllegalArgumentException.class, () -> ProcStats.parseVmRssKiB(List.of("Name:\tjava")));
    }

    @Test
    void shouldReadDusTotalEvenAfterAWarningAboutAVanishedFile()
    {
        assertEquals(3_080, ProcStats.parseDuKiB("3080\t/dev/shm/run/plugin\n"));
        assertEquals(6_160, ProcStats.parseDuKiB("du: cannot access '/dev/shm/run/plugin/aeron/x.logbuffer': " +
            "No such file or directory\n6160\t/dev/shm/run/plugin\n"));
    }

    @Test
    void shouldRejectOutputThatIsNotDus()
    {
        assertThrows(IllegalArgumentException.class, () -> ProcStats.parseDuKiB("du: no such directory"));
    }

    @Test
    void shouldTakeTheMiddleValueOrTheMeanOfTheMiddleTwo()
    {
        assertEquals(200.0, ProcStats.median(new long[] {300, 100, 200}));
        assertEquals(150.0, ProcStats.median(new long[] {400, 100, 200, 100}));
        assertTrue(Double.isNaN(ProcStats.median(new long[0])));
    }
}
