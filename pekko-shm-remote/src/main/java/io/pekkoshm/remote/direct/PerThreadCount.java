package io.pekkoshm.remote.direct;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A count that any thread adds to without contending with the others: each thread counts in a cell of its own
 * (made and registered on its first add) with an ordered write, so every cell has a single writer; a reader sums the
 * cells. No count is lost: cells are kept after their thread ends (one small object per thread that ever counted,
 * which for the direct path's drops is the few threads that ever dropped a message).
 * <p>
 * Threading: {@link #increment()} on any thread (wait-free after a thread's first add); {@link #sum()} on any
 * thread, a value at least as recent as each cell's last ordered write it can see.
 */
final class PerThreadCount
{
    private final CopyOnWriteArrayList<Cell> cells = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Cell> mine = ThreadLocal.withInitial(this::newCell);

    /** Adds one in the calling thread's cell. */
    void increment()
    {
        mine.get().increment();
    }

    /** {@return the sum of every thread's count} */
    long sum()
    {
        long sum = 0;
        for (final Cell cell : cells)
        {
            sum += cell.value();
        }
        return sum;
    }

    private Cell newCell()
    {
        final Cell cell = new Cell();
        cells.add(cell);
        return cell;
    }

    /** One thread's count: written by that thread only (plain read, ordered write), read by any. */
    private static final class Cell
    {
        private static final VarHandle VALUE;

        static
        {
            try
            {
                VALUE = MethodHandles.lookup().findVarHandle(Cell.class, "value", long.class);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new ExceptionInInitializerError(ex);
            }
        }

        private long value;

        void increment()
        {
            VALUE.setRelease(this, value + 1);
        }

        long value()
        {
            return (long)VALUE.getAcquire(this);
        }
    }
}
