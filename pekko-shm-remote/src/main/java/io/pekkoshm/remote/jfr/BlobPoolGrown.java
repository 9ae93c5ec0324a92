package io.pekkoshm.remote.jfr;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The node's blob pool created a block file: its shared memory grew. */
@Name("io.pekkoshm.remote.BlobPoolGrown")
@Label("Blob Pool Grown")
@Description("The node's blob pool created a block file in /dev/shm")
final class BlobPoolGrown extends ShmEvent
{
    @Label("Added")
    @DataAmount
    long bytes;

    @Label("Allocated")
    @Description("The pool's bytes after it grew")
    @DataAmount
    long allocatedBytes;

    @Label("Cap")
    @Description("pekko.remote.shm.blob.max-bytes")
    @DataAmount
    long maxBytes;
}
