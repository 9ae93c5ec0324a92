package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.BareNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On one host a node's Aeron client has no conductor thread: the node's own thread runs the client's conductor, so
 * the client sleeps when the node sleeps. These tests check what that must not cost: an idle node keeps its client
 * (the media driver drops a client it has not heard from for its client liveness timeout). That a sleeping node still
 * finds a new peer's image is {@link DoorbellRaceTest}'s first handshake; a node held up by an inline actor is
 * InlineDeliveryTest's.
 */
@Timeout(120)
class ClientOnNodeThreadTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Short, so an idle node sleeps past it several times (its client then keeps alive every 0.5 s). */
    private static final String CLIENT_LIVENESS = "2 s";

    private final BareNodes nodes = new BareNodes("client-thread");

    @AfterEach
    void closeAndCheckNothingRemains()
    {
        nodes.close();
    }

    /** A node that sleeps as soon as a duty cycle finds nothing and whose periodic duty is an hour away. */
    private ShmNode start(final String system) throws IOException
    {
        return nodes.start(system, 0,
            "pekko.remote.shm.idle-sleep-after = 0\n" +
            "pekko.remote.shm.heartbeat-interval = 1 h\n" +
            "pekko.remote.shm.peer-timeout = 3 h\n" +
            "pekko.remote.shm.driver.client-liveness-timeout = " + CLIENT_LIVENESS + "\n");
    }

    @Test
    void shouldRunTheAeronClientOfANodeOfOneHostWithoutAThreadOfItsOwn() throws IOException
    {
        start("a");
        start("b");
        final List<String> conductors = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().startsWith("aeron-client"))
            {
                conductors.add(thread.getName());
            }
        }
        assertEquals(List.of(), conductors, "no Aeron client conductor thread should run for nodes of one host");
    }

    /**
     * Both nodes sleep between their client's keep-alives for three of the driver's client liveness timeouts and
     * more; their link still carries a round trip and never ended. A node that slept until its periodic duty (an
     * hour) would never count those sleeps, and one whose client went silent would lose the driver and the link.
     */
    @Test
    void shouldKeepAnIdleNodesClientAliveWhileItSleepsPastTheDriversClientTimeout() throws Exception
    {
        final ShmNode server = start("server");
        final ShmNode client = start("client");
        final AtomicBoolean ended = new AtomicBoolean();
        final AtomicReference<CompletableFuture<byte[]>> reply = new AtomicReference<>();
        BareNodes.echo(server, () -> ended.set(true));
        client.listen(link -> { });
        final Link toServer = client.associate(server.address()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        toServer.reader(new LinkReader()
        {
            @Override
            public void onPayload(final byte[] payload)
            {
                reply.get().complete(payload);
            }

            @Override
            public void onEnded()
            {
                ended.set(true);
            }
        });
        assertArrayEquals(new byte[] {1}, roundTrip(toServer, reply, new byte[] {1}));

        // a keep-alive every 0.5 s at most: 16 sleeps that end at their deadline are 8 s, four liveness timeouts
        final long serverSleeps = idleSleeps(server);
        final long clientSleeps = idleSleeps(client);
        Await.until(WAIT, () -> idleSleeps(server) - serverSleeps >= 16 && idleSleeps(client) - clientSleeps >= 16,
            () -> "both nodes should have slept 16 times more, waking to keep their client alive: server " +
                (idleSleeps(server) - serverSleeps) + ", client " + (idleSleeps(client) - clientSleeps));

        assertTrue(server.attachedToLiveDriver() && client.attachedToLiveDriver(), "both should be attached");
        assertFalse(ended.get(), "the link should never have ended");
        assertArrayEquals(new byte[] {2}, roundTrip(toServer, reply, new byte[] {2}));
    }

    private static byte[] roundTrip(final Link link, final AtomicReference<CompletableFuture<byte[]>> reply,
        final byte[] payload) throws Exception
    {
        final CompletableFuture<byte[]> answer = new CompletableFuture<>();
        reply.set(answer);
        assertTrue(link.write(payload, payload.length, false), "the request should be taken");
        return answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static long idleSleeps(final ShmNode node)
    {
        return node.counters().get().idleSleeps();
    }
}
