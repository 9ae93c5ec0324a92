package io.pekkoshm.remote.transport;

/**
 * What carries an association: Aeron IPC (shared memory with a peer of this host's directory) or Aeron UDP (a peer
 * of another host), both through this host's media driver. The inbound side tells them apart by the subscription a
 * frame came from, so an inbound session is named by a {@linkplain #sessionKey key} that includes the medium: the
 * session ids of this driver's IPC publications and of other hosts' drivers' UDP publications are drawn
 * independently and may be equal.
 */
enum Medium
{
    /** Aeron IPC: the peer is a node of this host's shared directory. */
    IPC("ipc"),
    /** Aeron UDP unicast: the peer is a node of another host. */
    UDP("udp");

    private static final long UDP_BIT = 1L << 32;

    private final String label;

    Medium(final String label)
    {
        this.label = label;
    }

    /** {@return the medium's name as users see it: "ipc" or "udp"} */
    String label()
    {
        return label;
    }

    /**
     * {@return the key of an inbound session of this medium: the session id in the low 32 bits, the medium above}
     *
     * @param sessionId the Aeron session id of the peer's publication.
     */
    long sessionKey(final int sessionId)
    {
        final long id = sessionId & 0xFFFF_FFFFL;
        return UDP == this ? id | UDP_BIT : id;
    }

    /**
     * {@return the Aeron session id in a session key}
     *
     * @param sessionKey a key made by {@link #sessionKey}.
     */
    static int sessionId(final long sessionKey)
    {
        return (int)sessionKey;
    }

    /**
     * {@return the medium of a session key}
     *
     * @param sessionKey a key made by {@link #sessionKey}.
     */
    static Medium of(final long sessionKey)
    {
        return 0 != (sessionKey & UDP_BIT) ? UDP : IPC;
    }

    /**
     * {@return a session key for logs: "IPC session 123" or "UDP session 123"}
     *
     * @param sessionKey a key made by {@link #sessionKey}.
     */
    static String describe(final long sessionKey)
    {
        return of(sessionKey).name() + " session " + sessionId(sessionKey);
    }
}
