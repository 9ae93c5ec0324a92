package io.pekkoshm.remote;

import java.nio.file.Path;

/**
 * Reaching nodes of other hosts: the keys under {@code pekko.remote.shm.cross-host}; immutable.
 * <p>
 * With {@code enabled = on} the node also listens on Aeron UDP, on {@code <hostname>:<port>} of its address, through
 * the host's media driver; a peer registered in this host's shared directory is still reached over Aeron IPC, any
 * other over UDP. Every node of every host then proves its handshakes with the one secret of {@code secret-file}
 * instead of the directory's own.
 *
 * @param enabled    {@code cross-host.enabled}: whether the node reaches, and can be reached from, other hosts.
 * @param secretFile {@code cross-host.secret-file}: the file whose bytes key every handshake's proof (the same file on
 *                   every host); null when not set (the directory's own secret: this host only).
 * @param termLength {@code cross-host.term-length}: bytes per term of a UDP association's log buffers (on both hosts'
 *                   drivers); a power of two, 64 KiB to 1 GiB.
 * @param mtu        {@code cross-host.mtu}: the largest UDP datagram Aeron sends, header included; a multiple of 32,
 *                   576 to 65504.
 * @param socketBuffer {@code cross-host.socket-buffer}: the UDP socket buffers asked for (a sender's SO_SNDBUF, a
 *                   receiver's SO_RCVBUF), and the receiver window (bytes a sender may have unacknowledged) as far as
 *                   the kernel grants them; 64 KiB to 64 MiB.
 */
public record CrossHostSettings(boolean enabled, Path secretFile, int termLength, int mtu, int socketBuffer)
{
    /** The shortest secret accepted, in bytes. */
    public static final int MIN_SECRET_BYTES = 16;
    private static final long MIN_TERM_LENGTH = 64 * 1024;
    private static final long MAX_TERM_LENGTH = 1024L * 1024 * 1024;
    private static final long MIN_SOCKET_BUFFER = 64 * 1024;
    private static final long MAX_SOCKET_BUFFER = 64 * 1024 * 1024;

    /**
     * Reads and validates the cross-host settings.
     *
     * @param r the reader of {@code pekko.remote.shm}.
     * @return the validated settings.
     * @throws ShmConfigurationException naming the key and value of the first bad setting.
     */
    static CrossHostSettings read(final SettingsReader r)
    {
        final boolean enabled = r.bool("cross-host.enabled");
        final String file = r.string("cross-host.secret-file").trim();
        if (enabled && file.isEmpty())
        {
            throw r.reject("cross-host.secret-file", file, "must name a file when cross-host.enabled = on: every " +
                "node of every host proves its handshakes with that file's secret (at least " + MIN_SECRET_BYTES +
                " bytes, the same file on every host, readable only by the nodes' OS user), for example one made " +
                "with: head -c 32 /dev/urandom > secret");
        }
        final long term = r.bytes("cross-host.term-length");
        if (term < MIN_TERM_LENGTH || term > MAX_TERM_LENGTH || Long.bitCount(term) != 1)
        {
            throw r.reject("cross-host.term-length", term,
                "must be a power of two between 64 KiB and 1 GiB (Aeron's rule)");
        }
        final int mtu = r.intInRange("cross-host.mtu", 576, 65504);
        if (mtu % 32 != 0)
        {
            throw r.reject("cross-host.mtu", mtu, "must be a multiple of 32 (Aeron's frame alignment)");
        }
        final long socketBuffer = r.bytesInRange("cross-host.socket-buffer", MIN_SOCKET_BUFFER, MAX_SOCKET_BUFFER);
        return new CrossHostSettings(enabled, file.isEmpty() ? null : Path.of(file).toAbsolutePath(), (int)term, mtu,
            (int)socketBuffer);
    }

    /**
     * {@return the parameters of a UDP publication's channel to a node of another host, each starting with '|'}: its
     * term length, MTU and send buffer.
     */
    public String publicationParameters()
    {
        return "|term-length=" + termLength + "|mtu=" + mtu + "|so-sndbuf=" + socketBuffer;
    }

    /**
     * The parameters of this node's UDP subscription, each starting with '|': its receive buffer, and a receiver
     * window no larger than what the kernel grants the buffer (Aeron checks the window only against the size asked
     * for; a window larger than the real buffer loses datagrams in bursts, which then cost NAKs and retransmits).
     *
     * @param kernelMaxReceiveBuffer the largest SO_RCVBUF the kernel grants ({@code net.core.rmem_max}), or 0 when
     *                               not known.
     * @return the parameters.
     */
    public String subscriptionParameters(final long kernelMaxReceiveBuffer)
    {
        return "|so-rcvbuf=" + socketBuffer + "|rcv-wnd=" + receiverWindow(kernelMaxReceiveBuffer);
    }

    /**
     * {@return the receiver window: the socket buffer, or the kernel's largest receive buffer if that is smaller, and
     * never less than one datagram}
     *
     * @param kernelMaxReceiveBuffer see {@link #subscriptionParameters}.
     */
    public int receiverWindow(final long kernelMaxReceiveBuffer)
    {
        final long granted = kernelMaxReceiveBuffer > 0 ? Math.min(socketBuffer, kernelMaxReceiveBuffer) : socketBuffer;
        return (int)Math.max(granted, mtu);
    }

    /** {@return the largest message a UDP association carries in one frame: Aeron's rule for the term length} */
    public int maxMessageLength()
    {
        return ShmSettings.maxMessageLength(termLength);
    }
}
