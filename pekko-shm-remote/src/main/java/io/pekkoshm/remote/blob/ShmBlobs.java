package io.pekkoshm.remote.blob;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

import java.util.Optional;

/**
 * The zero-copy API of an actor system: shared-memory buffers that reach an actor of another JVM of this host
 * without a copy (see {@link SharedBlob} for the ownership rules).
 * <pre>{@code
 *   SharedBlob blob = ShmBlobs.get(system).allocate(256L << 20);
 *   blob.buffer().putBytes(0, source, 0, source.capacity());
 *   remoteActor.tell(blob, self);
 * }</pre>
 * It works while the pekko.shm transport runs in the actor system with its blob store on ({@code
 * pekko.remote.shm.blob.max-bytes} above 0); the blobs come from the same pool, and count against the same cap, as
 * the transport's large messages.
 */
public final class ShmBlobs implements Extension
{
    private static final Id ID = new Id();

    private volatile SharedBlobStore store;

    private ShmBlobs()
    {
    }

    /**
     * @param system an actor system.
     * @return its zero-copy API.
     */
    public static ShmBlobs get(final ActorSystem system)
    {
        return ID.get(system);
    }

    /**
     * @param system an actor system.
     * @return its zero-copy API.
     */
    public static ShmBlobs get(final ClassicActorSystemProvider system)
    {
        return ID.get(system.classicSystem());
    }

    /**
     * A blob of {@code bytes} bytes to fill and send, from this node's pool (warm memory after the first use of a
     * block size). When the node's blocks already take {@code blob.max-bytes}, waits up to
     * {@code blob.allocate-timeout} for receivers to release blobs: call it where blocking is allowed, or use
     * {@link #tryAllocate(long)}.
     *
     * @param bytes the blob's length: from 1 to {@link #largestBlob()}.
     * @return a blob this side holds; its contents are undefined (a reused block keeps what it held).
     * @throws IllegalArgumentException if {@code bytes} is out of range.
     * @throws BlobStoreException       if there was no room within {@code blob.allocate-timeout}, or /dev/shm has
     *                                  no room for a new block (the message says what to do).
     * @throws IllegalStateException    if the pekko.shm transport with its blob store is not running here, or the
     *                                  thread was interrupted while waiting for room.
     */
    public SharedBlob allocate(final long bytes)
    {
        return store().allocate(bytes);
    }

    /**
     * As {@link #allocate(long)}, but never waits.
     *
     * @param bytes the blob's length: from 1 to {@link #largestBlob()}.
     * @return a blob, or empty if the node's blocks take {@code blob.max-bytes} now.
     * @throws IllegalArgumentException if {@code bytes} is out of range.
     * @throws BlobStoreException       if /dev/shm has no room for a new block.
     * @throws IllegalStateException    if the pekko.shm transport with its blob store is not running here.
     */
    public Optional<SharedBlob> tryAllocate(final long bytes)
    {
        return store().tryAllocate(bytes);
    }

    /**
     * @return the largest blob one allocation can give ({@code blob.max-bytes} less a block header, at most
     * 2 GiB - 4 KiB).
     * @throws IllegalStateException if the pekko.shm transport with its blob store is not running here.
     */
    public long largestBlob()
    {
        return store().largestBlob();
    }

    /**
     * @return this node's counts of zero-copy blobs now.
     * @throws IllegalStateException if the pekko.shm transport with its blob store is not running here.
     */
    public SharedBlobStats stats()
    {
        return store().stats();
    }

    /**
     * Called by the transport when it starts (through {@code ShmRemote.register}); not for applications.
     *
     * @param store the node's store.
     */
    public void register(final SharedBlobStore store)
    {
        this.store = store;
    }

    /** Called by the transport when it stops: releases the blobs this node holds. Not for applications. */
    public void unregister()
    {
        final SharedBlobStore current = store;
        store = null;
        if (null != current)
        {
            current.close();
        }
    }

    /** The running store, for the serializer; null when there is none. */
    SharedBlobStore currentStore()
    {
        return store;
    }

    private SharedBlobStore store()
    {
        final SharedBlobStore current = store;
        if (null == current)
        {
            throw new IllegalStateException(
                "Shared blobs need the pekko.shm transport with its blob store running in " +
                "this actor system (\"pekko.remote.shm\" in pekko.remote.classic.enabled-transports, and " +
                "pekko.remote.shm.blob.max-bytes above 0)");
        }
        return current;
    }

    private static final class Id extends AbstractExtensionId<ShmBlobs>
    {
        @Override
        public ShmBlobs createExtension(final ExtendedActorSystem system)
        {
            return new ShmBlobs();
        }
    }
}
