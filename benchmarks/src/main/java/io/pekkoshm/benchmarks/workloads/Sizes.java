package io.pekkoshm.benchmarks.workloads;

import java.util.List;

/** Byte sizes as people write them: 64B, 1MiB, 16MiB, 256MiB, 1GiB. */
public final class Sizes
{
    public static final long KIB = 1024;
    public static final long MIB = 1024 * KIB;
    public static final long GIB = 1024 * MIB;

    /** The message sizes of the bandwidth comparison. */
    public static final List<Long> BANDWIDTH_SIZES = List.of(MIB, 16 * MIB, 256 * MIB, GIB);

    /** The large messages the isolation workload streams beside the ping-pong (issue 14: 256 MiB and 1 GiB). */
    public static final List<Long> ISOLATION_SIZES = List.of(256 * MIB, GIB);

    private Sizes()
    {
    }

    /** The shortest exact label: {@code 1GiB}, {@code 16MiB}, {@code 4KiB}, else {@code 1000B}. */
    public static String label(final long bytes)
    {
        if (bytes >= GIB && bytes % GIB == 0)
        {
            return bytes / GIB + "GiB";
        }
        if (bytes >= MIB && bytes % MIB == 0)
        {
            return bytes / MIB + "MiB";
        }
        if (bytes >= KIB && bytes % KIB == 0)
        {
            return bytes / KIB + "KiB";
        }
        return bytes + "B";
    }

    /** The label with a space, for tables: {@code 16 MiB}. */
    public static String pretty(final long bytes)
    {
        return label(bytes).replaceAll("(\\d)([A-Za-z])", "$1 $2");
    }
}
