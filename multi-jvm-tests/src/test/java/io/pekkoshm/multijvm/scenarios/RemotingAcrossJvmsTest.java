package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.regex.Matcher;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ordinary remoting between real JVMs over pekko.shm: tell, ask, selection, refs inside messages, typed ask. */
@Timeout(300)
class RemotingAcrossJvmsTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldDeliverAMillionSmallMessagesInOrderWithNoneLost()
    {
        final Nodes.Node receiver = Nodes.start(multiJvm, "receiver", "receiver", 0);
        final Nodes.Node sender = Nodes.start(multiJvm, "sender", "sender", 0);
        run(receiver, "sink 1000000", "^OK sink$", AWAIT);

        run(sender, "stream " + receiver.address() + "/user/sink 1000000", "^STREAMED 1000000$",
            Duration.ofSeconds(240));
        final Matcher sink = receiver.jvm().awaitLine("^SINK received=(\\d+) outOfOrder=(\\d+)$", AWAIT);

        assertEquals("1000000", sink.group(1));
        assertEquals("0", sink.group(2), "messages arrived out of order");
        final Matcher counters = run(sender, "counters", "^COUNTERS .*messagesDropped=(\\d+).*$", AWAIT);
        assertEquals("0", counters.group(1));
    }

    @Test
    void shouldAnswerTypedAskWhoseRecordCarriesItsReplyTo()
    {
        final Nodes.Node service = Nodes.start(multiJvm, "service", "service", 0);
        final Nodes.Node client = Nodes.start(multiJvm, "client", "client", 0);
        run(service, "typed-service", "^OK typed-service$", AWAIT);

        final Matcher greeted = run(client, "typed-ask " + service.address() + "/user/greeter alice", "^GREETED (.*)$",
            AWAIT);

        assertEquals("hello alice from " + service.address(), greeted.group(1));
    }

    @Test
    void shouldReachActorSelectionAndReplyThroughRefsInsideMessages()
    {
        final Nodes.Node a = Nodes.start(multiJvm, "a", "alpha", 0);
        final Nodes.Node b = Nodes.start(multiJvm, "b", "beta", 0);
        run(b, "echo", "^OK echo$", AWAIT);
        run(b, "relay", "^OK relay$", AWAIT);

        final Matcher reply = run(a, "ask " + b.address() + "/user/echo ping-1", "^REPLY (.*)$", AWAIT);
        final Matcher relayed = run(a, "relay-ask " + b.address() + "/user/relay hello", "^RELAYED (\\S+) from (\\S+)$",
            AWAIT);

        assertEquals("ping-1", reply.group(1));
        assertEquals("hello", relayed.group(1));
        assertEquals(b.address(), relayed.group(2));
        assertTrue(run(b, "counters", "^COUNTERS (.*)$", AWAIT).group(1).contains("framesRejected=0"));
    }
}
