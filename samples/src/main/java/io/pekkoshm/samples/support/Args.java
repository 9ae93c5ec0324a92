package io.pekkoshm.samples.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sample's command line: {@code --name value} pairs, each name one of the sample's options with a default. An
 * unknown option or a bad number fails the sample with its usage.
 */
public final class Args
{
    private final String sample;
    private final Map<String, String> defaults;
    private final Map<String, String> values;

    private Args(final String sample, final Map<String, String> defaults, final Map<String, String> values)
    {
        this.sample = sample;
        this.defaults = defaults;
        this.values = values;
    }

    /**
     * @param sample   the sample's name, for the usage line.
     * @param args     the command line.
     * @param optionsAndDefaults every option (without the leading {@code --}) followed by its default, in the order
     *                           of the usage line: {@code "round-trips", "20000", "warm-up", "2000"}.
     * @return the options.
     * @throws SampleFailure with the usage, for an unknown option or one without a value.
     */
    public static Args parse(final String sample, final String[] args, final String... optionsAndDefaults)
    {
        final Map<String, String> defaults = new LinkedHashMap<>();
        for (int i = 0; i + 1 < optionsAndDefaults.length; i += 2)
        {
            defaults.put(optionsAndDefaults[i], optionsAndDefaults[i + 1]);
        }
        final Map<String, String> values = new LinkedHashMap<>(defaults);
        for (int i = 0; i < args.length; i++)
        {
            final String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (null == name || !defaults.containsKey(name) || i + 1 >= args.length)
            {
                throw new SampleFailure("bad argument '" + args[i] + "'; " + usage(sample, defaults));
            }
            values.put(name, args[++i]);
        }
        return new Args(sample, defaults, values);
    }

    private static String usage(final String sample, final Map<String, String> defaults)
    {
        final StringBuilder usage = new StringBuilder("usage: ").append(sample);
        defaults.forEach((name, value) -> usage.append(" [--").append(name).append(' ').append(value).append(']'));
        return usage.toString();
    }

    /**
     * @param name an option.
     * @return its value.
     */
    public String string(final String name)
    {
        final String value = values.get(name);
        if (null == value)
        {
            throw new IllegalArgumentException(sample + " has no option --" + name);
        }
        return value;
    }

    /**
     * @param name an option whose value is a whole number (digits, optionally with {@code _} or {@code ,} between).
     * @param min  the least value allowed.
     * @return its value.
     * @throws SampleFailure if it is not such a number, or less than {@code min}.
     */
    public long number(final String name, final long min)
    {
        final String text = string(name);
        final long value;
        try
        {
            value = Long.parseLong(text.replace("_", "").replace(",", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new SampleFailure("--" + name + " " + text + " is not a number; " + usage(sample, defaults));
        }
        if (value < min)
        {
            throw new SampleFailure("--" + name + " must be at least " + min + ", not " + value);
        }
        return value;
    }
}
