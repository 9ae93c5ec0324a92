package io.pekkoshm.remote.transport;

import org.apache.pekko.actor.Address;

/** The direct path's receiving side, as the transport sees it: one {@link DirectSession} per association. */
public interface DirectInbound
{
    /**
     * Called on the node agent's thread when an association with a peer that sends DIRECT frames is established.
     *
     * @param remoteAddress the peer's address, with the full protocol (e.g. {@code pekko.shm}).
     * @param remoteUid     the peer's Pekko system uid, as its handshake said (its incarnation, for quarantine).
     * @return the session that decodes the association's DIRECT frames, in order, until it is closed.
     */
    DirectSession open(Address remoteAddress, long remoteUid);

    /**
     * Called on the node agent's thread when a peer's route ended (its association closed). Must not block.
     *
     * @param remoteAddress the peer's address, with the full protocol.
     */
    void routeEnded(Address remoteAddress);
}
