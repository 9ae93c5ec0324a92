package io.pekkoshm.remote.jfr;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * The node's blob pool grew by a block file: its bytes are reserved against the cap as the file is created (should the
 * creation fail, e.g. /dev/shm full, the payload is dropped and reported as such).
 */
@Name("io.pekkoshm.remote.BlobPoolGrown")
@Label("Blob Pool Grown")
@Description("The node's blob pool grew by a block file in /dev/shm")
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
