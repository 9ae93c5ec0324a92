package io.pekkoshm.remote.blob;

import org.agrona.MutableDirectBuffer;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A buffer of shared memory that travels to an actor of another JVM of this host without being copied: the receiver
 * reads the very memory the sender filled. Get one from {@link ShmBlobs#allocate(long)}, fill it through
 * {@link #buffer()} (an Agrona {@link MutableDirectBuffer}) or {@link #byteBuffer()}, and send it, as the message or
 * as a field of a Kryo message:
 * <pre>{@code
 *   SharedBlob blob = ShmBlobs.get(system).allocate(64 << 20);
 *   MutableDirectBuffer buffer = blob.buffer();
 *   buffer.putLong(0, 42L);                       // ... fill it in place
 *   remoteActor.tell(blob, self);                 // only a 48-byte descriptor travels; do not touch blob again
 *
 *   // in the receiving actor:
 *   .match(SharedBlob.class, blob -> {
 *       try (blob) {                              // release() when done: the block goes back to the sender's pool
 *           long first = blob.buffer().getLong(0);
 *       }
 *   })
 * }</pre>
 *
 * <h2>Ownership</h2>
 * Exactly one side holds a blob at a time, and only the holder may touch its memory:
 * <ul>
 *   <li>After {@code allocate} the caller holds it. Sending it (tell, ask, a field of a Kryo message) hands it over:
 *       from the send on, the sender must neither read, write nor release it. Its {@link #buffer()} view is revoked
 *       when the message is serialized (a later access throws {@link IndexOutOfBoundsException} with Agrona's bounds
 *       checks on, its default); {@link #byteBuffer()} views cannot be revoked, so never keep them past the send. A
 *       blob that is not sent is given back with {@link #release()} (or {@link #close()}).</li>
 *   <li>Once this side no longer holds the blob (sent or released), {@link #buffer()} and {@link #byteBuffer()} throw
 *       {@link IllegalStateException}; {@link #length()}, {@link #file()}, {@link #isHeld()} and
 *       {@link #isReceived()} still answer (they do not touch the memory). A view kept past that point never crashes
 *       the JVM: a block's memory is never unmapped while a view of it may exist (the garbage collector unmaps it
 *       with the last view), but it may by then hold another message's bytes, which such a view reads and
 *       overwrites.</li>
 *   <li>The receiver holds the blob it gets until it calls {@link #release()}: then the block goes back to the
 *       sender's pool, warm. It may read and write it meanwhile (in-place processing). It cannot send it on (copy
 *       it into a new blob): a received blob's serialization fails.</li>
 *   <li>A blob is delivered at most once. Sent twice, both messages carry the same descriptor: the first to reach a
 *       receiver claims the block, later ones fail to deserialize there (logged; the message is dropped).</li>
 *   <li>A message to an actor of the same actor system is not serialized: the receiver gets this very object and
 *       releases it.</li>
 * </ul>
 *
 * <h2>When nobody releases it</h2>
 * <ul>
 *   <li>A blob that becomes unreachable without being released (or sent) is released by the garbage collector; do not
 *       count on it, it only keeps a bug from leaking the block for ever.</li>
 *   <li>When the receiving actor system terminates, the blobs it still holds are released (their views revoked).</li>
 *   <li>A sent blob that no receiver claims within {@code pekko.remote.shm.blob.claim-timeout} (its message was lost,
 *       e.g. its association ended) is taken back by the sender's node.</li>
 *   <li>A receiver that holds a blob for ever keeps its block for ever: nothing takes a block back from a live holder,
 *       since the owner would overwrite memory the holder may still read. It counts against the sender's
 *       {@code blob.max-bytes}.</li>
 * </ul>
 *
 * <h2>When a side dies</h2>
 * <ul>
 *   <li>The receiver's process dies (even {@code kill -9}): the sender's node sees its pid gone within
 *       {@code heartbeat-interval} and takes back the blocks it held.</li>
 *   <li>The sender's process dies: the receiver keeps reading its blob safely, since the memory stays mapped until it
 *       is released; the sender's files are removed from /dev/shm when the association ends.</li>
 *   <li>The sender's actor system terminates while the receiver holds the blob: the same; its files are removed and
 *       the memory lives until the receiver releases it.</li>
 * </ul>
 *
 * <p>A handle is not thread-safe: one thread (or one actor) uses it at a time, like any message.
 */
public final class SharedBlob implements AutoCloseable
{
    private static final Cleaner CLEANER = Cleaner.create(task ->
    {
        final Thread thread = new Thread(task, "pekko-shm-shared-blob-cleaner");
        thread.setDaemon(true);
        return thread;
    });

    private final SharedBlobStore.Lease lease;
    private final Cleaner.Cleanable cleanable;

    SharedBlob(final SharedBlobStore.Lease lease)
    {
        this.lease = lease;
        this.cleanable = CLEANER.register(this, lease::release);
    }

    /** @return the blob's length in bytes (what was asked for, not the block's capacity). */
    public long length()
    {
        return lease.length;
    }

    /**
     * @return a view of exactly {@link #length()} bytes of the shared memory, for the holder to read and write; the
     * same object each time, revoked when the blob is sent or released.
     * @throws IllegalStateException if this side no longer holds the blob (sent, or released).
     */
    public MutableDirectBuffer buffer()
    {
        return lease.view();
    }

    /**
     * @return a new {@link ByteBuffer} over exactly {@link #length()} bytes of the shared memory (position 0, big
     * endian like every new ByteBuffer). Unlike {@link #buffer()} it cannot be revoked: drop it before the blob is
     * sent or released. Kept longer, it stays safe to touch (the memory stays mapped while it is reachable) but may
     * see another message's bytes once the block is reused.
     * @throws IllegalStateException if this side no longer holds the blob (sent, or released).
     */
    public ByteBuffer byteBuffer()
    {
        return lease.byteBuffer();
    }

    /** @return true for a blob this node received from another, false for one it allocated. */
    public boolean isReceived()
    {
        return lease.received();
    }

    /** @return true while this side holds the blob: neither sent nor released. */
    public boolean isHeld()
    {
        return lease.held();
    }

    /** @return the shared-memory file behind the blob (the sender's block), for diagnostics. */
    public Path file()
    {
        return lease.block.path;
    }

    /**
     * Gives the blob back: a received blob returns to the sender's pool, an allocated one that was not sent to this
     * node's pool. Revokes {@link #buffer()}. Idempotent; does nothing to a blob that was sent (the receiver
     * releases it).
     */
    public void release()
    {
        cleanable.clean();
    }

    /** The same as {@link #release()}, for try-with-resources on the receiving side. */
    @Override
    public void close()
    {
        release();
    }

    /** Hands the blob over for sending: its descriptor (the same one if it was sent before). */
    byte[] send()
    {
        return lease.send();
    }

    @Override
    public String toString()
    {
        return "SharedBlob(" + lease.length + " bytes, " + (lease.received() ? "received" : "allocated") + ", " +
            lease.stateName() + ", " + lease.block.path + ")";
    }
}
