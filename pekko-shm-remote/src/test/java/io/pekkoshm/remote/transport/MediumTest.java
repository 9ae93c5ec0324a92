package io.pekkoshm.remote.transport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Session keys name a session and its medium for every Aeron session id, negative ones included (Aeron draws them at
 * random): the medium and the id come back out, and the same id on IPC and UDP gives two keys. A key made by
 * widening the int instead (sign extension sets the UDP bit for a negative id) would name another session.
 */
class MediumTest
{
    @ParameterizedTest
    @ValueSource(ints = { 0, 1, 7, -1, -7, Integer.MIN_VALUE, Integer.MAX_VALUE })
    void shouldKeepTheMediumAndTheSessionIdOfEverySessionId(final int sessionId)
    {
        for (final Medium medium : Medium.values())
        {
            final long key = medium.sessionKey(sessionId);
            assertEquals(medium, Medium.of(key), "medium of " + medium + " session " + sessionId);
            assertEquals(sessionId, Medium.sessionId(key));
        }
        assertNotEquals(Medium.IPC.sessionKey(sessionId), Medium.UDP.sessionKey(sessionId));
        if (sessionId < 0)
        {
            assertNotEquals(Medium.IPC.sessionKey(sessionId), (long)sessionId,
                "an IPC key is not the widened int: that one reads as UDP");
        }
    }
}
