package io.pekkoshm.benchmarks.workloads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CPU time (user + system, all threads) of a fixed set of processes: the two nodes of a run and, where a transport
 * has them, its separate media driver processes (one per host: two for the cross-host column, counted together as
 * the media driver). Read from {@code /proc/<pid>/stat} through {@link ProcessHandle.Info#totalCpuDuration()}, so the
 * resolution is the kernel's clock tick (10 ms): measure over seconds, not milliseconds. A process that has exited
 * counts as the CPU it had when last seen.
 */
public final class CpuMeter
{
    private final List<String> names = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();
    /** Per pid, the index of its entry in {@link #names} (the media drivers share one). */
    private final List<Integer> entryOf = new ArrayList<>();
    private final long[] lastSeen;

    /**
     * @param sender   pid of the node that sends (the driver of the workloads).
     * @param receiver pid of the node that receives and answers (the peer).
     * @param shared   pids of the separate processes the nodes use (standalone media drivers: one both nodes share,
     *                 or one per host), none for none; 0 entries are left out.
     */
    public CpuMeter(final long sender, final long receiver, final List<Long> shared)
    {
        add("sender", sender);
        add("receiver", receiver);
        for (final long pid : shared)
        {
            if (pid > 0)
            {
                if (!names.contains("media_driver"))
                {
                    names.add("media_driver");
                }
                pids.add(pid);
                entryOf.add(names.size() - 1);
            }
        }
        lastSeen = new long[pids.size()];
    }

    private void add(final String name, final long pid)
    {
        names.add(name);
        pids.add(pid);
        entryOf.add(names.size() - 1);
    }

    /** CPU nanoseconds of each entry now, in the order sender, receiver[, media driver(s) together]. */
    public long[] snapshot()
    {
        final long[] perPid = cpuNs(pids, lastSeen);
        final long[] perEntry = new long[names.size()];
        for (int i = 0; i < perPid.length; i++)
        {
            perEntry[entryOf.get(i)] += perPid[i];
        }
        return perEntry;
    }

    /**
     * The CPU time so far of each process, in nanoseconds; a process that is gone keeps its last reading.
     *
     * @param pids     the processes.
     * @param lastSeen the last readings, one per process, updated.
     * @return the readings, one per process.
     */
    public static long[] cpuNs(final List<Long> pids, final long[] lastSeen)
    {
        final long[] now = new long[pids.size()];
        for (int i = 0; i < now.length; i++)
        {
            final Optional<Duration> cpu = ProcessHandle.of(pids.get(i)).flatMap(p -> p.info().totalCpuDuration());
            now[i] = cpu.map(Duration::toNanos).orElse(lastSeen[i]);
            lastSeen[i] = now[i];
        }
        return now;
    }

    /** CPU nanoseconds of this process so far (user + system, all threads); 0 if the JDK cannot tell. */
    public static long ownCpuNs()
    {
        return cpuNs(List.of(ProcessHandle.current().pid()), new long[1])[0];
    }

    /**
     * Puts {@code cpu_us_per_<unit>} (all processes) and {@code cpu_us_per_<unit>_<process>} for each process.
     *
     * @param units how many messages (or round trips) the interval carried.
     */
    public void putPerUnit(final ResultLine result, final String unit, final long[] before, final long[] after,
        final long units)
    {
        if (units <= 0)
        {
            return;
        }
        long total = 0;
        for (int i = 0; i < before.length; i++)
        {
            final long used = after[i] - before[i];
            total += used;
            result.put("cpu_us_per_" + unit + "_" + names.get(i), used / 1e3 / units);
        }
        result.put("cpu_us_per_" + unit, total / 1e3 / units);
    }

    /**
     * Puts {@code cpu_pct_core_<process>} for each process (CPU time over the interval, in % of one core), the mean
     * of the two nodes ({@code cpu_pct_core_per_node}), and that plus each node's share of the media driver process
     * ({@code cpu_pct_core_per_node_with_driver_share}: the driver's CPU over the two nodes that use it; equal to
     * the mean of the nodes where there is no such process; with a driver per host, each node's own driver on
     * average), the figure issue 16 compares with Artery TCP's per node.
     */
    public void putPercentOfCore(final ResultLine result, final long[] before, final long[] after,
        final long intervalNs)
    {
        long nodes = 0;
        long all = 0;
        for (int i = 0; i < before.length; i++)
        {
            final long used = after[i] - before[i];
            if (i < 2)
            {
                nodes += used;
            }
            all += used;
            result.put("cpu_pct_core_" + names.get(i), 100.0 * used / intervalNs);
        }
        result.put("cpu_pct_core_per_node", 100.0 * nodes / 2 / intervalNs);
        result.put("cpu_pct_core_per_node_with_driver_share", 100.0 * all / 2 / intervalNs);
    }
}
