package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.driver.JvmFlags;
import io.pekkoshm.remote.support.ChildJvm;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A JVM started without the two --add-opens flags: the node refuses to start and names them. */
@Timeout(120)
class MissingJvmFlagsTest
{
    @Test
    void shouldRefuseToStartAndNameTheFlagsWhenTheJvmLacksThem() throws Exception
    {
        final Path directory = ShmTestDirectory.newPath("no-flags");
        try (ChildJvm child = ChildJvm.startWithoutJvmFlags(StartNodeChild.class, directory.toString()))
        {
            final String status = child.awaitLineStartingWith(Duration.ofSeconds(60), "STARTED", "FAILED");
            final String output = child.output();
            assertTrue(status.startsWith("FAILED"), "a node without the flags must not start; output:\n" + output);
            assertTrue(output.contains("pekko-shm-remote needs these JVM flags"), output);
            assertTrue(output.contains(String.join(" ", JvmFlags.REQUIRED)), "the message names both flags:\n" +
                output);
            assertFalse(output.contains("SIGSEGV"), output);
            child.close();
            assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
            child.deleteLog();
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(directory);
        }
    }
}
