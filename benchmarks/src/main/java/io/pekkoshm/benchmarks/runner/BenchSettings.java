package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.transports.Transport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The runner's settings, from system properties (the {@code bench} profile passes them on from Maven's
 * {@code -D...}):
 * <pre>
 *   bench.mode          quick | full | tiny           (default full)
 *   bench.transports    all, or ids separated by commas: shm, shm-zero-copy, artery-tcp, artery-aeron-udp,
 *                       classic-netty-tcp, raw-aeron-ipc, memcpy    (default all)
 *   bench.results       the folder that gets a folder per run          (default results)
 *   bench.idleCpuLevel  idle-cpu-level of the plugin and of Artery Aeron-UDP   (default 3, the plugin's default)
 *   bench.arteryUdpLib  the folder holding Aeron 1.45.2 / Agrona 1.22.0 for Artery Aeron-UDP's JVMs
 * </pre>
 *
 * @param mode          the bounds of the run.
 * @param transports    the transports to run, in report order.
 * @param resultsRoot   where the run's folder is created.
 * @param idleCpuLevel  see above.
 * @param arteryUdpLib  see above; may not exist (Artery Aeron-UDP is then left out, with the reason).
 */
public record BenchSettings(BenchMode mode, List<Transport> transports, Path resultsRoot, int idleCpuLevel,
    Path arteryUdpLib)
{
    public BenchSettings
    {
        transports = List.copyOf(transports);
        if (idleCpuLevel < 1 || idleCpuLevel > 10)
        {
            throw new IllegalArgumentException("bench.idleCpuLevel must be between 1 and 10, not " + idleCpuLevel);
        }
    }

    public static BenchSettings fromSystemProperties()
    {
        return new BenchSettings(
            BenchMode.byName(System.getProperty("bench.mode", "full").trim()),
            transports(System.getProperty("bench.transports", "all")),
            Path.of(System.getProperty("bench.results", "results")).toAbsolutePath(),
            Integer.getInteger("bench.idleCpuLevel", 3),
            Path.of(System.getProperty("bench.arteryUdpLib", "target/artery-aeron-udp-lib")).toAbsolutePath());
    }

    /** Parses {@code all} or a comma-separated list of transport ids. */
    public static List<Transport> transports(final String spec)
    {
        if (spec.isBlank() || "all".equals(spec.trim()))
        {
            return Arrays.asList(Transport.values());
        }
        final List<Transport> chosen = new ArrayList<>();
        for (final String id : spec.split(","))
        {
            chosen.add(Transport.byId(id.trim()).orElseThrow(() -> new IllegalArgumentException(
                "Unknown transport " + id + " in bench.transports; known: " + Arrays.toString(ids()))));
        }
        chosen.sort(null); // report order
        return chosen;
    }

    private static String[] ids()
    {
        return Arrays.stream(Transport.values()).map(Transport::id).toArray(String[]::new);
    }
}
