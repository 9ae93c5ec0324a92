package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** Both ends of an association know each other: payloads flow. */
@Name("io.pekkoshm.remote.AssociationEstablished")
@Label("Association Established")
@Description("A pekko.shm association completed its handshake")
final class AssociationEstablished extends AssociationEvent
{
    @Label("Direct path")
    @Description("The peer decodes DIRECT frames (its actor system runs a direct-path provider)")
    boolean peerAcceptsDirect;
}
