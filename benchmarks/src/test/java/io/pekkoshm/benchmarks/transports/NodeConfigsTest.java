package io.pekkoshm.benchmarks.transports;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.benchmarks.workloads.Sizes;
import io.pekkoshm.remote.ShmSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node configurations the runner writes: which of the plugin's columns run on the direct path, and the
 * cross-host column's nodes on their simulated hosts.
 */
class NodeConfigsTest
{
    private static final String ONE_LINE = "include \"pekko-shm-remote\"";
    private static final String CLASSIC = "enabled-transports = [\"pekko.remote.shm\"]";
    private static final Path SECRET = Path.of("/dev/shm/run/secret");

    @Test
    void shouldRunTheZeroCopyColumnOnTheDirectPathAsShmDirectDoes()
    {
        for (final Transport transport : new Transport[]{Transport.SHM_ZERO_COPY, Transport.SHM_DIRECT,
            Transport.SHM_DIRECT_LOW_LATENCY, Transport.SHM_DIRECT_INLINE, Transport.SHM_CROSS_HOST})
        {
            final String conf = hocon(transport);
            assertTrue(conf.contains(ONE_LINE), transport + ":\n" + conf);
            assertFalse(conf.contains(CLASSIC), transport + ":\n" + conf);
        }
    }

    @Test
    void shouldRunOnlyTheClassicModeColumnOnPekkosOwnProvider()
    {
        final String conf = hocon(Transport.SHM);
        assertTrue(conf.contains(CLASSIC), conf);
        assertFalse(conf.contains(ONE_LINE), conf);
    }

    @Test
    void shouldPutOnlyThePingPongActorsOfTheInlineColumnOnTheInlineDispatcher()
    {
        final String inline = "dispatcher = \"pekko.remote.shm.inline-dispatcher\"";
        final String conf = hocon(Transport.SHM_DIRECT_INLINE);
        assertTrue(conf.contains("\"/driver\"." + inline), conf);
        assertTrue(conf.contains("\"/peer\"." + inline), conf);
        assertFalse(conf.contains("\"/bulk\""), conf);
        assertFalse(hocon(Transport.SHM_DIRECT).contains(inline), "shm-direct keeps the default dispatcher");
    }

    @Test
    void shouldGiveEachNodeOfTheCrossHostColumnTheDirectoryAndAddressOfItsHostAndTheOneSecret()
    {
        for (final String[] host : new String[][]{{"/dev/shm/run/host-a", "127.0.0.1"},
            {"/dev/shm/run/host-b", "127.0.0.2"}})
        {
            final String conf = NodeConfigs.hocon(Transport.SHM_CROSS_HOST, 16 * Sizes.MIB,
                NodeHost.simulated(Path.of(host[0]), host[1], SECRET), Path.of("/tmp/aeron"), 3);

            // as the plugin reads it
            final ShmSettings settings = ShmSettings.fromRootConfig(ConfigFactory.parseString(conf)
                .withFallback(ConfigFactory.defaultReference()).resolve());
            assertEquals(Path.of(host[0]), settings.transport().directory(), conf);
            assertEquals(host[1], settings.transport().hostname(), conf);
            assertTrue(settings.crossHost().enabled(), conf);
            assertEquals(SECRET, settings.crossHost().secretFile(), conf);
            assertTrue(conf.contains("driver.mode = auto"), "a media driver per host, started by its nodes:\n" + conf);
        }
    }

    @Test
    void shouldShortenOnlyTheSecondCrossHostColumnsDriverPark()
    {
        final ShmSettings reference = ShmSettings.fromRootConfig(ConfigFactory.defaultReference());
        assertEquals(reference.driver().maxPark(), crossHost(Transport.SHM_CROSS_HOST).driver().maxPark(),
            "the default column measures the defaults");
        assertEquals(Duration.ofNanos(100_000), crossHost(Transport.SHM_CROSS_HOST_SHORT_PARK).driver().maxPark());
        assertFalse(hocon(Transport.SHM_DIRECT).contains("max-park"));
    }

    @Test
    void shouldRaiseOnlyTheJumboCrossHostColumnsMtu()
    {
        final ShmSettings reference = ShmSettings.fromRootConfig(ConfigFactory.defaultReference());
        assertEquals(reference.crossHost().mtu(), crossHost(Transport.SHM_CROSS_HOST).crossHost().mtu(),
            "the default column measures the defaults");
        assertEquals(8192, crossHost(Transport.SHM_CROSS_HOST_JUMBO).crossHost().mtu());
        assertEquals(reference.driver().maxPark(), crossHost(Transport.SHM_CROSS_HOST_JUMBO).driver().maxPark());
    }

    private static ShmSettings crossHost(final Transport transport)
    {
        return ShmSettings.fromRootConfig(ConfigFactory.parseString(hocon(transport))
            .withFallback(ConfigFactory.defaultReference()).resolve());
    }

    @Test
    void shouldLeaveHostnameAndCrossHostOfEveryOtherColumnAtTheirDefaults()
    {
        for (final Transport transport : Transport.values())
        {
            if (transport.pekko() && !transport.crossHost())
            {
                final String conf = hocon(transport);
                final Config parsed = ConfigFactory.parseString(conf);
                assertFalse(parsed.hasPath("pekko.remote.shm.hostname"), transport + ":\n" + conf);
                assertFalse(parsed.hasPath("pekko.remote.shm.cross-host"), transport + ":\n" + conf);
            }
        }
    }

    @Test
    void shouldRefuseTheCrossHostColumnOnOneHostAndAnyOtherColumnOnASimulatedHost()
    {
        assertThrows(IllegalArgumentException.class, () -> NodeConfigs.hocon(Transport.SHM_CROSS_HOST, Sizes.MIB,
            NodeHost.local(Path.of("/dev/shm/test")), Path.of("/tmp/aeron"), 3));
        assertThrows(IllegalArgumentException.class, () -> NodeConfigs.hocon(Transport.SHM_DIRECT, Sizes.MIB,
            NodeHost.simulated(Path.of("/dev/shm/a"), "127.0.0.1", SECRET), Path.of("/tmp/aeron"), 3));
        assertThrows(IllegalArgumentException.class, () -> new NodeHost(Path.of("/dev/shm/a"), "127.0.0.1", null));
    }

    /** A node's configuration on one host, or on simulated host A for the cross-host columns. */
    private static String hocon(final Transport transport)
    {
        return NodeConfigs.hocon(transport, 16 * Sizes.MIB, transport.crossHost() ?
            NodeHost.simulated(Path.of("/dev/shm/run/host-a"), "127.0.0.1", SECRET) :
            NodeHost.local(Path.of("/dev/shm/test")), Path.of("/tmp/aeron"), 3);
    }
}
