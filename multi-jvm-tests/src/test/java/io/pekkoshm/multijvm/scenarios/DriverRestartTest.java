package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * driver.mode = auto, the media driver killed with kill -9: each node notices (the driver's process is checked every
 * heartbeat-interval), says so, attaches to a new driver (one of them starts it) without restarting its actor system,
 * and the nodes talk again.
 */
@Timeout(300)
class DriverRestartTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Pattern DRIVER_PID = Pattern.compile("media driver pid (\\d+)");

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldAttachToANewDriverWhenTheDriverIsKilledAndTalkAgain()
    {
        final Nodes.Node a = Nodes.start(multiJvm, "a", "a", 0);
        final Nodes.Node b = Nodes.start(multiJvm, "b", "b", 0);
        run(b, "echo", "^OK echo$", AWAIT);
        run(a, "ask " + b.address() + "/user/echo before", "^REPLY before$", AWAIT);

        final long driverPid = driverPid(a);
        multiJvm.killAtEnd(driverPid);
        assertTrue(ProcessHandle.of(driverPid).orElseThrow().destroyForcibly(), "kill -9 the media driver");

        for (final Nodes.Node node : new Nodes.Node[] { a, b })
        {
            node.jvm().awaitLine("lost its media driver .*: the media driver's process \\(pid " + driverPid +
                "\\) has exited", AWAIT);
            final Matcher attached = node.jvm().awaitLine("attached to media driver pid (\\d+)", AWAIT);
            multiJvm.killAtEnd(Long.parseLong(attached.group(1)));
        }

        // classic remoting gates an address for a few seconds after its association ended: ask until it answers
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        while (true)
        {
            final Matcher answer = run(a, "ask " + b.address() + "/user/echo after",
                "^(REPLY after|FAILED ask .*)$", AWAIT);
            if (answer.group(1).startsWith("REPLY"))
            {
                break;
            }
            if (System.nanoTime() - deadline > 0)
            {
                fail("a and b did not talk again after the driver restart: " + answer.group(1));
            }
        }
    }

    private static long driverPid(final Nodes.Node node)
    {
        for (final String line : node.jvm().outputLines())
        {
            final Matcher m = DRIVER_PID.matcher(line);
            if (m.find())
            {
                return Long.parseLong(m.group(1));
            }
        }
        return fail("no line names the media driver's pid");
    }
}
