package io.pekkoshm.benchmarks.workloads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Where a mesh's idle CPU goes, by kind of thread: the CPU time (user + system, 10 ms ticks) of every thread of the
 * node JVMs from {@code /proc/<pid>/task/<tid>/stat}, summed by what its name ({@code comm}, 15 characters) says it
 * is, and the media driver process as one kind, compared thread by thread between two readings. Linux only, like the
 * benchmark.
 */
public final class ThreadKinds
{
    /** The kinds, in report order. */
    public enum Kind
    {
        /** The plugin's threads ({@code pekko-shm-node}, its large-body threads). */
        PLUGIN("plugin", "the plugin's threads"),
        /** Pekko's dispatchers (default and internal: actors, classic remoting's endpoint actors). */
        DISPATCHERS("dispatchers", "Pekko's dispatcher threads"),
        /** Pekko's scheduler (a tick every 10 ms whatever the load). */
        SCHEDULER("scheduler", "Pekko's scheduler threads"),
        /** The JIT's compiler threads. */
        JIT("jit", "the JIT compiler's threads"),
        /** Garbage collection and the JVM's own threads. */
        JVM("jvm", "GC and the JVM's own threads"),
        /** Any other thread of a node JVM (a transport's own threads, the benchmark's command reader). */
        OTHER("other", "other threads of the nodes"),
        /** Every thread of the media driver process. */
        MEDIA_DRIVER("media_driver", "the media driver process");

        private final String key;
        private final String label;

        Kind(final String key, final String label)
        {
            this.key = key;
            this.label = label;
        }

        /** {@return the results.jsonl key of this kind's share of a mesh's idle CPU at rest} */
        public String settledKey()
        {
            return "cpu_pct_core_settled_" + key;
        }

        /** {@return how the report names it} */
        public String label()
        {
            return label;
        }
    }

    private static final long NS_PER_TICK = 10_000_000L;

    private ThreadKinds()
    {
    }

    /**
     * The kind of a node JVM's thread by its name as the kernel keeps it (the first 15 characters).
     *
     * @param comm the thread's {@code comm}.
     * @return its kind; never {@link Kind#MEDIA_DRIVER}.
     */
    public static Kind kindOf(final String comm)
    {
        final String name = comm.trim().toLowerCase(Locale.ROOT);
        if (name.startsWith("c1 compilerthre") || name.startsWith("c2 compilerthre"))
        {
            return Kind.JIT;
        }
        if (name.startsWith("gc ") || name.startsWith("g1 ") || name.startsWith("vm ") ||
            name.startsWith("monitor deflati") || name.startsWith("service thread") ||
            name.startsWith("signal dispatch") || name.startsWith("sweeper") || name.equals("java"))
        {
            return Kind.JVM;
        }
        if (name.startsWith("pekko-shm"))
        {
            return Kind.PLUGIN;
        }
        if (name.contains("scheduler"))
        {
            return Kind.SCHEDULER;
        }
        if (name.contains("dispatch") || name.contains(".acto") || name.contains(".remo"))
        {
            return Kind.DISPATCHERS;
        }
        return Kind.OTHER;
    }

    /** One reading of every thread: its CPU nanoseconds so far and its kind, by thread id (unique on the host). */
    public record Reading(Map<Long, Long> cpuNsByThread, Map<Long, Kind> kindByThread)
    {
    }

    /**
     * Reads every thread of the node JVMs and the media driver.
     *
     * @param nodePids    the node JVMs.
     * @param mediaDriver the media driver process, or 0 for none.
     * @return the reading.
     * @throws IOException if a directory of /proc cannot be listed for another reason than its process being gone.
     */
    public static Reading read(final List<Long> nodePids, final long mediaDriver) throws IOException
    {
        final Reading reading = new Reading(new HashMap<>(), new HashMap<>());
        for (final long pid : nodePids)
        {
            addThreads(pid, false, reading);
        }
        if (mediaDriver > 0)
        {
            addThreads(mediaDriver, true, reading);
        }
        return reading;
    }

    /**
     * The CPU each kind spent between two readings: per thread of the second, what it has now less what it had in
     * the first (0 for a thread that started in between). A thread that exited in between is not in the second
     * reading, and what it spent since the first is not counted (never negative: an idle fork-join worker that
     * retires takes its whole CPU time with it).
     *
     * @return nanoseconds, one entry per {@link Kind}, by ordinal.
     */
    public static long[] spentByKind(final Reading before, final Reading after)
    {
        final long[] byKind = new long[Kind.values().length];
        after.cpuNsByThread().forEach((tid, ns) ->
            byKind[after.kindByThread().get(tid).ordinal()] += ns - before.cpuNsByThread().getOrDefault(tid, 0L));
        return byKind;
    }

    private static void addThreads(final long pid, final boolean mediaDriver, final Reading reading)
        throws IOException
    {
        final Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks))
        {
            return;
        }
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks))
        {
            for (final Path thread : threads)
            {
                try
                {
                    final long tid = Long.parseLong(thread.getFileName().toString());
                    final String stat = Files.readString(thread.resolve("stat"), StandardCharsets.US_ASCII);
                    final Kind kind = mediaDriver ? Kind.MEDIA_DRIVER :
                        kindOf(Files.readString(thread.resolve("comm"), StandardCharsets.UTF_8));
                    reading.cpuNsByThread().put(tid, cpuTicks(stat) * NS_PER_TICK);
                    reading.kindByThread().put(tid, kind);
                }
                catch (final IOException ex)
                {
                    // the thread exited between the listing and the read
                }
            }
        }
        catch (final IOException ex)
        {
            if (Files.isDirectory(tasks))
            {
                throw ex;
            }
        }
    }

    /** utime + stime of a {@code /proc/.../stat} line, in clock ticks (fields 14 and 15, after the name). */
    static long cpuTicks(final String stat)
    {
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is the state (field 3): utime is field 14, stime field 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
