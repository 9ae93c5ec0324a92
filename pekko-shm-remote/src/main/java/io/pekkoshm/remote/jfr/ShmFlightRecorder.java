package io.pekkoshm.remote.jfr;

/**
 * The one sink of the plugin's flight-recorder events: the node core calls these methods with plain values, and each
 * commits its event only while a recording has it enabled. When none does, a call sets no field, formats no string
 * and commits nothing; the event object it asks ({@code isEnabled()}) does not escape, so once the caller is compiled
 * the JIT removes it (a check of 30 million calls with no recording allocated 0 bytes after warm-up). No call site is
 * per message: each is per association, back-pressure episode, blob, drop or switch.
 * <p>
 * Threading: any thread; every method is stateless.
 */
public final class ShmFlightRecorder
{
    /** A drop's reason: staged messages never sent, because their association ended. */
    public static final String DROP_ASSOCIATION_ENDED = "association-ended";
    /** A drop's reason: messages that arrived after their association had ended. */
    public static final String DROP_LATE = "late";
    /** A drop's reason: the blob store could not place a payload. */
    public static final String DROP_BLOB = "blob";
    /** A drop's reason: larger than the largest message the route can carry. */
    public static final String DROP_TOO_LARGE = "too-large";
    /** A drop's reason: more messages held for a peer than {@code direct.pending-limit}. */
    public static final String DROP_PENDING_LIMIT = "pending-limit";
    /** A drop's reason: the sender's serializer failed. */
    public static final String DROP_UNSERIALIZABLE = "unserializable";
    /** A drop's reason: the receiver could not deserialize it. */
    public static final String DROP_UNDECODABLE = "undecodable";
    /** A drop's reason: it came from a peer incarnation classic remoting has quarantined. */
    public static final String DROP_QUARANTINED = "quarantined";
    /** A drop's reason: the receiving heap had no room for a large body. */
    public static final String DROP_NO_HEAP = "no-heap";
    /** A drop's reason: a large body still being read when the node stopped. */
    public static final String DROP_SHUTDOWN = "shutdown";

    private ShmFlightRecorder()
    {
    }

    /**
     * An association began its handshake.
     *
     * @param localAddress this node's address.
     * @param peerAddress  the peer's address.
     * @param outbound     this node asked for it (true) or accepted the peer's HELLO (false).
     * @param medium       what carries it: "ipc" or "udp".
     * @param incarnation  the peer's transport incarnation, 0 while unknown.
     * @param pekkoUid     the peer's Pekko system uid, 0 while unknown.
     */
    public static void handshakeStarted(final Object localAddress, final Object peerAddress, final boolean outbound,
        final String medium,
        final long incarnation, final long pekkoUid)
    {
        final AssociationHandshakeStarted event = new AssociationHandshakeStarted();
        if (event.isEnabled())
        {
            event.association(String.valueOf(localAddress), String.valueOf(peerAddress), outbound, medium,
                incarnation, pekkoUid);
            event.commit();
        }
    }

    /**
     * An association completed its handshake.
     *
     * @param localAddress      this node's address.
     * @param peerAddress       the peer's address.
     * @param outbound          this node asked for it.
     * @param medium            what carries it: "ipc" or "udp".
     * @param incarnation       the peer's transport incarnation.
     * @param pekkoUid          the peer's Pekko system uid.
     * @param peerAcceptsDirect the peer decodes DIRECT frames.
     */
    public static void established(final Object localAddress, final Object peerAddress, final boolean outbound,
        final String medium,
        final long incarnation, final long pekkoUid, final boolean peerAcceptsDirect)
    {
        final AssociationEstablished event = new AssociationEstablished();
        if (event.isEnabled())
        {
            event.association(String.valueOf(localAddress), String.valueOf(peerAddress), outbound, medium,
                incarnation, pekkoUid);
            event.peerAcceptsDirect = peerAcceptsDirect;
            event.commit();
        }
    }

