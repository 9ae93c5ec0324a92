package io.pekkoshm.remote.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The largest UDP socket buffers the kernel grants a process that asks ({@code net.core.rmem_max} and
 * {@code net.core.wmem_max}): Linux quietly gives no more than these, whatever a socket asks for. Read once, when a
 * node starts listening over UDP.
 *
 * @param receive the largest SO_RCVBUF in bytes, or 0 when not known (no such file: not Linux, or no /proc).
 * @param send    the largest SO_SNDBUF in bytes, or 0 when not known.
 */
public record SocketBufferLimits(long receive, long send)
{
    /** Where Linux publishes them. */
    public static final Path DEFAULT_ROOT = Path.of("/proc/sys/net/core");

    /** {@return this host's limits, from {@link #DEFAULT_ROOT}} */
    public static SocketBufferLimits ofThisHost()
    {
        return read(DEFAULT_ROOT);
    }

    /**
     * @param root a folder holding {@code rmem_max} and {@code wmem_max} (each a number of bytes).
     * @return the limits; 0 for each that cannot be read or is not a number.
     */
    public static SocketBufferLimits read(final Path root)
    {
        return new SocketBufferLimits(readLimit(root.resolve("rmem_max")), readLimit(root.resolve("wmem_max")));
    }

    /**
     * What the kernel would cut from a buffer of {@code wanted} bytes, as a sentence for the log, or null if it grants
     * it (or its limits are not known).
     *
     * @param wanted the size asked for ({@code cross-host.socket-buffer}).
     * @param key    the setting that asks, named in full.
     * @return the advice, or null.
     */
    public String shortfall(final long wanted, final String key)
    {
        final boolean receiveShort = receive > 0 && receive < wanted;
        final boolean sendShort = send > 0 && send < wanted;
        if (!receiveShort && !sendShort)
        {
            return null;
        }
        return key + " = " + wanted + " bytes, but the kernel grants UDP sockets at most " +
            (receiveShort ? "net.core.rmem_max = " + receive + " bytes to receive" : "") +
            (receiveShort && sendShort ? " and " : "") +
            (sendShort ? "net.core.wmem_max = " + send + " bytes to send" : "") +
            (receiveShort ? ", so the receiver window is " + receive + " bytes" : "") +
            ": bandwidth across hosts is lower than it could be. Raise the limits on every host (as root: sysctl -w " +
            "net.core.rmem_max=" + wanted + " net.core.wmem_max=" + wanted + ", and in /etc/sysctl.d to keep them), " +
            "or set " + key + " to what they grant to silence this";
    }

    private static long readLimit(final Path file)
    {
        // read to its end: Files.readString trusts the size /proc reports, and read "4" of "4194304"
        try (InputStream in = Files.newInputStream(file))
        {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
        catch (final IOException | NumberFormatException | SecurityException ex)
        {
            return 0;
        }
    }
}
