package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The direct path's link to a peer node changed state (classic, barrier, direct, congested, retired). */
@Name("io.pekkoshm.remote.DirectPathSwitched")
@Label("Direct Path Switched")
@Description("The direct path's link to a peer node changed state: CLASSIC, BARRIER (an ordering barrier is out), " +
    "DIRECT, CONGESTED (the peer's log is full, messages held) or RETIRED")
final class DirectPathSwitched extends ShmEvent
{
    @Label("Peer address")
    String peerAddress;

    @Label("From")
    String from;

    @Label("To")
    String to;

    @Label("Held messages")
    @Description("Messages the link held for the peer at the switch")
    int held;

    @Label("Reason")
    String reason;
}