    /**
     * An association ended.
     *
     * @param localAddress this node's address.
     * @param peerAddress  the peer's address.
     * @param outbound     this node asked for it.
     * @param medium       what carries it: "ipc" or "udp".
     * @param incarnation  the peer's transport incarnation, 0 if the handshake never named it.
     * @param pekkoUid     the peer's Pekko system uid, 0 if the handshake never named it.
     * @param established  it had completed its handshake.
     * @param reason       why it ended.
     */
    public static void ended(final Object localAddress, final Object peerAddress, final boolean outbound,
        final String medium,
        final long incarnation, final long pekkoUid, final boolean established, final String reason)
    {
        final AssociationEnded event = new AssociationEnded();
        if (event.isEnabled())
        {
            event.association(String.valueOf(localAddress), String.valueOf(peerAddress), outbound, medium,
                incarnation, pekkoUid);
            event.established = established;
            event.reason = reason;
            event.commit();
        }
    }

    /**
     * Classic remoting quarantined a peer incarnation.
     *
     * @param peerAddress the peer's address.
     * @param pekkoUid    the quarantined incarnation's Pekko system uid.
     * @param medium      what carried its association: "ipc", "udp", or "unknown" if it never had a direct route.
     */
    public static void quarantined(final Object peerAddress, final long pekkoUid, final String medium)
    {
        final AssociationQuarantined event = new AssociationQuarantined();
        if (event.isEnabled())
        {
            event.peerAddress = String.valueOf(peerAddress);
            event.medium = medium;
            event.pekkoUid = pekkoUid;
            event.commit();
        }
    }

    /**
     * Messages were dropped (the caller counts them in 'messages dropped'); nothing is recorded for a count of 0.
     *
     * @param reason      one of the {@code DROP_} constants.
     * @param count       how many.
     * @param peerAddress the peer they were for or from; null when not known.
     * @param detail      what was dropped (a class name, a size); null for none.
     */
    public static void dropped(final String reason, final long count, final Object peerAddress, final Object detail)
    {
        final MessagesDropped event = new MessagesDropped();
        if (count > 0 && event.isEnabled())
        {
            event.reason = reason;
            event.count = count;
            event.peerAddress = null == peerAddress ? "" : String.valueOf(peerAddress);
            event.detail = null == detail ? "" : String.valueOf(detail);
            event.commit();
        }
    }

    /**
     * A block of this node's blob pool became a sender's.
     *
     * @param blockId  the block.
     * @param capacity its capacity in bytes.
     * @param zeroCopy lent through the zero-copy API.
     */
    public static void blobAllocated(final long blockId, final long capacity, final boolean zeroCopy)
    {
        final BlobAllocated event = new BlobAllocated();
        if (event.isEnabled())
        {
            event.blockId = blockId;
            event.capacity = capacity;
            event.zeroCopy = zeroCopy;
            event.commit();
        }
    }

    /**
     * This node claimed a peer's blob block.
     *
     * @param ownerPid         the owning node's pid.
     * @param ownerIncarnation the owning node's incarnation.
     * @param blockId          the block.
     * @param bytes            the payload's length.
     */
    public static void blobClaimed(final long ownerPid, final long ownerIncarnation, final long blockId,
        final long bytes)
    {
        final BlobClaimed event = new BlobClaimed();
        if (event.isEnabled())
        {
            event.ownerPid = ownerPid;
            event.ownerIncarnation = ownerIncarnation;
            event.blockId = blockId;
            event.bytes = bytes;
            event.commit();
        }
    }

    /**
     * A block of this node's pool was taken back without its receiver handing it back.
     *
     * @param blockId the block.
     * @param reason  why.
     */
    public static void blobReclaimed(final long blockId, final String reason)
    {
        final BlobReclaimed event = new BlobReclaimed();
        if (event.isEnabled())
        {
            event.blockId = blockId;
            event.reason = reason;
            event.commit();
        }
    }

