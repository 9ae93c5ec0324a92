package io.pekkoshm.remote.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A block of this node's pool was taken back without its receiver handing it back. */
@Name("io.pekkoshm.remote.BlobReclaimed")
@Label("Blob Reclaimed")
@Description("A block of the node's blob pool was taken back: its receiver died, or nobody claimed it in time")
final class BlobReclaimed extends ShmEvent
{
    @Label("Block id")
    long blockId;

    @Label("Reason")
    String reason;
}
