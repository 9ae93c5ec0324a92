package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.driver.JvmFlags;
import io.pekkoshm.remote.support.ChildJvm;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A JVM started without the flags its Java version needs (the two --add-opens; on Java 24 and later also
 * --sun-misc-unsafe-memory-access=allow): the node refuses to start and names them.
 */
@Timeout(120)
class MissingJvmFlagsTest
{
    @Test
    void shouldRequireTheUnsafeMemoryAccessFlagOnlyFromJava24()
    {
        assertEquals(JvmFlags.REQUIRED, JvmFlags.required(17), "Java 17 does not know the flag and must not get it");
        assertEquals(JvmFlags.REQUIRED, JvmFlags.required(23));
        assertEquals(List.of("--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"),
            JvmFlags.required(25));
        assertTrue(JvmFlags.requiredPresent(), "this test JVM runs with the build's flags: " + JvmFlags.missing());
    }

    @Test
    void shouldRefuseToStartAndNameTheFlagsWhenTheJvmLacksThem() throws Exception
    {
        final String output = startRefused(null, "no-flags");
        assertTrue(output.contains(String.join(" ", JvmFlags.required())), "the message names the flags:\n" + output);
    }

    @Test
    void shouldRefuseToStartOnJava24AndLaterWithoutTheUnsafeMemoryAccessFlag() throws Exception
    {
        assumeTrue(Runtime.version().feature() >= JvmFlags.UNSAFE_MEMORY_ACCESS_SINCE,
            "only Java " + JvmFlags.UNSAFE_MEMORY_ACCESS_SINCE + " and later need the flag");
        final String output = startRefused(JvmFlags.REQUIRED, "no-unsafe-flag");
        assertTrue(output.contains("missing: " + JvmFlags.UNSAFE_MEMORY_ACCESS), "the message names the flag:\n" +
            output);
    }

    /** Starts a node in a child JVM with only {@code flags} (none when null); returns its output once it refused. */
    private static String startRefused(final List<String> flags, final String what) throws Exception
    {
        final Path directory = ShmTestDirectory.newPath(what);
        try (ChildJvm child = startChild(flags, directory))
        {
            final String status = child.awaitLineStartingWith(Duration.ofSeconds(60), "STARTED", "FAILED");
            final String output = child.output();
            assertTrue(status.startsWith("FAILED"), "a node without the flags must not start; output:\n" + output);
            assertTrue(output.contains("pekko-shm-remote needs these JVM flags"), output);
            assertFalse(output.contains("SIGSEGV"), output);
            child.close();
            assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
            child.deleteLog();
            return output;
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(directory);
        }
    }

    private static ChildJvm startChild(final List<String> flags, final Path directory) throws IOException
    {
        return null == flags ? ChildJvm.startWithoutJvmFlags(StartNodeChild.class, directory.toString()) :
            ChildJvm.startWithJvmFlags(flags, StartNodeChild.class, directory.toString());
    }
}
