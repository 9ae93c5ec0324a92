package io.pekkoshm.remote.tools;

import io.pekkoshm.remote.tools.StatusReport.Counter;
import io.pekkoshm.remote.tools.StatusReport.CounterSet;
import io.pekkoshm.remote.tools.StatusReport.DriverStatus;
import io.pekkoshm.remote.tools.StatusReport.NodeStatus;
import io.pekkoshm.remote.tools.StatusReport.SharedMemoryUsage;
import io.pekkoshm.remote.tools.StatusReport.SharedMemoryUsage.Part;

import java.util.List;
import java.util.Locale;

/**
 * A {@link StatusReport} as one JSON object, for scripts:
 * <pre>
 * {"takenAt": "...", "directory": "...", "directoryExists": true, "aeronDirectory": "...",
 *  "driver": {"state": "LIVE", "live": true, "pid": 4242, "startTimestampMs": ..., "heartbeatAgeMs": 3,
 *             "clients": 2, "cncVersion": "0.2.0", "note": ""},
 *  "nodes": [{"port": 2552, "pid": 4242, "alive": true, "address": "pekko.shm://a@localhost:2552",
 *             "counters": {"messagesSent": 10, "bytesSent": 1234, ...},        (counters null if none)
 *             "links": [{"direction": "to", "medium": "udp", "peer": "10.0.0.6:2552", "streamId": 2552,
 *                        "sessionId": 77}, ...]}],        (publications "to" peers, images "from" them)
 *  "unmatchedCounters": [{"address": "...", "ownerId": 7, "counters": {...}, "links": [...]}],
 *  "sharedMemory": {"files": 5, "apparentBytes": ..., "allocatedBytes": ...,       (allocated: -1 if unknown)
 *                   "publications": {"name": "aeron/publications/", "files": 2, "apparentBytes": ..., ...},
 *                   "parts": [{"name": "aeron/cnc.dat", "files": 1, ...}, ...]}}
 * </pre>
 * Counter keys are their label names in camel case ({@code messages sent} is {@code messagesSent},
 * {@code back-pressure events} is {@code backPressureEvents}). Stateless.
 */
final class StatusJson
{
    private StatusJson()
    {
    }

    static String render(final StatusReport report)
    {
        final StringBuilder out = new StringBuilder(1024);
        out.append("{\n  \"takenAt\": ").append(string(report.takenAt().toString()))
            .append(",\n  \"directory\": ").append(string(report.directory().toString()))
            .append(",\n  \"directoryExists\": ").append(report.directoryExists())
            .append(",\n  \"aeronDirectory\": ").append(string(report.aeronDirectory().toString()))
            .append(",\n  \"driver\": ");
        driver(out, report.driver());
        out.append(",\n  \"nodes\": [");
        final List<NodeStatus> nodes = report.nodes();
        for (int i = 0; i < nodes.size(); i++)
        {
            final NodeStatus node = nodes.get(i);
            out.append(i == 0 ? "\n    " : ",\n    ")
                .append("{\"port\": ").append(node.port())
                .append(", \"pid\": ").append(node.pid())
                .append(", \"alive\": ").append(node.alive())
                .append(", \"address\": ").append(string(node.address()))
                .append(", \"counters\": ");
            if (node.counters().isPresent())
            {
                counters(out, node.counters().get());
                links(out, node.counters().get());
            }
            else
            {
                out.append("null, \"links\": []");
            }
            out.append('}');
        }
        out.append(nodes.isEmpty() ? "]" : "\n  ]").append(",\n  \"unmatchedCounters\": [");
        final List<CounterSet> unmatched = report.unmatchedCounters();
        for (int i = 0; i < unmatched.size(); i++)
        {
            final CounterSet set = unmatched.get(i);
            out.append(i == 0 ? "\n    " : ",\n    ")
                .append("{\"address\": ").append(string(set.address()))
                .append(", \"ownerId\": ").append(set.ownerId())
                .append(", \"counters\": ");
            counters(out, set);
            links(out, set);
            out.append('}');
        }
        out.append(unmatched.isEmpty() ? "]" : "\n  ]").append(",\n  \"sharedMemory\": ");
        final SharedMemoryUsage usage = report.sharedMemory();
        out.append("{\"files\": ").append(usage.files())
            .append(", \"apparentBytes\": ").append(usage.apparentBytes())
            .append(", \"allocatedBytes\": ").append(usage.allocatedBytes())
            .append(",\n    \"publications\": ");
        part(out, usage.publications());
        out.append(",\n    \"parts\": [");
        final List<Part> parts = usage.parts();
        for (int i = 0; i < parts.size(); i++)
        {
            out.append(i == 0 ? "\n      " : ",\n      ");
            part(out, parts.get(i));
        }
        out.append(parts.isEmpty() ? "]}\n}\n" : "\n    ]}\n}\n");
        return out.toString();
    }

    private static void part(final StringBuilder out, final Part part)
    {
        out.append("{\"name\": ").append(string(part.name()))
            .append(", \"files\": ").append(part.files())
            .append(", \"apparentBytes\": ").append(part.apparentBytes())
            .append(", \"allocatedBytes\": ").append(part.allocatedBytes())
            .append('}');
    }

    private static void driver(final StringBuilder out, final DriverStatus driver)
    {
        out.append("{\"state\": ").append(string(driver.state().name()))
            .append(", \"live\": ").append(driver.isLive())
            .append(", \"pid\": ").append(driver.pid())
            .append(", \"startTimestampMs\": ").append(driver.startTimestampMs())
            .append(", \"heartbeatAgeMs\": ").append(driver.heartbeatAgeMs())
            .append(", \"clients\": ").append(driver.clients())
            .append(", \"cncVersion\": ").append(string(driver.cncVersion()))
            .append(", \"note\": ").append(string(driver.note()))
            .append('}');
    }

    private static void counters(final StringBuilder out, final CounterSet set)
    {
        out.append('{');
        final List<Counter> counters = set.counters();
        for (int i = 0; i < counters.size(); i++)
        {
            final Counter counter = counters.get(i);
            out.append(i == 0 ? "" : ", ").append(string(key(counter.name()))).append(": ").append(counter.value());
        }
        out.append('}');
    }

    /** The node's streams, after its counters: {@code , "links": [{"direction": "to", "medium": "udp", ...}]}. */
    private static void links(final StringBuilder out, final CounterSet set)
    {
        out.append(", \"links\": [");
        final List<StatusReport.Link> links = set.links();
        for (int i = 0; i < links.size(); i++)
        {
            final StatusReport.Link link = links.get(i);
            out.append(i == 0 ? "" : ", ")
                .append("{\"direction\": ").append(string(link.outbound() ? "to" : "from"))
                .append(", \"medium\": ").append(string(link.medium()))
                .append(", \"peer\": ").append(string(link.peer()))
                .append(", \"streamId\": ").append(link.streamId())
                .append(", \"sessionId\": ").append(link.sessionId()).append('}');
        }
        out.append(']');
    }

    /** {@code "back-pressure events"} to {@code "backPressureEvents"}. */
    static String key(final String name)
    {
        final StringBuilder key = new StringBuilder(name.length());
        boolean upper = false;
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (Character.isLetterOrDigit(c))
            {
                key.append(upper && key.length() > 0 ? Character.toUpperCase(c) : Character.toLowerCase(c));
                upper = false;
            }
            else
            {
                upper = true;
            }
        }
        return key.toString();
    }

    /** A JSON string literal (RFC 8259 escaping). */
    static String string(final String value)
    {
        final StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }
}
