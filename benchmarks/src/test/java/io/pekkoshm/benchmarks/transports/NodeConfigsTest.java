package io.pekkoshm.benchmarks.transports;

import io.pekkoshm.benchmarks.workloads.Sizes;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which of the plugin's columns run on the direct path: the node configurations the runner writes. */
class NodeConfigsTest
{
    private static final String ONE_LINE = "include \"pekko-shm-remote\"";
    private static final String CLASSIC = "enabled-transports = [\"pekko.remote.shm\"]";

    @Test
    void shouldRunTheZeroCopyColumnOnTheDirectPathAsShmDirectDoes()
    {
        for (final Transport transport : new Transport[]{Transport.SHM_ZERO_COPY, Transport.SHM_DIRECT,
            Transport.SHM_DIRECT_LOW_LATENCY, Transport.SHM_DIRECT_INLINE})
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

    private static String hocon(final Transport transport)
    {
        return NodeConfigs.hocon(transport, 16 * Sizes.MIB, Path.of("/dev/shm/test"), Path.of("/tmp/aeron"), 3);
    }
}
