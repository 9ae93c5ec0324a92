package io.pekkoshm.remote.jfr;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The node's blob pool removed a free block file (idle, or to make room for a larger one). */
@Name("io.pekkoshm.remote.BlobPoolShrunk")
@Label("Blob Pool Shrunk")
@Description("The node's blob pool removed a free block file from /dev/shm")
final class BlobPoolShrunk extends ShmEvent
{
    @Label("Removed")
    @DataAmount
    long bytes;

    @Label("Allocated")
    @Description("The pool's bytes after it shrank")
    @DataAmount
    long allocatedBytes;
}
