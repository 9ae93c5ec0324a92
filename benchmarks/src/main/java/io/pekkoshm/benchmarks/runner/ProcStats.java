package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.workloads.SampleStats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the runner reads about the mesh sessions' processes and shared memory from outside them, the way the
 * multi-jvm {@code MeshTest} and an operator do: resident memory ({@code VmRSS} of {@code /proc/<pid>/status}), CPU
 * time (user + system, 10 ms ticks) and the blocks a directory really holds ({@code du}, not the files' apparent
 * sizes: Aeron's log buffers are sparse until written). Linux only, like the benchmark.
 */
final class ProcStats
{
    private static final Duration DU_TIMEOUT = Duration.ofSeconds(30);

    private ProcStats()
    {
    }

    /** Resident memory of a live process, in KiB. */
    static long residentKiB(final long pid) throws IOException
    {
        return parseVmRssKiB(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
    }

    /** The {@code VmRSS} line of a {@code /proc/<pid>/status}, in KiB (the kernel writes it in kB, meaning KiB). */
    static long parseVmRssKiB(final List<String> statusLines)
    {
        for (final String line : statusLines)
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim());
            }
        }
        throw new IllegalArgumentException("no VmRSS line in " + statusLines);
    }

    /** The blocks allocated under {@code dir}, in KiB, as {@code du -s -k} counts them; 0 if it does not exist. */
    static long allocatedKiB(final Path dir) throws IOException, InterruptedException
    {
        if (!Files.exists(dir))
        {
            return 0;
        }
        final Process du = new ProcessBuilder("du", "-s", "-k", dir.toString()).redirectErrorStream(true).start();
        final String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!du.waitFor(DU_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        {
            du.destroyForcibly();
            throw new IOException("du " + dir + " did not finish within " + DU_TIMEOUT.toSeconds() + " s");
        }
        return parseDuKiB(output);
    }

    /**
     * The KiB of {@code du -s -k}'s output: the number before the path. {@code du} may warn about a file that
     * vanished while it walked (an association closing); its last line still carries the total.
     */
    static long parseDuKiB(final String output)
    {
        final String[] lines = output.trim().split("\\R");
        final String last = lines[lines.length - 1].trim();
        final String[] words = last.split("\\s+", 2);
        try
        {
            return Long.parseLong(words[0]);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("not du -s output: " + output, ex);
        }
    }

    /** The median of {@code values} (the mean of the middle two for an even count); NaN for none. */
    static double median(final long[] values)
    {
        return SampleStats.median(Arrays.stream(values).asDoubleStream().toArray());
    }
}
