package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.transports.Transport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The runner's settings, from system properties (the {@code bench} profile passes them on from Maven's
 * {@code -D...}):
 * <pre>
 *   bench.mode          quick | full | tiny           (default full)
 *   bench.transports    all, or ids separated by commas: shm-direct, shm, shm-cross-host, shm-zero-copy,
 *                       artery-tcp, artery-aeron-udp, classic-netty-tcp, raw-aeron-ipc, memcpy, ... (the ids of
 *                       {@link Transport}; default all)
 *   bench.results       the folder that gets a folder per run          (default results)
 *   bench.idleCpuLevel  idle-cpu-level of the plugin and of Artery Aeron-UDP   (default 3, the plugin's default)
 *   bench.arteryUdpLib  the folder holding Aeron 1.45.2 / Agrona 1.22.0 for Artery Aeron-UDP's JVMs
 *   bench.mesh          the node counts of the mesh sessions (issue 19), e.g. 2,4,8, or none
 *                       (default 2,4,8,16 in full mode, none in quick and tiny mode: they take minutes)
 *   bench.sessions      all, or kinds separated by commas: main (throughput, ping-pong, first message after idle,
 *                       bandwidth up to 1 MiB, idle CPU), bandwidth (the larger sizes), isolation, mesh
 *                       (default all; e.g. main,mesh runs the idle and mesh rows only)
 * </pre>
 *
 * @param mode          the bounds of the run.
 * @param transports    the transports to run, in report order.
 * @param resultsRoot   where the run's folder is created.
 * @param idleCpuLevel  see above.
 * @param arteryUdpLib  see above; may not exist (Artery Aeron-UDP is then left out, with the reason).
 * @param meshSizes     the node counts of the mesh sessions, ascending.
 * @param sessions      the kinds of sessions to run ({@link #SESSION_KINDS}).
 */
public record BenchSettings(BenchMode mode, List<Transport> transports, Path resultsRoot, int idleCpuLevel,
    Path arteryUdpLib, List<Integer> meshSizes, Set<String> sessions)
{
    /** The kinds of sessions {@code bench.sessions} chooses from. */
    public static final List<String> SESSION_KINDS = List.of("main", "bandwidth", "isolation", "mesh");
    /** The mesh sessions of a full run: issue 19's node counts. */
    public static final List<Integer> FULL_MESH = List.of(2, 4, 8, 16);

    /** Every kind of session, and the mode's default mesh sessions. */
    public BenchSettings(final BenchMode mode, final List<Transport> transports, final Path resultsRoot,
        final int idleCpuLevel, final Path arteryUdpLib)
    {
        this(mode, transports, resultsRoot, idleCpuLevel, arteryUdpLib, meshSizes("", mode),
            Set.copyOf(SESSION_KINDS));
    }

    public BenchSettings
    {
        transports = List.copyOf(transports);
        meshSizes = List.copyOf(meshSizes);
        sessions = Set.copyOf(sessions);
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
            Path.of(System.getProperty("bench.arteryUdpLib", "target/artery-aeron-udp-lib")).toAbsolutePath(),
            meshSizes(System.getProperty("bench.mesh", ""), BenchMode.byName(System.getProperty("bench.mode", "full")
                .trim())),
            sessions(System.getProperty("bench.sessions", "all")));
    }

    /** True if sessions of this kind ({@link #SESSION_KINDS}) run. */
    public boolean runs(final String kind)
    {
        return sessions.contains(kind);
    }

    /**
     * Parses {@code bench.mesh}: node counts separated by commas (each at least 2), {@code none}, or blank for the
     * mode's default ({@link #FULL_MESH} in full mode, none otherwise); ascending, without repeats.
     */
    public static List<Integer> meshSizes(final String spec, final BenchMode mode)
    {
        final String trimmed = spec.trim();
        if (trimmed.isEmpty())
        {
            return "full".equals(mode.name()) ? FULL_MESH : List.of();
        }
        if ("none".equals(trimmed))
        {
            return List.of();
        }
        final TreeSet<Integer> sizes = new TreeSet<>();
        for (final String word : trimmed.split(","))
        {
            final int nodes;
            try
            {
                nodes = Integer.parseInt(word.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("bench.mesh takes node counts such as 2,4,8 (or none), not " +
                    spec, ex);
            }
            if (nodes < 2)
            {
                throw new IllegalArgumentException("bench.mesh: a mesh has at least 2 nodes, not " + nodes);
            }
            sizes.add(nodes);
        }
        return List.copyOf(sizes);
    }

    /** Parses {@code bench.sessions}: {@code all} or kinds of {@link #SESSION_KINDS} separated by commas. */
    public static Set<String> sessions(final String spec)
    {
        if (spec.isBlank() || "all".equals(spec.trim()))
        {
            return Set.copyOf(SESSION_KINDS);
        }
        final Set<String> kinds = new LinkedHashSet<>();
        for (final String word : spec.split(","))
        {
            final String kind = word.trim();
            if (!SESSION_KINDS.contains(kind))
            {
                throw new IllegalArgumentException("Unknown session kind " + kind + " in bench.sessions; known: " +
                    SESSION_KINDS);
            }
            kinds.add(kind);
        }
        return kinds;
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
