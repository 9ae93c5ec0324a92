package io.pekkoshm.remote.blob;

import org.apache.pekko.actor.Address;

/**
 * Marks what the calling thread serializes now as bound for a node of another host, which shares no memory with this
 * one: a {@link SharedBlob} met there fails its serialization ({@link SharedBlobSerializer}) with an error that says
 * so, instead of sending a descriptor of a file that host does not have. The direct path sets it around the
 * serialization of each message to a node of another host.
 * <p>
 * Threading: per thread; {@link #end} in a {@code finally} after each {@link #begin}.
 */
public final class SendingAcrossHosts
{
    private static final ThreadLocal<Address> DESTINATION = new ThreadLocal<>();

    private SendingAcrossHosts()
    {
    }

    /**
     * What this thread serializes from now until {@link #end} goes to a node of another host.
     *
     * @param destination that node's address, for the error.
     */
    public static void begin(final Address destination)
    {
        DESTINATION.set(destination);
    }

    /** What this thread serializes from now goes where memory may be shared again. */
    public static void end()
    {
        DESTINATION.remove();
    }

    /** {@return the node of another host this thread serializes for now, or null} */
    static Address destination()
    {
        return DESTINATION.get();
    }
}