    /**
     * The blob pool created a block file.
     *
     * @param bytes          the block file's bytes.
     * @param allocatedBytes the pool's bytes now.
     * @param maxBytes       the pool's cap.
     */
    public static void blobPoolGrown(final long bytes, final long allocatedBytes, final long maxBytes)
    {
        final BlobPoolGrown event = new BlobPoolGrown();
        if (event.isEnabled())
        {
            event.bytes = bytes;
            event.allocatedBytes = allocatedBytes;
            event.maxBytes = maxBytes;
            event.commit();
        }
    }

    /**
     * The blob pool removed a free block file.
     *
     * @param bytes          the block file's bytes.
     * @param allocatedBytes the pool's bytes now.
     */
    public static void blobPoolShrunk(final long bytes, final long allocatedBytes)
    {
        final BlobPoolShrunk event = new BlobPoolShrunk();
        if (event.isEnabled())
        {
            event.bytes = bytes;
            event.allocatedBytes = allocatedBytes;
            event.commit();
        }
    }

    /**
     * The node lost its media driver.
     *
     * @param localAddress   this node's address.
     * @param aeronDirectory the driver's directory.
     * @param reason         what was seen.
     * @param reattaches     the node attaches to a new driver.
     */
    public static void driverLost(final Object localAddress, final Object aeronDirectory, final String reason,
        final boolean reattaches)
    {
        final MediaDriverLost event = new MediaDriverLost();
        if (event.isEnabled())
        {
            event.localAddress = String.valueOf(localAddress);
            event.aeronDirectory = String.valueOf(aeronDirectory);
            event.reason = reason;
            event.reattaches = reattaches;
            event.commit();
        }
    }

    /**
     * The node attached to a media driver again.
     *
     * @param localAddress this node's address.
     * @param driverPid    the driver's pid.
     */
    public static void driverReattached(final Object localAddress, final long driverPid)
    {
        final MediaDriverReattached event = new MediaDriverReattached();
        if (event.isEnabled())
        {
            event.localAddress = String.valueOf(localAddress);
            event.driverPid = driverPid;
            event.commit();
        }
    }

    /**
     * A back-pressure episode began: the caller keeps the returned event and hands it to
     * {@link #backPressureEnded} when the episode ends.
     *
     * @return the started event, or null when no recording has back-pressure episodes enabled.
     */
    public static BackPressure backPressureStarted()
    {
        final BackPressure event = new BackPressure();
        if (!event.isEnabled())
        {
            return null;
        }
        event.begin();
        return event;
    }

    /**
     * A back-pressure episode ended.
     *
     * @param event       what {@link #backPressureStarted} returned; nothing happens for null.
     * @param peerAddress the association's peer.
     * @param events      writes that found the log full during the episode.
     * @param sent        ended because a message got through (true) or because the association ended (false).
     * @param medium      what carries the association: "ipc" or "udp".
     */
    public static void backPressureEnded(final BackPressure event, final Object peerAddress, final long events,
        final boolean sent, final String medium)
    {
        if (null == event)
        {
            return;
        }
        event.end();
        if (event.shouldCommit())
        {
            event.peerAddress = String.valueOf(peerAddress);
            event.medium = medium;
            event.events = events;
            event.endedBy = sent ? "sent" : "closed";
            event.commit();
        }
    }

    /**
     * The direct path's link to a peer node changed state.
     *
     * @param peerAddress the peer node.
     * @param from        the state it left.
     * @param to          the state it entered.
     * @param held        messages held for the peer at the switch.
     * @param reason      why.
     */
    public static void directPathSwitched(final Object peerAddress, final String from, final String to,
        final int held, final String reason)
    {
        final DirectPathSwitched event = new DirectPathSwitched();
        if (event.isEnabled())
        {
            event.peerAddress = String.valueOf(peerAddress);
            event.from = from;
            event.to = to;
            event.held = held;
            event.reason = reason;
            event.commit();
        }
    }
}
