package io.pekkoshm.remote.jfr;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A block of this node's blob pool became a sender's, to be filled (a free block reused, or a new one). */
@Name("io.pekkoshm.remote.BlobAllocated")
@Label("Blob Allocated")
@Description("A block of the node's blob pool was handed to a sender for one large payload")
final class BlobAllocated extends ShmEvent
{
    @Label("Block id")
    long blockId;

    @Label("Capacity")
    @DataAmount
    long capacity;

    @Label("Zero-copy")
    @Description("Lent through the zero-copy API (true) or filled by the transport's copy path (false)")
    boolean zeroCopy;
}
