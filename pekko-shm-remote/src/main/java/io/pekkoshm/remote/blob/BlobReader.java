package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.jfr.ShmFlightRecorder;
import io.pekkoshm.remote.wire.BlobHeaderFlyweight;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The receiving side of the transport's blob store path: takes the payload a peer's BLOB descriptor announces from
 * the peer's block, through this node's {@link BlobMappings} (shared with the zero-copy API), so a block that is
 * reused costs no mapping call and no page fault; a mapping unused for {@code blob.idle-release} is dropped, as are
 * all of a peer's when its association ends.
 * <p>
 * A descriptor only names a block id: the file is found from the sending peer's pid and incarnation (its own blob
 * directory), so a descriptor can never point at a file that is not a blob of that peer. Used by the node agent's
 * thread.
 */
public final class BlobReader implements AutoCloseable
{
    private final Path blobsRoot;
    private final int selfPid = (int)ProcessLiveness.currentPid();
    private final long selfStart = ProcessLiveness.currentStartMillis();
    private final BlobMappings mappings;

    /**
     * @param blobsRoot     the directory of every node's blob directory.
     * @param idleReleaseNs a mapping unused for this long is dropped ({@code blob.idle-release}).
     */
    public BlobReader(final Path blobsRoot, final long idleReleaseNs)
    {
        this.blobsRoot = blobsRoot;
        this.mappings = new BlobMappings(idleReleaseNs);
    }

    /** @return the node's mappings of its peers' blocks, which the zero-copy API shares. */
    public BlobMappings mappings()
    {
        return mappings;
    }

    /**
     * Takes the payload a peer's descriptor announces: {@link #claim claims} it, copies it out (the one copy on this
     * side) and releases the block at once.
     *
     * @param peerPid         the sending peer's pid.
     * @param peerIncarnation the sending peer's incarnation.
     * @param blockId         the block the descriptor names.
     * @param generation      the block's generation the descriptor names.
     * @param length          the payload's length the descriptor names.
     * @param nowNs           {@link System#nanoTime()} now.
     * @return the payload.
     * @throws BlobStoreException if the descriptor does not match a block that is waiting for this node.
     * @see #claim
     */
    public byte[] take(final long peerPid, final long peerIncarnation, final long blockId, final long generation,
        final long length, final long nowNs)
    {
        final ClaimedBlob claimed = claim(peerPid, peerIncarnation, blockId, generation, length, nowNs);
        try
        {
            final byte[] payload = new byte[claimed.length()];
            claimed.body().getBytes(0, payload);
            return payload;
        }
        finally
        {
            claimed.release();
        }
    }

    /**
     * Claims the block a peer's descriptor announces ({@code SENT} to {@code HELD}) and keeps it mapped until the
     * claim is {@link ClaimedBlob#release released}, which hands the block back to its owner; the payload may be read
     * in place meanwhile, from any thread.
     *
     * @param peerPid         the sending peer's pid.
     * @param peerIncarnation the sending peer's incarnation.
     * @param blockId         the block the descriptor names.
     * @param generation      the block's generation the descriptor names.
     * @param length          the payload's length the descriptor names.
     * @param nowNs           {@link System#nanoTime()} now.
     * @return the claim.
     * @throws BlobStoreException if the descriptor does not match a block that is waiting for this node.
     */
    public ClaimedBlob claim(final long peerPid, final long peerIncarnation, final long blockId,
        final long generation, final long length, final long nowNs)
    {
        final BlobMappings.Mapping mapping = mappings.acquire(
            BlobPool.directoryOf(blobsRoot, peerPid, peerIncarnation), blockId, nowNs);
        boolean claimed = false;
        try
        {
            final BlobBlock block = mapping.block;
            if (length < 0 || length > block.capacity || length > Integer.MAX_VALUE - 8)
            {
                throw new BlobStoreException("blob descriptor length " + length + " does not fit block " + block.path +
                    " of " + block.capacity + " bytes");
            }
            if (block.generation() != generation || block.length() != length)
            {
                throw new BlobStoreException("blob descriptor (generation " + generation + ", " + length + " bytes) " +
                    "does not match block " + block.path + " (generation " + block.generation() + ", " +
                    block.length() + " bytes)");
            }
            if (!block.claim(selfPid, selfStart))
            {
                throw new BlobStoreException("blob block " + block.path + " is " +
                    BlobHeaderFlyweight.stateName(block.state()) + ", not SENT: it is not waiting for this node " +
                    "(or its owner took it back after pekko.remote.shm.blob.claim-timeout)");
            }
            if (block.generation() != generation || block.length() != length)
            {
                // the owner took it back and sent it again between the check and the claim: not ours
                block.unclaim(selfPid);
                throw new BlobStoreException("blob block " + block.path + " was refilled (generation " +
                    block.generation() + ") while this node claimed generation " + generation);
            }
            claimed = true;
            ShmFlightRecorder.blobClaimed(peerPid, peerIncarnation, blockId, length);
            return new ClaimedBlob(mappings, mapping, (int)length);
        }
        finally
        {
            if (!claimed)
            {
                mappings.release(mapping, nowNs);
            }
        }
    }

    /**
     * Hands the block a descriptor names back to its owner unread: for a BLOB frame that arrived after its
     * association ended. Does nothing if the block is gone, holds another fill or is not waiting for this node.
     *
     * @param peerPid         the sending peer's pid.
     * @param peerIncarnation the sending peer's incarnation.
     * @param blockId         the block the descriptor names.
     * @param generation      the block's generation the descriptor names.
     * @param length          the payload's length the descriptor names.
     * @param nowNs           {@link System#nanoTime()} now.
     * @return whether the block was handed back.
     */
    public boolean handBack(final long peerPid, final long peerIncarnation, final long blockId,
        final long generation, final long length, final long nowNs)
    {
        try
        {
            claim(peerPid, peerIncarnation, blockId, generation, length, nowNs).release();
            return true;
        }
        catch (final BlobStoreException ex)
        {
            return false;
        }
    }

    /**
     * Drops the mappings of one peer (its association ended). If the peer's process has died, its blob files are
     * removed as well: mappings this node still uses stay valid (the memory goes with the last mapping), and nothing
     * is left in /dev/shm for the next start to sweep.
     *
     * @param peerPid         the peer's pid.
     * @param peerIncarnation the peer's incarnation.
     */
    public void forgetPeer(final long peerPid, final long peerIncarnation)
    {
        final Path directory = BlobPool.directoryOf(blobsRoot, peerPid, peerIncarnation);
        mappings.forgetPeer(directory);
        if (!ProcessLiveness.isAlive(peerPid, 0))
        {
            removeDeadPeersFiles(directory);
        }
    }

    /**
     * Drops mappings unused for longer than the idle release time.
     *
     * @param nowNs {@link System#nanoTime()} now.
     */
    public void sweep(final long nowNs)
    {
        mappings.sweep(nowNs);
    }

    /** @return mapped blocks of peers, for tests and the status tool. */
    public int mappedCount()
    {
        return mappings.mappedCount();
    }

    @Override
    public void close()
    {
        mappings.close();
    }

    private static void removeDeadPeersFiles(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory))
        {
            for (final Path file : files)
            {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        }
        catch (final IOException ignore)
        {
            // another node (or the next start) removes them
        }
    }
}
