package io.pekkoshm.benchmarks.workloads;

/** A workload that could not complete: its message becomes the {@code reason} of a failed result. */
public final class WorkloadFailedException extends RuntimeException
{
    public WorkloadFailedException(final String message)
    {
        super(message);
    }
}
