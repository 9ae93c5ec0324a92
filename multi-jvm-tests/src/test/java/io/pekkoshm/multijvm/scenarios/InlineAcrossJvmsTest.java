package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.regex.Matcher;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inline delivery between real JVMs: actors on the inline dispatcher run on the receiving node's thread. */
@Timeout(300)
class InlineAcrossJvmsTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldDeliverAStreamInOrderToAnInlineSinkAndAnswerAsksFromAnInlineEcho()
    {
        final Nodes.Node receiver = Nodes.start(multiJvm, "receiver", "receiver", 0);
        final Nodes.Node sender = Nodes.start(multiJvm, "sender", "sender", 0);
        run(receiver, "inline-sink 200000", "^OK sink$", AWAIT);
        run(receiver, "inline-echo", "^OK echo$", AWAIT);

        run(sender, "stream " + receiver.address() + "/user/sink 200000", "^STREAMED 200000$",
            Duration.ofSeconds(240));
        final Matcher sink = receiver.jvm().awaitLine("^SINK received=(\\d+) outOfOrder=(\\d+)$", AWAIT);
        final Matcher reply = run(sender, "ask " + receiver.address() + "/user/echo ping-inline", "^REPLY (.*)$",
            AWAIT);

        assertEquals("200000", sink.group(1));
        assertEquals("0", sink.group(2), "messages arrived out of order");
        assertEquals("ping-inline", reply.group(1));
        final String counters = run(receiver, "counters", "^COUNTERS (.*)$", AWAIT).group(1);
        assertTrue(counters.contains("inlineTasksFailed=0"), counters);
        assertTrue(counters.contains("inlineTasksOnFallback=0"), counters);
        assertFalse(counters.contains("inlineTasksRun=0,"), "the sink ran on the node's thread: " + counters);
    }
}
