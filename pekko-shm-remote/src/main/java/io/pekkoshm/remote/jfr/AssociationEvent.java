package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;

/** The fields of every association life-cycle event: which association, with whom, over what. */
abstract class AssociationEvent extends ShmEvent
{
    @Label("Local address")
    String localAddress;

    @Label("Peer address")
    @Description("The peer node's address, pekko.shm://system@host:port")
    String peerAddress;

    @Label("Medium")
    @Description("What carries the association's frames: ipc (Aeron IPC, shared memory) or udp (a node of another " +
        "host)")
    String medium;

    @Label("Outbound")
    @Description("This node asked for the association (true) or accepted the peer's handshake (false)")
    boolean outbound;

    @Label("Peer incarnation")
    @Description("The peer node's transport incarnation (new at every start of a node), 0 while unknown")
    long incarnation;

    @Label("Peer Pekko uid")
    @Description("The peer actor system's uid, as its handshake said; 0 while unknown")
    long pekkoUid;

    final void association(final String localAddress, final String peerAddress, final boolean outbound,
        final String medium, final long incarnation, final long pekkoUid)
    {
        this.localAddress = localAddress;
        this.peerAddress = peerAddress;
        this.medium = medium;
        this.outbound = outbound;
        this.incarnation = incarnation;
        this.pekkoUid = pekkoUid;
    }
}
