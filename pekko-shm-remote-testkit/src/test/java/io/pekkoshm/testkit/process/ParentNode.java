package io.pekkoshm.testkit.process;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child main for {@link ChildJvmTest} that is itself a parent: starts an {@link EchoNode} called {@code grandchild}
 * logging to {@code args[0]}, prints {@code grandchild pid=<pid>} once it is ready, then idles until killed.
 */
public final class ParentNode
{
    private ParentNode()
    {
    }

    public static void main(final String[] args)
    {
        final ChildControl control = ChildControl.start();
        final ChildJvm grandchild = ChildJvm.start(ChildJvmSpec.of("grandchild", EchoNode.class), Path.of(args[0]));
        grandchild.awaitLine("ready", Duration.ofSeconds(30));
        ChildControl.report("grandchild pid=" + grandchild.pid());
        control.awaitCommand(Duration.ofMinutes(10));
    }
}
