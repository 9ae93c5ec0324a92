package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.support.BareNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writers racing a node that goes to sleep: nodes whose pollers sleep as soon as a duty cycle finds nothing
 * ({@code idle-sleep-after = 0}) and whose periodic duty, the only other wake-up, is an hour away. A lost wake-up
 * leaves a request or its reply unread and the test hangs until its timeout fails it.
 */
@Timeout(120)
class DoorbellRaceTest
{
    private static final int THREADS = 4;
    private static final int ROUND_TRIPS = 2_000;
    private static final int MAX_PAUSE_SPINS = 50;

    private final BareNodes nodes = new BareNodes("doorbell");
    private ExecutorService requesters;

    @BeforeEach
    void newRequesters()
    {
        requesters = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void closeAndCheckNothingRemains() throws InterruptedException
    {
        try
        {
            requesters.shutdownNow();
            assertTrue(requesters.awaitTermination(30, TimeUnit.SECONDS), "the requesting threads should stop");
        }
        finally
        {
            nodes.close();
        }
    }

    private ShmNode start(final String system) throws IOException
    {
        return start(system, 3);
    }

    private ShmNode start(final String system, final int idleCpuLevel) throws IOException
    {
        return nodes.start(system, 0,
            "pekko.remote.shm.idle-sleep-after = 0\n" +
            "pekko.remote.shm.idle-cpu-level = " + idleCpuLevel + "\n" +
            "pekko.remote.shm.heartbeat-interval = 1 h\n" +
            "pekko.remote.shm.peer-timeout = 3 h\n");
    }

    /**
     * The tightest race, with no other writer to rescue a lost wake-up: a busy-spinning client sees each reply within
     * a microsecond of the server writing it, which is when the server, having written it, polls once more and goes to
     * sleep; the client's next request lands 0-50 spins later, inside or around that transition.
     */
    @Test
    void shouldNeverLoseAWakeUpWhenTheNextRequestLandsAsTheServerGoesToSleep() throws Exception
    {
        final ShmNode server = start("server");
        final ShmNode client = start("client", 10);
        final AtomicReferenceArray<CompletableFuture<Integer>> replies = new AtomicReferenceArray<>(1);
        final Link toServer = echoPair(client, server, replies);
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final byte[] request = new byte[8];
        for (int i = 0; i < 10 * ROUND_TRIPS; i++)
        {
            final CompletableFuture<Integer> reply = new CompletableFuture<>();
            replies.set(0, reply);
            ByteBuffer.wrap(request).putInt(0).putInt(i);
            assertTrue(toServer.write(request, request.length, false), "the request should be taken");
            while (!reply.isDone())
            {
                Thread.onSpinWait(); // to write the next request as soon as the server has answered
                if (Thread.interrupted())
                {
                    throw new InterruptedException("no reply to request " + i + " (a lost wake-up?)");
                }
            }
            assertEquals(i, reply.get(), "the reply should answer the request");
            for (int spins = random.nextInt(MAX_PAUSE_SPINS + 1); spins > 0; spins--)
            {
                Thread.onSpinWait();
            }
        }
        assertTrue(client.doorbells().wakeUps() > 0, "the server should have slept and been woken at least once");
        assertEquals(0, client.doorbells().failedRings(), "no ring should fail");
    }

    @Test
    void shouldNeverLoseAWakeUpWhenRequestsLandAsTheReceiverGoesToSleep() throws Exception
    {
        final ShmNode client = start("client");
        final ShmNode server = start("server");
        final AtomicReferenceArray<CompletableFuture<Integer>> replies = new AtomicReferenceArray<>(THREADS);
        final Link toServer = echoPair(client, server, replies);

        final List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final int thread = t;
            done.add(requesters.submit(() -> requestAndAwaitReplies(toServer, replies, thread)));
        }
        for (final Future<Integer> future : done)
        {
            assertEquals(ROUND_TRIPS, future.get(), "every request should get its own reply, in order");
        }
        assertTrue(client.doorbells().wakeUps() + server.doorbells().wakeUps() > 0,
            "the nodes should have slept and been woken by their peer's writes at least once");
        assertEquals(0, client.doorbells().failedRings() + server.doorbells().failedRings(), "no ring should fail");
    }

    /**
     * The server echoes every payload; the client completes {@code replies[thread]} with the sequence number of the
     * reply (a payload is: int thread, int sequence).
     */
    private static Link echoPair(final ShmNode client, final ShmNode server,
        final AtomicReferenceArray<CompletableFuture<Integer>> replies) throws Exception
    {
        BareNodes.echo(server, () -> { });
        client.listen(link -> { });
        final Link toServer = client.associate(server.address()).get(60, TimeUnit.SECONDS);
        toServer.reader(new LinkReader()
        {
            @Override
            public void onPayload(final byte[] payload)
            {
                final ByteBuffer reply = ByteBuffer.wrap(payload);
                replies.get(reply.getInt()).complete(reply.getInt());
            }

            @Override
            public void onEnded()
            {
            }
        });
        return toServer;
    }

    /** Each request waits for its reply (with no timeout: a lost wake-up hangs, and the test's timeout fails it). */
    private static int requestAndAwaitReplies(final Link link,
        final AtomicReferenceArray<CompletableFuture<Integer>> replies, final int thread) throws Exception
    {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final byte[] request = new byte[8];
        int matched = 0;
        for (int i = 0; i < ROUND_TRIPS; i++)
        {
            for (int spins = random.nextInt(MAX_PAUSE_SPINS + 1); spins > 0; spins--)
            {
                Thread.onSpinWait();
            }
            final CompletableFuture<Integer> reply = new CompletableFuture<>();
            replies.set(thread, reply);
            ByteBuffer.wrap(request).putInt(thread).putInt(i);
            assertTrue(link.write(request, request.length, false), "the request should be taken");
            matched += reply.get() == i ? 1 : 0;
        }
        return matched;
    }
}
