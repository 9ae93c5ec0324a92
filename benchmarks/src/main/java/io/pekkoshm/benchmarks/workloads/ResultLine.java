package io.pekkoshm.benchmarks.workloads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One measurement as a JSON object (strings and numbers in the order they were put, and arrays of flat objects
 * such as the bandwidth workload's {@code samples}), the unit of {@code results.jsonl}. Written by child JVMs with
 * no library (the Artery Aeron-UDP children have a class path of their own); the runner adds the run's fields and
 * parses it back with Jackson.
 * <p>
 * Fields every result has: {@code workload} (e.g. {@code throughput-64B}, {@code pingpong-64B},
 * {@code bandwidth-1MiB}, {@code idle}), {@code status} ({@link #OK}, {@link #FAILED}, {@link #NOT_SUPPORTED},
 * {@link #SKIPPED}) and, unless ok, {@code reason}. Units are in the names: {@code _us}, {@code _s}, {@code _per_s},
 * {@code _mib_per_s}, {@code _pct_core}.
 */
public final class ResultLine
{
    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String NOT_SUPPORTED = "not-supported";
    public static final String SKIPPED = "skipped";

    private final Map<String, Object> fields = new LinkedHashMap<>();

    public ResultLine(final String workload)
    {
        fields.put("workload", workload);
        fields.put("status", OK);
    }

    public static ResultLine failed(final String workload, final String reason)
    {
        return new ResultLine(workload).status(FAILED, reason);
    }

    public ResultLine status(final String status, final String reason)
    {
        fields.put("status", status);
        fields.put("reason", reason);
        return this;
    }

    public ResultLine put(final String key, final String value)
    {
        fields.put(key, value);
        return this;
    }

    public ResultLine put(final String key, final long value)
    {
        fields.put(key, value);
        return this;
    }

    /** Puts a double rounded to 3 decimals; NaN and infinities are left out. */
    public ResultLine put(final String key, final double value)
    {
        if (Double.isFinite(value))
        {
            fields.put(key, Math.round(value * 1000.0) / 1000.0);
        }
        return this;
    }

    /**
     * Puts an array of flat objects (strings and numbers each, in their maps' order); doubles are written with 3
     * decimals, NaN and infinities as {@code null}.
     */
    public ResultLine put(final String key, final List<? extends Map<String, ?>> objects)
    {
        final List<Map<String, Object>> copy = new ArrayList<>();
        objects.forEach(o -> copy.add(new LinkedHashMap<>(o)));
        fields.put(key, copy);
        return this;
    }

    public String toJson()
    {
        return object(new StringBuilder(256), fields).toString();
    }

    private static StringBuilder object(final StringBuilder json, final Map<String, ?> object)
    {
        json.append('{');
        boolean first = true;
        for (final Map.Entry<String, ?> field : object.entrySet())
        {
            if (!first)
            {
                json.append(',');
            }
            first = false;
            quote(json, field.getKey()).append(':');
            value(json, field.getValue());
        }
        return json.append('}');
    }

    @SuppressWarnings("unchecked")
    private static void value(final StringBuilder json, final Object value)
    {
        if (value instanceof String)
        {
            quote(json, (String)value);
        }
        else if (value instanceof Double)
        {
            final double d = (Double)value;
            json.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null");
        }
        else if (value instanceof Map)
        {
            object(json, (Map<String, ?>)value);
        }
        else if (value instanceof List)
        {
            json.append('[');
            final List<?> items = (List<?>)value;
            for (int i = 0; i < items.size(); i++)
            {
                if (i > 0)
                {
                    json.append(',');
                }
                value(json, items.get(i));
            }
            json.append(']');
        }
        else
        {
            json.append(value);
        }
    }

    private static StringBuilder quote(final StringBuilder json, final String s)
    {
        json.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"':
                    json.append("\\\"");
                    break;
                case '\\':
                    json.append("\\\\");
                    break;
                case '\n':
                    json.append("\\n");
                    break;
                case '\r':
                    json.append("\\r");
                    break;
                case '\t':
                    json.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        json.append(c);
                    }
            }
        }
        return json.append('"');
    }
}
