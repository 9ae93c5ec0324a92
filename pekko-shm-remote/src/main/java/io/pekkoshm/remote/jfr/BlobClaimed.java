package io.pekkoshm.remote.jfr;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** This node claimed a peer's blob block that a BLOB descriptor (or a zero-copy blob) named. */
@Name("io.pekkoshm.remote.BlobClaimed")
@Label("Blob Claimed")
@Description("This node, as receiver, claimed a block of a peer's blob pool")
final class BlobClaimed extends ShmEvent
{
    @Label("Owner pid")
    long ownerPid;

    @Label("Owner incarnation")
    long ownerIncarnation;

    @Label("Block id")
    long blockId;

    @Label("Payload")
    @DataAmount
    long bytes;
}
