package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** Messages the plugin dropped (each also counted in the node's 'messages dropped'), with the reason. */
@Name("io.pekkoshm.remote.MessagesDropped")
@Label("Messages Dropped")
@Description("Messages pekko.shm dropped, with the reason; each is also counted in 'messages dropped'")
final class MessagesDropped extends ShmEvent
{
    @Label("Reason")
    @Description("A short kind (see ShmFlightRecorder's DROP_ constants)")
    String reason;

    @Label("Count")
    long count;

    @Label("Peer address")
    @Description("The peer it was for or from; empty when not known")
    String peerAddress;

    @Label("Detail")
    @Description("What was dropped, e.g. the message class or its size")
    String detail;
}
