package io.pekkoshm.remote.blob;

import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A receiving node's mappings of its peers' blocks, shared by the transport's copy path ({@link BlobReader}) and the
 * zero-copy API ({@link SharedBlob}): a block is mapped once and stays mapped while it is reused, so the steady state
 * costs no mapping call and no page fault.
 * <p>
 * Each mapping is counted: {@link #acquire} and {@link #release} bracket every use. A mapping is unmapped only when
 * nobody uses it and it is idle for {@code blob.idle-release} ({@link #sweep}) or its peer's association has ended
 * ({@link #forgetPeer}); one still in use when its peer is forgotten (a zero-copy blob the user still holds) is
 * unmapped at its last release. "Unmapped" means unless its block was {@link BlobBlock#leaveToCollector left to the
 * garbage collector}: a block a zero-copy blob was received in (its user may keep a view), and, at {@link #close},
 * every mapping still in use; the collector unmaps those once the last view of them is gone, so a user thread still
 * reading can never crash the JVM.
 * <p>
 * Thread-safe (the node agent and any thread that deserializes a zero-copy blob); all under this object's lock.
 */
public final class BlobMappings implements AutoCloseable
{
    private final long idleReleaseNs;
    private final Map<Path, Long2ObjectHashMap<Mapping>> byPeer = new HashMap<>();
    private boolean closed;

    /** One mapped block of a peer and how many uses it has now. */
    static final class Mapping
    {
        final Path peerDirectory;
        final BlobBlock block;
        int uses;
        /** Out of the cache: unmapped at its last use. */
        boolean forgotten;

        Mapping(final Path peerDirectory, final BlobBlock block)
        {
            this.peerDirectory = peerDirectory;
            this.block = block;
        }
    }

    /** @param idleReleaseNs a mapping unused for this long is dropped ({@code blob.idle-release}). */
    public BlobMappings(final long idleReleaseNs)
    {
        this.idleReleaseNs = idleReleaseNs;
    }

    /**
     * The mapping of block {@code blockId} of the peer whose blob directory is {@code peerDirectory}, mapped now if
     * it is not yet; one more use, to be ended by {@link #release}.
     *
     * @throws BlobStoreException if the file is missing or not a blob block (or this node is shutting down).
     */
    synchronized Mapping acquire(final Path peerDirectory, final long blockId, final long nowNs)
    {
        if (closed)
        {
            throw new BlobStoreException("this node is shutting down: it maps no more blob blocks");
        }
        final Long2ObjectHashMap<Mapping> blocks = byPeer.computeIfAbsent(peerDirectory,
            p -> new Long2ObjectHashMap<>());
        Mapping mapping = blocks.get(blockId);
        if (null == mapping)
        {
            final Path path = peerDirectory.resolve(blockId + ".blob");
            try
            {
                mapping = new Mapping(peerDirectory, BlobBlock.open(blockId, path));
            }
            catch (final IOException ex)
            {
                if (blocks.isEmpty())
                {
                    byPeer.remove(peerDirectory);
                }
                throw new BlobStoreException("cannot map blob block " + path + ": " + ex.getMessage(), ex);
            }
            blocks.put(blockId, mapping);
        }
        mapping.uses++;
        mapping.block.lastUsedNanos = nowNs;
        return mapping;
    }

    /** Ends one use of a mapping; a forgotten one is unmapped at its last use. */
    synchronized void release(final Mapping mapping, final long nowNs)
    {
        mapping.uses--;
        mapping.block.lastUsedNanos = nowNs;
        if (0 == mapping.uses && mapping.forgotten)
        {
            mapping.block.close();
        }
    }

    /**
     * Ends one use of a mapping without unmapping it, even if it was its last: for a blob a user may still be
     * reading when its node shuts down (the garbage collector unmaps it with the last view).
     */
    synchronized void abandon(final Mapping mapping)
    {
        mapping.uses--;
        mapping.block.leaveToCollector();
        if (!mapping.forgotten)
        {
            mapping.forgotten = true;
            final Long2ObjectHashMap<Mapping> blocks = byPeer.get(mapping.peerDirectory);
            if (null != blocks && blocks.get(mapping.block.id) == mapping)
            {
                blocks.remove(mapping.block.id);
                if (blocks.isEmpty())
                {
                    byPeer.remove(mapping.peerDirectory);
                }
            }
        }
    }

    /**
     * Drops the mappings of one peer's blob directory (its association ended); those in use go at their last use.
     *
     * @param peerDirectory the peer's blob directory.
     */
    public synchronized void forgetPeer(final Path peerDirectory)
    {
        final Long2ObjectHashMap<Mapping> blocks = byPeer.remove(peerDirectory);
        if (null != blocks)
        {
            blocks.values().forEach(this::forget);
        }
    }

    /**
     * Drops mappings nobody uses that were unused for longer than the idle release time.
     *
     * @param nowNs {@link System#nanoTime()} now.
     */
    public synchronized void sweep(final long nowNs)
    {
        for (final Iterator<Long2ObjectHashMap<Mapping>> peers = byPeer.values().iterator(); peers.hasNext(); )
        {
            final Long2ObjectHashMap<Mapping> blocks = peers.next();
            blocks.values().removeIf(mapping ->
            {
                final boolean idle = 0 == mapping.uses && nowNs - mapping.block.lastUsedNanos > idleReleaseNs;
                if (idle)
                {
                    mapping.block.close();
                }
                return idle;
            });
            if (blocks.isEmpty())
            {
                peers.remove();
            }
        }
    }

    /** @return mapped blocks of peers (in use or cached), for tests and the status tool. */
    public synchronized int mappedCount()
    {
        int count = 0;
        for (final Long2ObjectHashMap<Mapping> blocks : byPeer.values())
        {
            count += blocks.size();
        }
        return count;
    }

    /** Unmaps what nobody uses; mappings still in use are left to the garbage collector (see the class comment). */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final Long2ObjectHashMap<Mapping> blocks : byPeer.values())
        {
            for (final Mapping mapping : blocks.values())
            {
                if (0 != mapping.uses)
                {
                    mapping.block.leaveToCollector();
                }
                mapping.block.close();
                mapping.forgotten = true;
            }
        }
        byPeer.clear();
    }

    private void forget(final Mapping mapping)
    {
        mapping.forgotten = true;
        if (0 == mapping.uses)
        {
            mapping.block.close();
        }
    }
}
