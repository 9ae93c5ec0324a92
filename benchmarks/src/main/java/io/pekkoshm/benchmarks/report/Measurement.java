package io.pekkoshm.benchmarks.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One line of {@code results.jsonl} as the runner and the reports read it: a JSON object of strings and numbers
 * (and arrays of such objects, e.g. the bandwidth workload's {@code samples}) with at least {@code transport},
 * {@code workload} and {@code status}. Immutable.
 */
public final class Measurement
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> fields;

    private Measurement(final Map<String, Object> fields)
    {
        this.fields = Collections.unmodifiableMap(fields);
    }

    public static Measurement fromJson(final String json)
    {
        try
        {
            return new Measurement(JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { }));
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("Not a result line: " + json, ex);
        }
    }

    /** This measurement with {@code context} fields put first (they win over fields of the same name). */
    public Measurement withContext(final Map<String, ?> context)
    {
        final Map<String, Object> merged = new LinkedHashMap<>(context);
        fields.forEach(merged::putIfAbsent);
        return new Measurement(merged);
    }

    public String toJson()
    {
        try
        {
            return JSON.writeValueAsString(fields);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** The fields whose names start with {@code prefix}, in order. */
    public Map<String, Object> fieldsStartingWith(final String prefix)
    {
        final Map<String, Object> chosen = new LinkedHashMap<>();
        fields.forEach((key, value) ->
        {
            if (key.startsWith(prefix))
            {
                chosen.put(key, value);
            }
        });
        return chosen;
    }

    public String transport()
    {
        return text("transport").orElse("?");
    }

    public String workload()
    {
        return text("workload").orElse("?");
    }

    public String status()
    {
        return text("status").orElse("?");
    }

    public boolean ok()
    {
        return "ok".equals(status());
    }

    public String reason()
    {
        return text("reason").orElse("");
    }

    public Optional<String> text(final String key)
    {
        final Object value = fields.get(key);
        return null == value ? Optional.empty() : Optional.of(String.valueOf(value));
    }

    /**
     * An array of objects (such as {@code samples}), if present and this measurement is ok; empty otherwise. Items
     * that are not objects are left out.
     */
    public List<Map<String, Object>> objects(final String key)
    {
        final Object value = fields.get(key);
        if (!ok() || !(value instanceof List))
        {
            return List.of();
        }
        final List<Map<String, Object>> objects = new ArrayList<>();
        for (final Object item : (List<?>)value)
        {
            if (item instanceof Map)
            {
                final Map<String, Object> object = new LinkedHashMap<>();
                ((Map<?, ?>)item).forEach((k, v) -> object.put(String.valueOf(k), v));
                objects.add(Collections.unmodifiableMap(object));
            }
        }
        return List.copyOf(objects);
    }

    /** A numeric field, if present and this measurement is ok. */
    public OptionalDouble number(final String key)
    {
        final Object value = fields.get(key);
        return ok() && value instanceof Number ? OptionalDouble.of(((Number)value).doubleValue()) :
            OptionalDouble.empty();
    }
}
