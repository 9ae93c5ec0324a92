package io.pekkoshm.benchmarks.workloads;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mesh's idle CPU by kind of thread: what the kernel's 15-character thread names are taken for, and the CPU of a
 * thread of this JVM counted under its kind.
 */
class ThreadKindsTest
{
    @Test
    void shouldTellTheKindOfANodeThreadFromItsTruncatedName()
    {
        assertEquals(ThreadKinds.Kind.PLUGIN, ThreadKinds.kindOf("pekko-shm-node-\n"));
        assertEquals(ThreadKinds.Kind.DISPATCHERS, ThreadKinds.kindOf("mesh-pekko.acto"));
        assertEquals(ThreadKinds.Kind.DISPATCHERS, ThreadKinds.kindOf("mesh-pekko.remo"));
        assertEquals(ThreadKinds.Kind.SCHEDULER, ThreadKinds.kindOf("mesh-scheduler-"));
        assertEquals(ThreadKinds.Kind.JIT, ThreadKinds.kindOf("C2 CompilerThre"));
        assertEquals(ThreadKinds.Kind.JVM, ThreadKinds.kindOf("Signal Dispatch"));
        assertEquals(ThreadKinds.Kind.JVM, ThreadKinds.kindOf("GC Thread#1"));
        assertEquals(ThreadKinds.Kind.JVM, ThreadKinds.kindOf("VM Periodic Tas"));
        assertEquals(ThreadKinds.Kind.OTHER, ThreadKinds.kindOf("multijvm-stdin"));
    }

    @Test
    void shouldCountALiveThreadsCpuUnderItsKindAndTheMediaDriverProcessAsOne() throws Exception
    {
        final long pid = ProcessHandle.current().pid();
        final CountDownLatch spun = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Thread busy = new Thread(() ->
        {
            final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (System.nanoTime() < end)
            {
                Thread.onSpinWait();
            }
            spun.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "pekko-shm-test");
        busy.start();
        try
        {
            spun.await();
            final ThreadKinds.Reading none = new ThreadKinds.Reading(Map.of(), Map.of());
            final long[] asNode = ThreadKinds.spentByKind(none, ThreadKinds.read(List.of(pid), 0));
            final long[] asDriver = ThreadKinds.spentByKind(none, ThreadKinds.read(List.of(), pid));
            assertTrue(asNode[ThreadKinds.Kind.PLUGIN.ordinal()] >= TimeUnit.MILLISECONDS.toNanos(100),
                "the spinning thread's CPU under the plugin's kind: " + asNode[ThreadKinds.Kind.PLUGIN.ordinal()]);
            long nodeTotal = 0;
            for (final long ns : asNode)
            {
                nodeTotal += ns;
            }
            assertEquals(0, asNode[ThreadKinds.Kind.MEDIA_DRIVER.ordinal()]);
            assertTrue(asDriver[ThreadKinds.Kind.MEDIA_DRIVER.ordinal()] >= nodeTotal,
                "every thread of the driver process counted as the driver");
        }
        finally
        {
            release.countDown();
            busy.join();
        }
    }

    @Test
    void shouldNotCountAThreadThatExitedBetweenTheReadingsAgainstItsKind()
    {
        final ThreadKinds.Reading before = new ThreadKinds.Reading(Map.of(1L, 500L, 2L, 900L),
            Map.of(1L, ThreadKinds.Kind.DISPATCHERS, 2L, ThreadKinds.Kind.DISPATCHERS));
        final ThreadKinds.Reading after = new ThreadKinds.Reading(Map.of(1L, 700L, 3L, 50L),
            Map.of(1L, ThreadKinds.Kind.DISPATCHERS, 3L, ThreadKinds.Kind.PLUGIN));

        final long[] spent = ThreadKinds.spentByKind(before, after);

        assertEquals(200, spent[ThreadKinds.Kind.DISPATCHERS.ordinal()], "the retired thread 2 takes nothing away");
        assertEquals(50, spent[ThreadKinds.Kind.PLUGIN.ordinal()], "a thread started in between counts from zero");
    }
}
