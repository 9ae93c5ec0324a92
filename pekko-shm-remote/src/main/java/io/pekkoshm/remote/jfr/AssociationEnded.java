package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** An association ended, established or not, with why. */
@Name("io.pekkoshm.remote.AssociationEnded")
@Label("Association Ended")
@Description("A pekko.shm association ended (before or after its handshake completed)")
final class AssociationEnded extends AssociationEvent
{
    @Label("Reason")
    String reason;

    @Label("Was established")
    boolean established;
}
