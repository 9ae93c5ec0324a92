package io.pekkoshm.benchmarks.workloads;

/**
 * Where a one-way workload sends its messages: a Pekko {@code ActorRef.tell}, or a raw Aeron publication. Called from
 * the workload's single thread only.
 */
@FunctionalInterface
public interface MessageSink
{
    /**
     * Sends one message. It may block briefly (a raw Aeron publication that is back-pressured) but gives up with an
     * exception after a bounded time.
     */
    void send(byte[] message);
}
