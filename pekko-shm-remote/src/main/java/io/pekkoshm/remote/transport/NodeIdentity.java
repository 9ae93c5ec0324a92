package io.pekkoshm.remote.transport;

/**
 * Who a node is, as its handshake says: address parts, the transport's incarnation (new for every start of a node,
 * so a restarted node on the same port is told apart), Pekko's system uid, and its process (pid and start time) for
 * liveness checks.
 */
public record NodeIdentity(
    String system,
    String host,
    int port,
    long incarnation,
    long pekkoUid,
    long pid,
    long processStartMillis)
{
    @Override
    public String toString()
    {
        return "pekko.shm://" + system + "@" + host + ":" + port + " (pid " + pid + ", incarnation " +
            Long.toHexString(incarnation) + ")";
    }
}
