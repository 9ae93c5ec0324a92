package io.pekkoshm.benchmarks.workloads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child JVM's arguments: {@code key=value} pairs, so that the runner and the child need no parser library and the
 * command line in a log reads on its own.
 */
public final class NodeArgs
{
    private final Map<String, String> values = new LinkedHashMap<>();

    private NodeArgs()
    {
    }

    public static NodeArgs parse(final String[] args)
    {
        final NodeArgs parsed = new NodeArgs();
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq <= 0)
            {
                throw new IllegalArgumentException("Expected key=value, got: " + arg);
            }
            parsed.values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return parsed;
    }

    public String get(final String key)
    {
        final String value = values.get(key);
        if (null == value)
        {
            throw new IllegalArgumentException("Missing argument " + key + "=...; got " + values.keySet());
        }
        return value;
    }

    public String get(final String key, final String fallback)
    {
        return values.getOrDefault(key, fallback);
    }

    public long getLong(final String key)
    {
        return Long.parseLong(get(key));
    }

    /** {@return the numbers of {@code key}, separated by commas} */
    public List<Long> getLongs(final String key)
    {
        final List<Long> numbers = new ArrayList<>();
        for (final String word : get(key).split(","))
        {
            numbers.add(Long.parseLong(word.trim()));
        }
        return numbers;
    }

    public long getLong(final String key, final long fallback)
    {
        final String value = values.get(key);
        return null == value ? fallback : Long.parseLong(value);
    }
}
