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
 */
public record CrossHostSettings(boolean enabled, Path secretFile, int termLength, int mtu)
{
    /** The shortest secret accepted, in bytes. */
    public static final int MIN_SECRET_BYTES = 16;
    private static final long MIN_TERM_LENGTH = 64 * 1024;
    private static final long MAX_TERM_LENGTH = 1024L * 1024 * 1024;

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
        return new CrossHostSettings(enabled, file.isEmpty() ? null : Path.of(file).toAbsolutePath(), (int)term, mtu);
    }

    /** {@return the largest message a UDP association carries in one frame: Aeron's rule for the term length} */
    public int maxMessageLength()
    {
        return ShmSettings.maxMessageLength(termLength);
    }
}
