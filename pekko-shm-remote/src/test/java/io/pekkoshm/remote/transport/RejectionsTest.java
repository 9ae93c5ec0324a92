package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.pekkoshm.remote.log.ErrorLog;
import org.agrona.concurrent.CachedNanoClock;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Rejections} on the node's error log: which rejected sessions are named in full, and when again. */
class RejectionsTest
{
    private static final Address LOCAL = new Address("pekko.shm", "node", "localhost", 6001);

    private final Aeron aeron = MockAeron.withCounters();
    private final List<String> lines = new ArrayList<>();
    private final ErrorLog errors = new ErrorLog((severity, message, cause) -> lines.add(severity + " " + message),
        new CachedNanoClock(), TimeUnit.SECONDS.toNanos(30), 16);
    private TransportCounters counters;
    private Rejections rejections;

    @BeforeEach
    void setUp()
    {
        counters = new TransportCounters(aeron, "test");
        rejections = new Rejections(counters, errors, LOCAL);
    }

    @AfterEach
    void tearDown()
    {
        counters.close();
    }

    @Test
    void shouldNameEachSessionInFullOnceWithTheLineItAlwaysHad()
    {
        rejections.reject(5, "no handshake");
        rejections.reject(5, "no handshake");
        rejections.reject(6, "a HELLO without a valid proof");

        assertEquals(List.of(
            "WARNING Rejected frames from IPC session 5 on pekko.shm://node@localhost:6001: no handshake. Counted in " +
            "'frames rejected'. (Right after this node started, these may be frames sent to an earlier node on the " +
            "same port; otherwise a process that is not a node of this directory writes into its stream.)",
            "WARNING Rejected frames from IPC session 6 on pekko.shm://node@localhost:6001: a HELLO without a valid " +
            "proof. Counted in 'frames rejected'. (Right after this node started, these may be frames sent to an " +
            "earlier node on the same port; otherwise a process that is not a node of this directory writes into " +
            "its stream.)"), lines);
    }

    @Test
    void shouldNameASessionAgainOnceItsImageWentAwayOrTheNodeAttachedToANewDriver()
    {
        rejections.reject(5, "no handshake");
        rejections.reject(5, "no handshake");
        rejections.reject(6, "no handshake");

        rejections.forget(5);

        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(2).contains("session 5") && lines.get(2).contains("repeated 1 more time(s)"),
            "the forgotten session's repeat is summarized: " + lines.get(2));

        rejections.reject(5, "no handshake");
        rejections.reject(6, "no handshake");

        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(3).contains("session 5") && !lines.get(3).contains("repeated"), lines.get(3));

        rejections.clear();
        rejections.reject(6, "no handshake");

        assertEquals(5, lines.size(), lines.toString());
        assertTrue(lines.get(4).contains("session 6") && !lines.get(4).contains("repeated"), lines.get(4));
    }
}
