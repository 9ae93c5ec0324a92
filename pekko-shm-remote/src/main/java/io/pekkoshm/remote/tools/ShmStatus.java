package io.pekkoshm.remote.tools;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmConfigurationException;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.driver.DriverProbe;
import io.pekkoshm.remote.driver.JvmFlags;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.host.ShmDirectory;
import io.pekkoshm.remote.tools.StatusReport.CounterSet;
import io.pekkoshm.remote.tools.StatusReport.DriverState;
import io.pekkoshm.remote.tools.StatusReport.DriverStatus;
import io.pekkoshm.remote.tools.StatusReport.NodeStatus;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What runs on this host over shared memory: the nodes of a directory's node registry (address, pid, alive or
 * stale), its media driver (pid, live or not), each node's counters and the shared memory its files take.
 * <pre>
 *   bin/pekko-shm-status [--directory DIR] [--aeron-directory DIR] [--json]
 *   java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 *        -cp &lt;the plugin's classpath&gt; io.pekkoshm.remote.tools.ShmStatus [options]
 * </pre>
 * Without options the directory is the configured {@code pekko.remote.shm.directory} (system properties such as
 * {@code -Dpekko.remote.shm.directory=...} apply), by default {@code /dev/shm/pekko-shm-<user>}.
 * <p>
 * <b>Read only.</b> The tool never disturbs the nodes or the driver: it takes no lock (never
 * {@code LockFile.tryAcquire}), creates nothing, reads node files only through {@link NodeRegistry#lookup(int)} (which
 * never opens a file this JVM holds locked, so it is safe even inside a JVM running nodes), maps the driver's CnC
 * file read-only and connects no Aeron client (a client would keep an idle standalone driver from exiting).
 * <p>
 * <b>Counters.</b> The transport's counters ({@code TransportCounters}, type ids 7301 and up) are standard Aeron
 * counter records allocated through the Aeron client ({@code Aeron.addCounter} with a type id and a label
 * {@code pekko-shm <name>: <address>}), with no custom key layout: Aeron's own {@code AeronStat}, and any tool built
 * on {@code CountersReader}, lists them next to Aeron's counters. This tool reads them the same way: Aeron's
 * {@code CncFileDescriptor} locates the counter buffers in the CnC file and Agrona's {@code CountersReader} walks
 * them. Counter types the transport adds later (in the 7301..7399 block) appear without a change here. The values
 * are those the nodes have published into the CnC file, which may lag what a node counts in-process
 * ({@code ShmRemote.counters()}) by the node's publishing interval.
 * <p>
 * Exit status: 0 when the status was shown, including when no directory or driver exists (a clear message says
 * so); 2 for a bad option or setting, or a JVM started without the flags above.
 */
public final class ShmStatus
{
    /** Exit status for a bad option or setting, or missing JVM flags. */
    public static final int EXIT_USAGE = 2;

    private static final String USAGE =
        "usage: pekko-shm-status [--directory DIR] [--aeron-directory DIR] [--json]\n" +
        "  --directory DIR          the plugin's directory (pekko.remote.shm.directory);\n" +
        "                           default: the configured one, /dev/shm/pekko-shm-<user> unless set\n" +
        "  --aeron-directory DIR    the media driver's directory (default: DIR/aeron)\n" +
        "  --json                   print JSON instead of tables\n";

    private ShmStatus()
    {
    }

    /**
     * Prints the status of this host and exits.
     *
     * @param args the options, see {@link ShmStatus}.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Prints the status without exiting the JVM.
     *
     * @param args the options, see {@link ShmStatus}.
     * @param out  where the status goes.
     * @param err  where usage errors go.
     * @return the exit status: 0, or {@link #EXIT_USAGE}.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final Map<String, String> overrides = new HashMap<>();
        boolean json = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--directory":
                case "--aeron-directory":
                    if (i + 1 >= args.length)
                    {
                        err.print(args[i] + " needs a value\n" + USAGE);
                        return EXIT_USAGE;
                    }
                    overrides.put("--directory".equals(args[i]) ? ShmSettings.ROOT + ".directory" :
                        ShmSettings.ROOT + ".driver.aeron-directory", Path.of(args[++i]).toAbsolutePath().toString());
                    break;
                case "-h":
                case "--help":
                    out.print(USAGE);
                    return 0;
                default:
                    err.print("unknown option " + args[i] + "\n" + USAGE);
                    return EXIT_USAGE;
            }
        }
        if (!JvmFlags.requiredPresent())
        {
            err.println("pekko-shm-status reads Aeron's files with Agrona: " +
                JvmFlags.missingMessage("pekko-shm-status") + " (bin/pekko-shm-status passes them).");
            return EXIT_USAGE;
        }

        final ShmSettings settings;
        try
        {
            final Config config = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
            settings = ShmSettings.fromRootConfig(config);
        }
        catch (final ShmConfigurationException | com.typesafe.config.ConfigException ex)
        {
            err.println(ex.getMessage());
            return EXIT_USAGE;
        }

        final StatusReport report = collect(settings);
        out.print(json ? StatusJson.render(report) : StatusTable.render(report));
        out.flush();
        return 0;
    }

    /**
     * Takes the status of the directory, Aeron directory and driver timeout of {@code settings}.
     *
     * @param settings the plugin's settings, as a node of this host would read them.
     * @return what is there now.
     */
    public static StatusReport collect(final ShmSettings settings)
    {
        return collect(settings.transport().directory(), settings.driver().aeronDirectory(),
            settings.driver().timeout());
    }

