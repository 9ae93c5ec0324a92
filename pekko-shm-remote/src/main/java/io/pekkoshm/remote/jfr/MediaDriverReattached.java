package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The node is attached to a media driver again after it lost one. */
@Name("io.pekkoshm.remote.MediaDriverReattached")
@Label("Media Driver Re-attached")
@Description("The node attached to a media driver again after losing its own")
final class MediaDriverReattached extends ShmEvent
{
    @Label("Local address")
    String localAddress;

    @Label("Driver pid")
    long driverPid;
}
