package io.pekkoshm.testkit;

import java.util.List;

/**
 * A piece of test code that runs in a node's JVM, started from the test with {@link Node#run}: a class with a public
 * no-argument constructor, instantiated anew for each run in the node's JVM (so it is on the test class path, and
 * carries no state from the test; keep state between steps in {@link NodeContext#state()}).
 * <p>
 * Its answer travels back to the test with Java serialization: a {@link java.io.Serializable} value (a String, a
 * number, a record of those) or null. An exception thrown by the step fails {@link Node#run} in the test with the
 * node's stack trace. Steps of one node may run at the same time (each on its own thread), e.g. one waiting in a
 * barrier while another runs.
 *
 * @param <R> the type of the answer.
 */
@FunctionalInterface
public interface NodeStep<R>
{
    /**
     * @param node the node it runs on.
     * @param args the arguments given to {@link Node#run}.
     * @return the answer, {@link java.io.Serializable} or null.
     * @throws Exception to fail the step: the test's {@link Node#run} fails with it.
     */
    R run(NodeContext node, List<String> args) throws Exception;
}
