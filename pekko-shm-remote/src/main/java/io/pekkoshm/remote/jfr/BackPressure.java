package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * One back-pressure episode of an association, a duration event: from the first write that found the peer's log full
 * (or the blob pool at its cap) to the next message that got through, or the end of the association.
 */
@Name("io.pekkoshm.remote.BackPressure")
@Label("Back-Pressure")
@Description("An episode of back-pressure on one association: from the first write that found the peer's log " +
    "full to the next message that got through")
public final class BackPressure extends ShmEvent
{
    @Label("Peer address")
    String peerAddress;

    @Label("Medium")
    String medium;

    @Label("Back-pressure events")
    @Description("Writes that found the log (or the blob cap) full during the episode")
    long events;

    @Label("Ended by")
    @Description("sent (a message got through) or closed (the association ended first)")
    String endedBy;

    BackPressure()
    {
    }
}
