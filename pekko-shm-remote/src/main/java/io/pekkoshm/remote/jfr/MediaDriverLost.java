package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The node lost its media driver: every association ended. */
@Name("io.pekkoshm.remote.MediaDriverLost")
@Label("Media Driver Lost")
@Description("The node lost its Aeron media driver; all its associations ended")
final class MediaDriverLost extends ShmEvent
{
    @Label("Local address")
    String localAddress;

    @Label("Aeron directory")
    String aeronDirectory;

    @Label("Reason")
    String reason;

    @Label("Re-attaches")
    @Description("The node attaches to a new driver (false: the driver ran in this JVM)")
    boolean reattaches;
}
