package io.pekkoshm.benchmarks.workloads;

/**
 * How a benchmark child JVM tells the runner that started it what happens: lines on standard output that start
 * with {@link #PREFIX}. Anything else on stdout, such as Pekko's log, only goes to the child's log file. (What the
 * runner tells a child comes on its standard input: {@link RunnerCommands}.)
 * <pre>
 *   BENCH-READY &lt;address&gt;      peer: listening at this address
 *   BENCH-RESULT {json}          driver: one workload's result (see {@link ResultLine})
 *   BENCH-IDLE-READY             driver: all workloads done, both nodes associated and doing nothing
 *   BENCH-STREAM-WANTED          driver (isolation): start the streamer's stream to the peer now
 *   BENCH-STREAMING              streamer (isolation): its stream runs, a first large message was acknowledged
 * </pre>
 * The streamer also ends its stream with a {@code BENCH-RESULT} line (workload {@code stream}).
 */
public final class ChildOutput
{
    public static final String PREFIX = "BENCH-";
    public static final String READY = PREFIX + "READY ";
    public static final String RESULT = PREFIX + "RESULT ";
    public static final String IDLE_READY = PREFIX + "IDLE-READY";
    public static final String STREAM_WANTED = PREFIX + "STREAM-WANTED";
    public static final String STREAMING = PREFIX + "STREAMING";

    private ChildOutput()
    {
    }

    public static void ready(final String address)
    {
        emit(READY + address);
    }

    public static void result(final ResultLine result)
    {
        emit(RESULT + result.toJson());
    }

    public static void idleReady()
    {
        emit(IDLE_READY);
    }

    public static void streamWanted()
    {
        emit(STREAM_WANTED);
    }

    public static void streaming()
    {
        emit(STREAMING);
    }

    private static void emit(final String line)
    {
        synchronized (System.out)
        {
            System.out.println(line);
            System.out.flush();
        }
    }
}
