package io.pekkoshm.remote;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.driver.DriverMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShmSettingsTest
{
    private static Config withReference(final String hocon)
    {
        return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference());
    }

    private static ShmSettings settings(final String hocon)
    {
        return ShmSettings.fromRootConfig(withReference(hocon));
    }

    /** Asserts the setting is refused with a message naming the full key and (one rendering of) the bad value. */
    private static ShmConfigurationException assertRejected(final String hocon, final String key,
        final String... valueRenderings)
    {
        final ShmConfigurationException ex = assertThrows(ShmConfigurationException.class, () -> settings(hocon),
            hocon);
        final String message = ex.getMessage();
        assertTrue(message.contains("pekko.remote.shm." + key), "message should name pekko.remote.shm." + key + ": " +
            message);
        boolean namesValue = false;
        for (final String value : valueRenderings)
        {
            namesValue |= message.contains(value);
        }
        assertTrue(namesValue, "message should name the value (one of " + List.of(valueRenderings) + "): " + message);
        return ex;
    }

    @Test
    void shouldLoadAndValidateTheDefaultsOfReferenceConf()
    {
        final ShmSettings s = ShmSettings.fromRootConfig(ConfigFactory.defaultReference());
        assertEquals("localhost", s.transport().hostname());
        assertEquals(2552, s.transport().port());
        assertEquals(TransportSettings.defaultDirectory(), s.transport().directory());
        assertEquals(DriverMode.AUTO, s.driver().mode());
        assertEquals(s.transport().directory().resolve("aeron"), s.driver().aeronDirectory());
        assertEquals(Duration.ofSeconds(10), s.driver().idleTimeout());
        assertEquals(Duration.ofSeconds(20), s.driver().startTimeout());
        assertEquals(Duration.ofSeconds(20), s.driver().timeout());
        assertEquals(Duration.ofSeconds(20), s.driver().clientLivenessTimeout());
        assertEquals(Duration.ofMillis(10), s.driver().maxPark());
        assertFalse(s.driver().jvmOptions().isEmpty());
        assertEquals(1024 * 1024, s.transport().termLength());
        assertEquals(3, s.transport().idleCpuLevel());
        assertEquals(256, s.transport().fragmentLimit());
        assertEquals(64 * 1024, s.transport().outboundBatchSize());
        assertEquals(Duration.ofSeconds(1), s.transport().heartbeatInterval());
        assertEquals(Duration.ofSeconds(10), s.transport().peerTimeout());
        assertEquals(Duration.ofSeconds(10), s.transport().handshakeTimeout());
        assertTrue(s.transport().terminateOnPeerProcessExit());
        // 128 KiB, lowered to the largest Aeron message of a 1 MiB term less 1 KiB
        assertEquals(127 * 1024, s.blob().threshold());
        assertEquals(Duration.ofSeconds(30), s.blob().claimTimeout());
        assertEquals(Duration.ofSeconds(10), s.blob().allocateTimeout());
    }

    @Test
    void shouldRefuseCrossHostWithoutASecretFileAndBadUdpBuffers()
    {
        assertFalse(settings("").crossHost().enabled(), "off by default");
        assertRejected("pekko.remote.shm.cross-host.enabled = on", "cross-host.secret-file", "\"\"");
        assertEquals(Path.of("/etc/cluster-secret"), settings("pekko.remote.shm.cross-host.enabled = on\n" +
            "pekko.remote.shm.cross-host.secret-file = \"/etc/cluster-secret\"").crossHost().secretFile());
        assertRejected("pekko.remote.shm.cross-host.term-length = 100 KiB", "cross-host.term-length", "102400");
        assertRejected("pekko.remote.shm.cross-host.mtu = 1400", "cross-host.mtu", "1400");
        assertRejected("pekko.remote.shm.cross-host.mtu = 100", "cross-host.mtu", "100");
        assertRejected("pekko.remote.shm.cross-host.socket-buffer = 1 KiB", "cross-host.socket-buffer", "1024");
        assertRejected("pekko.remote.shm.cross-host.socket-buffer = 1 GiB", "cross-host.socket-buffer", "1073741824");
        assertRejected("pekko.remote.shm.cross-host.socket-buffer = lots", "cross-host.socket-buffer", "lots");
    }

    @Test
    void shouldAskForTheSocketBuffersAndCutTheReceiverWindowToWhatTheKernelGrants()
    {
        final CrossHostSettings crossHost = settings("pekko.remote.shm.cross-host.socket-buffer = 4 MiB\n" +
            "pekko.remote.shm.cross-host.mtu = 8192").crossHost();
        assertEquals("|term-length=4194304|mtu=8192|so-sndbuf=4194304", crossHost.publicationParameters());
        assertEquals("|so-rcvbuf=4194304|rcv-wnd=4194304", crossHost.subscriptionParameters(0),
            "limits not known: the window is the buffer asked for");
        assertEquals("|so-rcvbuf=4194304|rcv-wnd=212992", crossHost.subscriptionParameters(212_992),
            "the kernel grants 208 KiB: a larger window would lose datagrams in bursts");
        assertEquals(8192, crossHost.receiverWindow(4096), "never less than one datagram");
        assertEquals(2 * 1024 * 1024, settings("").crossHost().socketBuffer(), "2 MiB by default");
    }

    @Test
    void shouldAcceptAZeroAllocateTimeoutButNoZeroClaimTimeout()
    {
        assertEquals(Duration.ZERO, settings("pekko.remote.shm.blob.allocate-timeout = 0 s").blob().allocateTimeout());
        assertRejected("pekko.remote.shm.blob.claim-timeout = 0 s", "blob.claim-timeout", "0 s");
        assertRejected("pekko.remote.shm.blob.allocate-timeout = -1 s", "blob.allocate-timeout", "-1 s");
        assertRejected("pekko.remote.shm.blob.claim-timeout = soon", "blob.claim-timeout", "soon");
    }

    @Test
    void shouldTakeTheSameSettingsFromTheRootAndFromTheShmSection()
    {
        final Config root = withReference("pekko.remote.shm { port = 0, idle-cpu-level = 10, driver.mode = embedded }");
        final ShmSettings fromRoot = ShmSettings.fromRootConfig(root);
        final ShmSettings fromSection = ShmSettings.fromConfig(root.getConfig(ShmSettings.ROOT));
        assertEquals(fromRoot.toString(), fromSection.toString());
        assertEquals(0, fromSection.transport().port());
        assertEquals(10, fromSection.transport().idleCpuLevel());
        assertEquals(DriverMode.EMBEDDED, fromSection.driver().mode());
    }

    @Test
    void shouldResolveConfiguredDirectoriesToAbsolutePaths()
    {
        final ShmSettings s = settings(
            "pekko.remote.shm { directory = \"relative/shm\", driver.aeron-directory = \"/dev/shm/elsewhere\" }");
        assertTrue(s.transport().directory().isAbsolute(), s.transport().directory().toString());
        final Path directory = s.transport().directory();
        assertTrue(directory.endsWith(Path.of("relative", "shm")), directory.toString());
        assertEquals(Path.of("/dev/shm/elsewhere"), s.driver().aeronDirectory());
    }

    @Test
    void shouldReadDriverModeCaseInsensitively()
    {
        assertEquals(DriverMode.EXTERNAL, settings("pekko.remote.shm.driver.mode = EXTERNAL").driver().mode());
        assertEquals(DriverMode.EMBEDDED, settings("pekko.remote.shm.driver.mode = \" embedded \"").driver().mode());
    }

    @Test
    void shouldAcceptTheBoundaryValues()
    {
        assertEquals(0, settings("pekko.remote.shm.port = 0").transport().port());
        assertEquals(65535, settings("pekko.remote.shm.port = 65535").transport().port());
        assertEquals(1, settings("pekko.remote.shm.idle-cpu-level = 1").transport().idleCpuLevel());
        assertEquals(10, settings("pekko.remote.shm.idle-cpu-level = 10").transport().idleCpuLevel());
        final ShmSettings smallest = settings("pekko.remote.shm { term-length = 64 KiB, outbound-batch-size = 8 KiB }");
        assertEquals(64 * 1024, smallest.transport().termLength());
        assertEquals(8 * 1024, smallest.transport().outboundBatchSize());
        assertEquals(1024 * 1024 * 1024, settings("pekko.remote.shm.term-length = 1 GiB").transport().termLength());
        assertEquals(Duration.ofNanos(1000), settings("pekko.remote.shm.driver.max-park = 1 us").driver().maxPark());
        assertEquals(Duration.ofMillis(100), settings("pekko.remote.shm.driver.max-park = 100 ms").driver().maxPark());
        final ShmSettings twice = settings("pekko.remote.shm { heartbeat-interval = 500 ms, peer-timeout = 1 s }");
        assertEquals(Duration.ofSeconds(1), twice.transport().peerTimeout());
    }

    @Test
    void shouldRejectNegativePort()
    {
        assertRejected("pekko.remote.shm.port = -1", "port", "-1");
    }

    @Test
    void shouldRejectPortAbove65535()
    {
        assertRejected("pekko.remote.shm.port = 70000", "port", "70000");
    }

    @Test
    void shouldRejectPortThatIsNotANumber()
    {
        assertRejected("pekko.remote.shm.port = \"abc\"", "port", "abc");
    }

    @Test
    void shouldRejectTermLengthThatIsNotAPowerOfTwo()
    {
        assertRejected("pekko.remote.shm.term-length = 3 MiB", "term-length", "3 MiB", "3145728");
    }

    @Test
    void shouldRejectTermLengthBelow64KiB()
    {
        assertRejected("pekko.remote.shm.term-length = 32 KiB", "term-length", "32 KiB", "32768");
    }

    @Test
    void shouldRejectTermLengthAbove1GiB()
    {
        assertRejected("pekko.remote.shm.term-length = 2 GiB", "term-length", "2 GiB", "2147483648");
    }

    @Test
    void shouldRejectIdleCpuLevelZero()
    {
        assertRejected("pekko.remote.shm.idle-cpu-level = 0", "idle-cpu-level", "0");
    }

    @Test
    void shouldRejectIdleCpuLevelEleven()
    {
        assertRejected("pekko.remote.shm.idle-cpu-level = 11", "idle-cpu-level", "11");
    }

    @Test
    void shouldRejectUnknownDriverMode()
    {
        assertRejected("pekko.remote.shm.driver.mode = sometimes", "driver.mode", "sometimes");
    }

    @Test
    void shouldRejectPeerTimeoutShorterThanTwiceTheHeartbeatInterval()
    {
        assertRejected("pekko.remote.shm { heartbeat-interval = 1 s, peer-timeout = 1500 ms }", "peer-timeout",
            "1500 ms");
    }

    @Test
    void shouldRejectOutboundBatchSizeLargerThanAnEighthOfTheTermLength()
    {
        final ShmConfigurationException ex = assertRejected(
            "pekko.remote.shm { term-length = 1 MiB, outbound-batch-size = 256 KiB }",
            "outbound-batch-size", "256 KiB", "262144");
        assertTrue(ex.getMessage().contains("131072"), "should say the largest allowed: " + ex.getMessage());
    }

    @Test
    void shouldRejectUnknownScheme()
    {
        assertRejected("pekko.remote.shm.scheme = udp", "scheme", "udp");
    }

    @Test
    void shouldRejectEmptyHostname()
    {
        assertRejected("pekko.remote.shm.hostname = \"\"", "hostname", "\"\"");
    }

    @Test
    void shouldRejectNonPositiveDurations()
    {
        assertRejected("pekko.remote.shm.heartbeat-interval = 0 ms", "heartbeat-interval", "0 ms");
        assertRejected("pekko.remote.shm.handshake-timeout = -1 s", "handshake-timeout", "-1 s");
        assertRejected("pekko.remote.shm.driver.timeout = 0 s", "driver.timeout", "0 s");
    }

    @Test
    void shouldRejectADriverMaxParkOutOfRange()
    {
        assertRejected("pekko.remote.shm.driver.max-park = 999 ns", "driver.max-park", "999 ns");
        assertRejected("pekko.remote.shm.driver.max-park = 101 ms", "driver.max-park", "101 ms");
        assertRejected("pekko.remote.shm.driver.max-park = 0", "driver.max-park", "0");
    }

    @Test
    void shouldRejectDurationThatIsNotADuration()
    {
        assertRejected("pekko.remote.shm.handshake-timeout = soon", "handshake-timeout", "soon");
    }

    @Test
    void shouldRejectFragmentLimitOutOfRange()
    {
        assertRejected("pekko.remote.shm.fragment-limit = 0", "fragment-limit", "0");
    }

    @Test
    void shouldRejectNonBooleanTerminateOnPeerProcessExit()
    {
        assertRejected("pekko.remote.shm.terminate-on-peer-process-exit = maybe", "terminate-on-peer-process-exit",
            "maybe");
    }

    @Test
    void shouldReadIdleSleepAfterAsADurationOrOff()
    {
        assertEquals(Duration.ofMillis(2), settings("").transport().idleSleepAfter(), "the default");
        assertEquals(Duration.ZERO, settings("pekko.remote.shm.idle-sleep-after = 0").transport().idleSleepAfter());
        assertNull(settings("pekko.remote.shm.idle-sleep-after = off").transport().idleSleepAfter());
        assertNull(settings("pekko.remote.shm.idle-sleep-after = \" OFF \"").transport().idleSleepAfter());
    }

    @Test
    void shouldRejectIdleSleepAfterThatIsNeitherADurationNorOff()
    {
        assertRejected("pekko.remote.shm.idle-sleep-after = soon", "idle-sleep-after", "soon");
        assertRejected("pekko.remote.shm.idle-sleep-after = -1 ms", "idle-sleep-after", "-1 ms");
    }

    @Test
    void shouldKeepTheCauseWhenTheTypeIsWrong()
    {
        final ShmConfigurationException ex = assertRejected("pekko.remote.shm.port = \"abc\"", "port", "abc");
        assertTrue(ex.getCause() instanceof com.typesafe.config.ConfigException, String.valueOf(ex.getCause()));
    }

    @Test
    void shouldQuoteABadStringValueOnlyOnce()
    {
        for (final String hocon : List.of(
            "pekko.remote.shm.port = \"abc\"",
            "pekko.remote.shm.heartbeat-interval = 0 ms",
            "pekko.remote.shm { heartbeat-interval = 1 s, peer-timeout = 1500 ms }"))
        {
            final String message = assertThrows(ShmConfigurationException.class, () -> settings(hocon)).getMessage();
            assertFalse(message.contains("\"\""), "value quoted twice: " + message);
        }
    }
}