    /**
     * Takes the status of one directory, read-only (see {@link ShmStatus}).
     *
     * @param directory      the plugin's directory ({@code pekko.remote.shm.directory}).
     * @param aeronDirectory the media driver's directory, usually {@code directory/aeron}.
     * @param driverTimeout  how old the driver's heartbeat may be for it to count as live
     *                       ({@code pekko.remote.shm.driver.timeout}).
     * @return what is there now; empty lists and {@link DriverState#NONE} if nothing is.
     */
    public static StatusReport collect(final Path directory, final Path aeronDirectory, final Duration driverTimeout)
    {
        final Instant now = Instant.now();
        final ShmDirectory shm = new ShmDirectory(directory, aeronDirectory);
        final CncReader.Snapshot cnc = CncReader.read(shm.aeronDirectory());
        final DriverStatus driver = driverStatus(cnc, shm.aeronDirectory(), driverTimeout);

        final List<CounterSet> unmatched = new ArrayList<>(cnc.counterSets());
        final List<NodeStatus> nodes = new ArrayList<>();
        for (final NodeRegistry.NodeInfo info : nodeFiles(shm))
        {
            final Optional<CounterSet> counters = unmatched.stream()
                .filter(set -> !info.address().isEmpty() && set.address().equals(info.address()))
                // The newest client's: a restarted node's predecessor keeps its counters until the driver frees them.
                .max(Comparator.comparingLong(CounterSet::ownerId));
            counters.ifPresent(unmatched::remove);
            nodes.add(new NodeStatus(info.port(), info.pid(), info.isAlive(), info.address(), counters));
        }
        return new StatusReport(now, shm.root(), Files.isDirectory(shm.root()), shm.aeronDirectory(), driver, nodes,
            unmatched, SharedMemoryScan.scan(shm.root(), shm.aeronDirectory()));
    }

    private static DriverStatus driverStatus(
        final CncReader.Snapshot cnc, final Path aeronDirectory, final Duration driverTimeout)
    {
        DriverState state = cnc.state();
        String note = cnc.note();
        if (DriverState.NOT_LIVE == state)
        {
            final long livePid = DriverProbe.liveDriverPid(aeronDirectory, driverTimeout.toMillis());
            if (livePid > 0 && livePid == cnc.pid())
            {
                state = DriverState.LIVE;
            }
            else if (ProcessHandle.of(cnc.pid()).map(ProcessHandle::isAlive).orElse(false))
            {
                note = "its process " + cnc.pid() + " runs, but its heartbeat is " + cnc.heartbeatAgeMs() +
                    " ms old (more than driver.timeout, " + driverTimeout.toMillis() + " ms): hung or stopped";
            }
            else
            {
                note = "its process " + cnc.pid() + " is gone (killed?); the next node to start replaces it";
            }
        }
        return new DriverStatus(state, cnc.pid(), cnc.startTimestampMs(), cnc.heartbeatAgeMs(), cnc.clients(),
            cnc.cncVersion(), note);
    }

    /** What each {@code nodes/<port>.node} file says, by port; files that name no owner yet are left out. */
    private static List<NodeRegistry.NodeInfo> nodeFiles(final ShmDirectory shm)
    {
        final NodeRegistry registry = new NodeRegistry(shm);
        final List<NodeRegistry.NodeInfo> nodes = new ArrayList<>();
        final Path nodesDirectory = shm.nodesDirectory();
        if (!Files.isDirectory(nodesDirectory))
        {
            return nodes;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(nodesDirectory, "*.node"))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                try
                {
                    final int port = Integer.parseInt(name.substring(0, name.length() - ".node".length()));
                    registry.lookup(port).ifPresent(nodes::add);
                }
                catch (final NumberFormatException ex)
                {
                    // Not a node file of this plugin.
                }
            }
        }
        catch (final IOException ex)
        {
            // The directory went away while we listed it (the last node and the driver exited).
        }
        nodes.sort(Comparator.comparingInt(NodeRegistry.NodeInfo::port));
        return nodes;
    }
}
