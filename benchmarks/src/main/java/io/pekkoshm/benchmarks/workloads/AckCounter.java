package io.pekkoshm.benchmarks.workloads;

/**
 * Acknowledgements the receiving node has sent back, counted in acknowledged messages: a stream ack counts
 * {@link Wire#ACK_EVERY}, a bulk ack one. Called from the workload's single thread only.
 */
@FunctionalInterface
public interface AckCounter
{
    /**
     * Takes {@code messages} acknowledged messages, waiting for them up to {@code timeoutNs}.
     *
     * @return false if they were not all acknowledged in time (nothing is taken then).
     */
    boolean take(int messages, long timeoutNs) throws InterruptedException;
}
