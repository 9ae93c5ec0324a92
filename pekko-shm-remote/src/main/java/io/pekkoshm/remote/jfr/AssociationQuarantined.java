package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** Classic remoting quarantined a peer incarnation: the direct path delivers nothing more from it. */
@Name("io.pekkoshm.remote.AssociationQuarantined")
@Label("Association Quarantined")
@Description("Classic remoting quarantined a peer incarnation (address and Pekko uid); its messages are dropped " +
    "from now on, classic and direct")
final class AssociationQuarantined extends ShmEvent
{
    @Label("Peer address")
    String peerAddress;

    @Label("Medium")
    @Description("What carried the peer's direct route, now or last: ipc, udp, or unknown if it never had one")
    String medium;

    @Label("Peer Pekko uid")
    @Description("The quarantined incarnation: the peer actor system's uid")
    long pekkoUid;
}
