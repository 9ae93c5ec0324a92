package io.pekkoshm.remote.blob;

/**
 * Counts and gauges of one node's zero-copy blobs, from {@link ShmBlobs#stats()}.
 *
 * @param allocatedNow blobs this node allocated that are neither sent nor released.
 * @param inFlight     blobs this node sent that their receivers have not released yet (claimed or not).
 * @param heldNow      blobs this node received and has not released yet.
 * @param allocated    blobs allocated since start.
 * @param sent         blobs sent since start.
 * @param received     blobs received since start.
 * @param reclaimed    blocks this node took back without their receiver handing them back (receiver died, or no
 *                     receiver claimed them within {@code blob.claim-timeout}), either path of the blob store.
 * @param poolBytes    bytes of all of this node's blocks (free, lent and in flight; both paths).
 */
public record SharedBlobStats(long allocatedNow, long inFlight, long heldNow, long allocated, long sent, long received,
    long reclaimed, long poolBytes)
{
}
