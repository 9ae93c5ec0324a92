package io.pekkoshm.remote.blob;

import io.pekkoshm.remote.host.ProcessLiveness;
import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The receiving side of the blob store: maps the blocks of the peers' pools once and keeps them mapped, so a block
 * that is reused costs no mapping call and no page fault; a mapping unused for {@code blob.idle-release} is
 * dropped, as are all of a peer's when its association ends.
 * <p>
 * A descriptor only names a block id: the file is found from the sending peer's pid and incarnation (its own blob
 * directory), so a descriptor can never point at a file that is not a blob of that peer. Owned by the node agent's
 * thread; not thread-safe.
 */
public final class BlobReader implements AutoCloseable
{
    private final Path blobsRoot;
    private final long idleReleaseNs;
    private final long selfPid = ProcessLiveness.currentPid();
    private final long selfStart = ProcessLiveness.currentStartMillis();
    private final Map<Path, Long2ObjectHashMap<BlobBlock>> byPeer = new HashMap<>();

    /**
     * @param blobsRoot     the host's blob root ({@code <directory>/blobs}), under which each peer's blocks are.
     * @param idleReleaseNs a mapping unused this long is dropped ({@code blob.idle-release}).
     */
    public BlobReader(final Path blobsRoot, final long idleReleaseNs)
    {
        this.blobsRoot = blobsRoot;
        this.idleReleaseNs = idleReleaseNs;
    }

    /**
     * Takes the payload a peer's descriptor announces: checks the block, claims it ({@code SENT} to {@code HELD}),
     * copies the payload out (the one copy on this side), and frees the block for its owner.
     *
     * @param peerPid         the sending node's process id (from its handshake).
     * @param peerIncarnation the sending node's incarnation (from its handshake).
     * @param blockId         the descriptor's block id.
     * @param generation      the descriptor's generation.
     * @param length          the descriptor's payload length in bytes.
     * @param nowNs           the current {@link System#nanoTime()}, for the idle release of the mapping.
     * @return a fresh array holding the payload.
     * @throws BlobStoreException if the descriptor does not match a block that is waiting for this node.
     */
    public byte[] take(final long peerPid, final long peerIncarnation, final long blockId, final long generation,
        final long length, final long nowNs)
    {
        final BlobBlock block = map(BlobPool.directoryOf(blobsRoot, peerPid, peerIncarnation), blockId);
        if (length < 0 || length > block.capacity || length > Integer.MAX_VALUE - 8)
        {
            throw new BlobStoreException("blob descriptor length " + length + " does not fit block " + block.path +
                " of " + block.capacity + " bytes");
        }
        if (block.generation() != generation || block.length() != length)
        {
            throw new BlobStoreException("blob descriptor (generation " + generation + ", " + length + " bytes) does " +
                "not match block " + block.path + " (generation " + block.generation() + ", " + block.length() + " bytes)");
        }
        block.header.putLong(BlobHeader.HOLDER_PID_OFFSET, selfPid);
        block.header.putLong(BlobHeader.HOLDER_START_OFFSET, selfStart);
        if (!block.compareAndSetState(BlobHeader.SENT, BlobHeader.HELD))
        {
            throw new BlobStoreException("blob block " + block.path + " is " + BlobHeader.stateName(block.state()) +
                ", not SENT: it is not waiting for this node");
        }
        final byte[] payload = new byte[(int)length];
        block.data.getBytes(0, payload);
        block.setState(BlobHeader.FREE);
        block.lastUsedNanos = nowNs;
        return payload;
    }

    /**
     * Drops the mappings of one peer (its association ended).
     *
     * @param peerPid         the peer's process id.
     * @param peerIncarnation the peer's incarnation.
     */
    public void forgetPeer(final long peerPid, final long peerIncarnation)
    {
        final Long2ObjectHashMap<BlobBlock> blocks = byPeer.remove(
            BlobPool.directoryOf(blobsRoot, peerPid, peerIncarnation));
        if (null != blocks)
        {
            blocks.values().forEach(BlobBlock::close);
        }
    }

    /**
     * Drops mappings unused for longer than the idle release time.
     *
     * @param nowNs the current {@link System#nanoTime()}.
     */
    public void sweep(final long nowNs)
    {
        for (final Iterator<Long2ObjectHashMap<BlobBlock>> peers = byPeer.values().iterator(); peers.hasNext(); )
        {
            final Long2ObjectHashMap<BlobBlock> blocks = peers.next();
            blocks.values().removeIf(block ->
            {
                final boolean idle = nowNs - block.lastUsedNanos > idleReleaseNs;
                if (idle)
                {
                    block.close();
                }
                return idle;
            });
            if (blocks.isEmpty())
            {
                peers.remove();
            }
        }
    }

    /** Mapped blocks of peers, for tests. */
    int mappedCount()
    {
        int count = 0;
        for (final Long2ObjectHashMap<BlobBlock> blocks : byPeer.values())
        {
            count += blocks.size();
        }
        return count;
    }

    @Override
    public void close()
    {
        byPeer.values().forEach(blocks -> blocks.values().forEach(BlobBlock::close));
        byPeer.clear();
    }

    private BlobBlock map(final Path peerDirectory, final long blockId)
    {
        final Long2ObjectHashMap<BlobBlock> blocks = byPeer.computeIfAbsent(peerDirectory, p -> new Long2ObjectHashMap<>());
        BlobBlock block = blocks.get(blockId);
        if (null == block)
        {
            final Path path = peerDirectory.resolve(blockId + ".blob");
            try
            {
                block = BlobBlock.open(blockId, path);
            }
            catch (final IOException ex)
            {
                throw new BlobStoreException("cannot map blob block " + path + ": " + ex.getMessage(), ex);
            }
            blocks.put(blockId, block);
        }
        return block;
    }
}
