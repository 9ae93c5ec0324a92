package io.pekkoshm.remote.tools;

import io.pekkoshm.remote.tools.StatusReport.Counter;
import io.pekkoshm.remote.tools.StatusReport.CounterSet;
import io.pekkoshm.remote.tools.StatusReport.DriverStatus;
import io.pekkoshm.remote.tools.StatusReport.NodeStatus;
import io.pekkoshm.remote.tools.StatusReport.SharedMemoryUsage;
import io.pekkoshm.remote.tools.StatusReport.SharedMemoryUsage.Part;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link StatusReport} as text for a terminal: a line for the driver, a table of nodes, a table of counters with a
 * column per node, and a line for the shared memory. Stateless.
 */
final class StatusTable
{
    private StatusTable()
    {
    }

    static String render(final StatusReport report)
    {
        final StringBuilder out = new StringBuilder();
        out.append("pekko-shm status of ").append(report.directory()).append(" at ").append(report.takenAt())
            .append('\n');
        if (!report.directoryExists() && report.nodes().isEmpty() && !report.driver().isLive())
        {
            out.append("No pekko-shm directory at ").append(report.directory())
                .append(": no node and no media driver of this user runs with it on this host.\n")
                .append("(Nodes configured with another pekko.remote.shm.directory: pass it with --directory.)\n");
            return out.toString();
        }
        driver(out, report);
        nodes(out, report.nodes());
        counters(out, report);
        associations(out, report);
        sharedMemory(out, report.sharedMemory());
        return out.toString();
    }

    private static void driver(final StringBuilder out, final StatusReport report)
    {
        final DriverStatus driver = report.driver();
        out.append("\nMedia driver (").append(report.aeronDirectory()).append("): ");
        switch (driver.state())
        {
            case NONE:
                out.append("none (no cnc.dat). The next node to start launches one (driver.mode = auto).\n");
                return;
            case UNREADABLE:
                out.append("unreadable: ").append(driver.note()).append('\n');
                return;
            case LIVE:
                out.append("live, pid ").append(driver.pid());
                break;
            case NOT_LIVE:
            default:
                out.append("NOT LIVE, pid ").append(driver.pid()).append(": ").append(driver.note());
                break;
        }
        if (driver.startTimestampMs() > 0)
        {
            out.append(", started ").append(Instant.ofEpochMilli(driver.startTimestampMs()));
        }
        if (driver.heartbeatAgeMs() >= 0)
        {
            out.append(", heartbeat ").append(driver.heartbeatAgeMs()).append(" ms ago");
        }
        if (driver.clients() >= 0)
        {
            out.append(", ").append(driver.clients()).append(driver.clients() == 1 ? " client" : " clients");
        }
        out.append('\n');
    }

