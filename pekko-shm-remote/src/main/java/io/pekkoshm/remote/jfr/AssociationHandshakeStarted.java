package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** An association began: a publication into the peer's stream, and HELLO (or HELLO_ACK) to be sent. */
@Name("io.pekkoshm.remote.AssociationHandshakeStarted")
@Label("Association Handshake Started")
@Description("A pekko.shm association began its handshake (outbound: this node sends HELLO; inbound: a verified " +
    "HELLO arrived)")
final class AssociationHandshakeStarted extends AssociationEvent
{
}
