package io.pekkoshm.remote.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SocketBufferLimitsTest
{
    private static final String KEY = "pekko.remote.shm.cross-host.socket-buffer";

    @TempDir
    private Path root;

    @Test
    void shouldReadTheKernelsLimitsAndNameTheSysctlsWhenTheyCutTheBuffers() throws IOException
    {
        Files.writeString(root.resolve("rmem_max"), "212992\n");
        Files.writeString(root.resolve("wmem_max"), "4194304\n");
        final SocketBufferLimits limits = SocketBufferLimits.read(root);

        assertEquals(new SocketBufferLimits(212_992, 4_194_304), limits);
        assertNull(limits.shortfall(200_000, KEY), "both granted");
        final String advice = limits.shortfall(2_097_152, KEY);
        assertTrue(advice.contains(KEY + " = 2097152 bytes"), advice);
        assertTrue(advice.contains("net.core.rmem_max = 212992"), advice);
        assertTrue(advice.contains("receiver window is 212992"), advice);
        assertTrue(advice.contains("sysctl -w net.core.rmem_max=2097152 net.core.wmem_max=2097152"), advice);
        assertTrue(!advice.contains("wmem_max = "), "the send limit grants it: " + advice);
    }

    /** /proc reports a size that is not its files' length: the whole number must be read (it once read "4"). */
    @Test
    void shouldReadThisHostsWholeLimitsFromProc() throws IOException
    {
        final Path rmem = SocketBufferLimits.DEFAULT_ROOT.resolve("rmem_max");
        assumeTrue(Files.isReadable(rmem), "no /proc/sys/net/core here");

        assertEquals(Long.parseLong(Files.readAllLines(rmem).get(0).trim()), SocketBufferLimits.ofThisHost().receive());
        assertEquals(Long.parseLong(Files.readAllLines(SocketBufferLimits.DEFAULT_ROOT.resolve("wmem_max")).get(0)
            .trim()), SocketBufferLimits.ofThisHost().send());
    }

    @Test
    void shouldTakeLimitsItCannotReadAsNotKnown() throws IOException
    {
        Files.writeString(root.resolve("rmem_max"), "many");
        final SocketBufferLimits limits = SocketBufferLimits.read(root);

        assertEquals(new SocketBufferLimits(0, 0), limits);
        assertNull(limits.shortfall(64L << 20, KEY), "nothing known, nothing to say");
    }
}
