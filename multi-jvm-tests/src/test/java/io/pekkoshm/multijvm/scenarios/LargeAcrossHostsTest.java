package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static io.pekkoshm.multijvm.scenarios.BlobStoreAcrossJvmsTest.MiB;
import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large messages between two JVMs on two simulated hosts (host A: {@code <test directory>/host-a} and 127.0.0.1,
 * host B: {@code .../host-b} and 127.0.0.2, each with its media driver): no memory is shared, so a message over one
 * UDP frame goes in pieces and is put together on the receiver's heap. 256 MiB in the default suite, 1 GiB behind the
 * {@code large} profile ({@code mvn verify -Plarge}).
 */
@Timeout(900)
class LargeAcrossHostsTest
{
    private static final Duration AWAIT = Duration.ofMinutes(5);

    /** The driver keeps a killed JVM's client for the liveness timeout below before it can exit. */
    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension(Duration.ofSeconds(120));
    @TempDir
    private Path secrets;

    @Test
    void shouldCarryA256MebibyteMessageAcrossHostsIntact() throws IOException
    {
        carryAcrossHosts(new String[] { "-Xmx3g" }, 256 * MiB);
    }

    /** Each side holds a few copies of the message on its heap (serialized, put together, deserialized). */
    @Test
    @Tag("large")
    void shouldCarryAOneGibibyteMessageAcrossHostsIntact() throws IOException
    {
        carryAcrossHosts(new String[] { "-Xmx10g", "-XX:+UseParallelGC" }, 1024 * MiB);
    }

    private void carryAcrossHosts(final String[] jvmArgs, final int size) throws IOException
    {
        final Path secret = CrossHostClusterTest.writeSecret(secrets);
        final Nodes.Node receiver = Nodes.start(multiJvm, jvmArgs, "receiver", "receiver", 0,
            host("host-b", "127.0.0.2", secret));
        final Nodes.Node sender = Nodes.start(multiJvm, jvmArgs, "sender", "sender", 0,
            host("host-a", "127.0.0.1", secret));
        run(receiver, "blob-sink", "^OK blob-sink$", AWAIT);
        final String sink = receiver.address() + "/user/blob-sink";

        run(sender, "send-blobs " + sink + " " + size + " 1", "^SENT-BLOBS 1$", AWAIT);
        assertEquals("ok " + size, receiver.jvm().awaitLine("^BLOB (.*)$", AWAIT).group(1));

        final String counters = run(sender, "counters", "^COUNTERS (.*)$", AWAIT).group(1);
        assertTrue(counters.contains("messagesDropped=0"), counters);
        assertTrue(counters.contains("blobsSent=0"), "nothing went through the blob store: " + counters);
        final String state = run(sender, "direct-state", "^DIRECT-STATE (.*)$", AWAIT).group(1);
        assertTrue(state.contains("medium=udp"), "the association to the other host is over UDP: " + state);
        // A graceful stop closes their driver clients at once (a kill would leave them for the liveness timeout).
        assertEquals(0, sender.jvm().stop(AWAIT));
        assertEquals(0, receiver.jvm().stop(AWAIT));
    }

    /** The node's directory (nested in the test's), hostname and the shared secret, as system properties. */
    private String[] host(final String directory, final String hostname, final Path secret)
    {
        return new String[] {
            "pekko.remote.shm.directory", multiJvm.shmDirectory().resolve(directory).toString(),
            "pekko.remote.shm.hostname", hostname,
            "pekko.remote.shm.cross-host.enabled", "on",
            "pekko.remote.shm.cross-host.secret-file", secret.toString(),
            "pekko.remote.shm.driver.client-liveness-timeout", "60s" };
    }
}