    private static void nodes(final StringBuilder out, final List<NodeStatus> nodes)
    {
        out.append("\nNodes (").append(nodes.size()).append("):\n");
        if (nodes.isEmpty())
        {
            out.append("  none\n");
            return;
        }
        final List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "PORT", "PID", "STATE", "ADDRESS" });
        for (final NodeStatus node : nodes)
        {
            rows.add(new String[] {
                Integer.toString(node.port()), Long.toString(node.pid()), node.alive() ? "alive" : "stale",
                node.address().isEmpty() ? "(starting)" : node.address() });
        }
        table(out, rows, false);
        if (nodes.stream().anyMatch(node -> !node.alive()))
        {
            out.append("  (stale: the process is gone; the next node to start, or the exiting driver, removes " +
                "its file)\n");
        }
    }

    private static void counters(final StringBuilder out, final StatusReport report)
    {
        final List<String> columns = new ArrayList<>();
        final List<CounterSet> sets = new ArrayList<>();
        for (final NodeStatus node : report.nodes())
        {
            if (node.counters().isPresent())
            {
                columns.add(Integer.toString(node.port()));
                sets.add(node.counters().get());
            }
        }
        for (final CounterSet set : report.unmatchedCounters())
        {
            columns.add(set.address() + " (no node file)");
            sets.add(set);
        }
        out.append("\nCounters (the driver's CnC file; AeronStat shows them too):\n");
        if (sets.isEmpty())
        {
            out.append("  none\n");
            return;
        }
        final Map<Integer, String> names = new TreeMap<>();
        for (final CounterSet set : sets)
        {
            for (final Counter counter : set.counters())
            {
                names.putIfAbsent(counter.typeId(), counter.name());
            }
        }
        final List<String[]> rows = new ArrayList<>();
        final String[] header = new String[columns.size() + 1];
        header[0] = "COUNTER \\ PORT";
        for (int i = 0; i < columns.size(); i++)
        {
            header[i + 1] = columns.get(i);
        }
        rows.add(header);
        for (final Map.Entry<Integer, String> name : names.entrySet())
        {
            final String[] row = new String[columns.size() + 1];
            row[0] = name.getValue();
            for (int i = 0; i < sets.size(); i++)
            {
                final var value = sets.get(i).value(name.getKey());
                row[i + 1] = value.isPresent() ? String.format(Locale.ROOT, "%,d", value.getAsLong()) : "-";
            }
            rows.add(row);
        }
        table(out, rows, true);
    }

    private static void sharedMemory(final StringBuilder out, final SharedMemoryUsage usage)
    {
        out.append("\nShared memory: ").append(usage.files()).append(usage.files() == 1 ? " file, " : " files, ")
            .append(usage.allocatedBytes() >= 0 ? bytes(usage.allocatedBytes()) + " in use, " : "")
            .append(bytes(usage.apparentBytes())).append(" apparent (log buffers are sparse: they take memory as they ")
            .append("are written)\n");
        if (usage.parts().isEmpty())
        {
            return;
        }
        final List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "PATH", "FILES", "IN USE", "APPARENT" });
        for (final Part part : usage.parts())
        {
            rows.add(new String[] {
                part.name(), Long.toString(part.files()),
                part.allocatedBytes() >= 0 ? bytes(part.allocatedBytes()) : "?",
                bytes(part.apparentBytes()) });
        }
        table(out, rows, true);
    }

    static String bytes(final long bytes)
    {
        if (bytes < 1024)
        {
            return bytes + " B";
        }
        final String[] units = { "KiB", "MiB", "GiB", "TiB" };
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** Left-aligned columns, or with {@code numeric} right-aligned after the first. */
    /** Per node, its publications to its peers and the images it reads from them, with their medium. */
    private static void associations(final StringBuilder out, final StatusReport report)
    {
        final List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "NODE", "", "MEDIUM", "PEER", "STREAM", "SESSION" });
        for (final NodeStatus node : report.nodes())
        {
            node.counters().ifPresent(set -> linkRows(rows, Integer.toString(node.port()), set));
        }
        for (final CounterSet set : report.unmatchedCounters())
        {
            linkRows(rows, set.address(), set);
        }
        out.append("\nAssociations (the driver's stream counters; ipc: a node of this host, udp: a node of another ")
            .append("host):\n");
        if (1 == rows.size())
        {
            out.append("  none\n");
            return;
        }
        table(out, rows, false);
    }

    private static void linkRows(final List<String[]> rows, final String node, final CounterSet set)
    {
        for (final StatusReport.Link link : set.links())
        {
            rows.add(new String[] { node, link.outbound() ? "to" : "from", link.medium(), link.peer(),
                Integer.toString(link.streamId()), Integer.toString(link.sessionId()) });
        }
    }

    private static void table(final StringBuilder out, final List<String[]> rows, final boolean numeric)
    {
        final int[] widths = new int[rows.get(0).length];
        for (final String[] row : rows)
        {
            for (int i = 0; i < row.length; i++)
            {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (final String[] row : rows)
        {
            final StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < row.length; i++)
            {
                final String format = numeric && i > 0 ? "%" + widths[i] + "s" : "%-" + widths[i] + "s";
                line.append(String.format(Locale.ROOT, format, row[i])).append(i < row.length - 1 ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
