package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.pekkoshm.multijvm.scenarios.BlobStoreAcrossJvmsTest.MiB;

/** A single 1 GiB message between two JVMs, behind the {@code large} profile ({@code mvn verify -Plarge}). */
@Tag("large")
@Timeout(900)
class LargeBlobAcrossJvmsTest
{
    /** The driver keeps a killed JVM's client for the liveness timeout below before it can exit. */
    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension(Duration.ofSeconds(120));

    /**
     * One GiB in a single message. Through classic remoting each side holds several copies of it on the heap
     * (Pekko's serialization and protocol envelope), so the JVMs get 10 GiB heaps and a long driver liveness
     * timeout; behind the {@code large} profile because of the memory it needs.
     */
    @Test
    void shouldCarryAOneGibibytePayloadIntact()
    {
        BlobStoreAcrossJvmsTest.carryIntact(multiJvm, new String[] { "-Xmx10g", "-XX:+UseParallelGC" },
            new int[] { 1024 * MiB }, "pekko.remote.shm.driver.client-liveness-timeout", "60s");
    }

}
