package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.remote.tools.ShmStatus;
import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.MultiJvmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A peer JVM killed with kill -9: watchers learn it within the configured bound, its restart is reachable, and
 * nothing addressed to the old incarnation reaches the new one.
 */
@Timeout(300)
class PeerFailureTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);

    /**
     * The bound under test: the process check runs every heartbeat-interval (1 s by default); this allows for a
     * loaded 2-core machine. Pekko's own watch failure detector would take ~10 s.
     */
    private static final Duration TERMINATED_WITHIN = Duration.ofSeconds(5);

    /** 16-byte messages: several megabytes on the wire, over the direct path or classic remoting. */
    private static final int STREAM_AFTER_RESTART = 100_000;

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldTellWatchersWhenPeerIsKilledAndReachItsRestartOnTheSameAddress()
    {
        final Nodes.Node survivor = Nodes.start(multiJvm, "survivor", "survivor", 0);
        final Nodes.Node victim = Nodes.start(multiJvm, "victim", "victim", 0);
        run(victim, "echo", "^OK echo$", AWAIT);
        final String echoPath = victim.address() + "/user/echo";
        assertEquals("before", run(survivor, "ask " + echoPath + " before", "^REPLY (.*)$", AWAIT).group(1));
        run(survivor, "watch " + echoPath, "^WATCHING .*$", AWAIT);

        victim.jvm().kill();

        final Matcher terminated = survivor.jvm().awaitLine("^TERMINATED (.*)$", TERMINATED_WITHIN);
        assertEquals(echoPath, terminated.group(1));

        final Nodes.Node restarted = Nodes.start(multiJvm, "victim-restarted", "victim", victim.port());
        assertEquals(victim.address(), restarted.address());
        run(restarted, "echo", "^OK echo$", AWAIT);
        assertEquals("after", run(survivor, "ask " + echoPath + " after", "^REPLY (.*)$", AWAIT).group(1));
    }

    /**
     * A node killed with kill -9 leaves its Aeron subscription in the media driver until the driver's client liveness
     * timeout, and Aeron's flow control waits for every subscription a publication is linked to. A peer's stream to
     * the node restarted on that port, several times Aeron's publication window (half the 4 MiB term of these tests),
     * is not held back by the dead subscription: all of it arrives, in order, while the driver still counts the killed
     * JVM's client (a stream that waited for the dead subscription could only end after the driver dropped it). The
     * liveness timeout is 25 s here, so that the restart and the stream fit well within it.
     */
    @Test
    void shouldStreamToAPeerRestartedOnTheSamePortWithoutWaitingForTheDriverToDropTheKilledOne()
    {
        final String[] config = { "pekko.remote.shm.driver.client-liveness-timeout", "25 s" };
        final Nodes.Node sender = Nodes.start(multiJvm, "sender", "sender", 0, config);
        final Nodes.Node victim = Nodes.start(multiJvm, "victim", "victim", 0, config);
        run(victim, "sink 1000", "^OK sink$", AWAIT);
        final String sinkPath = victim.address() + "/user/sink";
        run(sender, "stream " + sinkPath + " 1000", "^STREAMED 1000$", AWAIT);
        final Path directory = multiJvm.shmDirectory();
        final int clientsBeforeTheKill = driverClients(directory);

        victim.jvm().kill();
        final Nodes.Node restarted = Nodes.start(multiJvm, "victim-restarted", "victim", victim.port(), config);
        run(restarted, "sink " + STREAM_AFTER_RESTART, "^OK sink$", AWAIT);
        run(sender, "stream " + sinkPath + " " + STREAM_AFTER_RESTART, "^STREAMED " + STREAM_AFTER_RESTART + "$",
            AWAIT);
        final Matcher sink = restarted.jvm().awaitLine("^SINK received=(\\d+) outOfOrder=(\\d+)$", AWAIT);

        assertEquals(Integer.toString(STREAM_AFTER_RESTART), sink.group(1));
        assertEquals("0", sink.group(2), "messages arrived out of order");
        assertEquals(clientsBeforeTheKill + 1, driverClients(directory),
            "the driver still counts the killed JVM's client beside the two live ones when the stream has arrived");
    }

    private static int driverClients(final Path directory)
    {
        return ShmStatus.collect(directory, directory.resolve("aeron"), Duration.ofSeconds(30)).driver().clients();
    }

    /**
     * A peer killed and restarted on the same address is a new incarnation, and Pekko's quarantine semantics hold: a
     * ref to an actor of the old incarnation, used before or after the restart, never delivers to the new
     * incarnation's actor of the same name (its path carries the old actor's uid, so the new system sends it to dead
     * letters); a ref resolved anew does. The proof needs no waiting for an absence: messages through the old ref are
     * sent before the one through the new ref, over the same association, so had any been delivered it would have
     * arrived first.
     */
    @Test
    void shouldNeverDeliverToTheNewIncarnationWhatWasAddressedToTheOldOne()
    {
        final String[] config = { "pekko.remote.shm.driver.client-liveness-timeout", "5 s" };
        final ChildJvm c = Nodes.launch(multiJvm, new String[0], "client", "client", 0, config);
        final ChildJvm v = Nodes.launch(multiJvm, new String[0], "victim", "victim", 0, config);
        final Nodes.Node client = Nodes.ready(c);
        final Nodes.Node victim = Nodes.ready(v);
        run(victim, "recorder rec", "^OK recorder rec$", AWAIT);
        final String recPath = victim.address() + "/user/rec";
        final String oldRef = run(client, "remember old " + recPath, "^REMEMBERED old (\\S+)$", AWAIT).group(1);
        run(client, "tell old before", "^TOLD old before$", AWAIT);
        victim.jvm().awaitLine("^GOT rec before$", AWAIT);
        run(client, "watch " + recPath, "^WATCHING ", AWAIT);

        victim.jvm().kill();
        assertEquals(recPath, client.jvm().awaitLine("^TERMINATED (.*)$", TERMINATED_WITHIN).group(1));
        run(client, "tell old while-dead", "^TOLD old while-dead$", AWAIT);

        final Nodes.Node restarted = Nodes.start(multiJvm, "victim-restarted", "victim", victim.port(), config);
        assertEquals(victim.address(), restarted.address());
        run(restarted, "recorder rec", "^OK recorder rec$", AWAIT);
        final String newRef = run(client, "remember new " + recPath, "^REMEMBERED new (\\S+)$", AWAIT).group(1);
        assertNotEquals(oldRef, newRef, "the new incarnation's actor has another uid");
        run(client, "tell old after-restart", "^TOLD old after-restart$", AWAIT);
        run(client, "tell new to-new", "^TOLD new to-new$", AWAIT);

        restarted.jvm().awaitLine("^GOT rec to-new$", AWAIT);
        final List<String> got = restarted.jvm().outputLines().stream().filter(l -> l.startsWith("GOT ")).toList();
        assertEquals(List.of("GOT rec to-new"), got, "what the new incarnation's actor received");
        assertEquals(0, restarted.jvm().stop(AWAIT));
        assertEquals(0, client.jvm().stop(AWAIT));
    }
}
