package io.pekkoshm.benchmarks.report;

import com.sun.management.OperatingSystemMXBean;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The machine a run measured, as {@code machine.txt} and the report's header say it: cores, memory, CPU model, JDK,
 * OS and the date.
 *
 * @param cores      processors available to the JVM.
 * @param memoryGiB  physical memory.
 * @param cpuModel   from /proc/cpuinfo, or "unknown".
 * @param jdk        VM name and runtime version.
 * @param os         name, version, architecture.
 * @param started    when the run started.
 * @param loadAverage the 1-minute load average when the run started (other work on the machine skews figures).
 */
public record MachineInfo(int cores, double memoryGiB, String cpuModel, String jdk, String os, ZonedDateTime started,
    double loadAverage)
{
    public static MachineInfo collect(final ZonedDateTime started)
    {
        final OperatingSystemMXBean os = (OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
        return new MachineInfo(
            Runtime.getRuntime().availableProcessors(),
            os.getTotalMemorySize() / (1024.0 * 1024 * 1024),
            readCpuModel(),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " (" +
                System.getProperty("java.vendor") + ")",
            System.getProperty("os.name") + " " + System.getProperty("os.version") + " " +
            System.getProperty("os.arch"),
            started,
            loadAverageNow());
    }

    /** The 1-minute load average now, or -1 where the OS does not say. */
    public static double loadAverageNow()
    {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String readCpuModel()
    {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo")))
        {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    /** One line for a report header. */
    public String summary()
    {
        return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB memory, %s, %s", cores, cpuModel, memoryGiB, jdk,
            os);
    }

    /** The contents of machine.txt. */
    public String toText()
    {
        return "date:   " + started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + "\n" +
            "cores:  " + cores + "\n" +
            "cpu:    " + cpuModel + "\n" +
            String.format(Locale.ROOT, "memory: %.1f GiB%n", memoryGiB) +
            "jdk:    " + jdk + "\n" +
            "os:     " + os + "\n" +
            String.format(Locale.ROOT, "load:   %.2f (1-minute load average at the start)%n", loadAverage);
    }
}
