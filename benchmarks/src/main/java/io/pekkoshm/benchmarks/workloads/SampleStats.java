package io.pekkoshm.benchmarks.workloads;

import java.util.Arrays;

/**
 * Median, minimum and maximum of a handful of samples: the bandwidth workload's samples within a run, the mesh
 * nodes' resident memory. NaN for no samples.
 */
public final class SampleStats
{
    private SampleStats()
    {
    }

    /** The median of {@code values} (the mean of the middle two for an even count); NaN for none. */
    public static double median(final double[] values)
    {
        if (0 == values.length)
        {
            return Double.NaN;
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** The smallest of {@code values}; NaN for none. */
    public static double min(final double[] values)
    {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    /** The largest of {@code values}; NaN for none. */
    public static double max(final double[] values)
    {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /**
     * The index of the sample that stands for the median: the middle one by value for an odd count, the lower of the
     * middle two for an even count (ties by the earlier index); -1 for none.
     */
    public static int medianIndex(final double[] values)
    {
        if (0 == values.length)
        {
            return -1;
        }
        final Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        return order[(values.length - 1) / 2];
    }

    /** The index of the smallest value (the earliest of equal ones); -1 for none. */
    public static int minIndex(final double[] values)
    {
        int index = -1;
        for (int i = 0; i < values.length; i++)
        {
            if (index < 0 || values[i] < values[index])
            {
                index = i;
            }
        }
        return index;
    }
}
