package io.pekkoshm.testkit;

import io.pekkoshm.testkit.hygiene.ShmDirectories;
import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.ChildJvmSpec;
import io.pekkoshm.testkit.process.Processes;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test fails when something its JVMs created outlives it: a {@code /dev/shm} entry, or a process one of them
 * started. Each case runs in a group of its own, closed by the test, so the failure can be asserted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KitHygieneTest
{
    private static final Duration SHORT_REMOVAL = Duration.ofSeconds(2);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldFailATestThatLeavesADevShmEntry() throws Exception
    {
        final Path leftover = ShmDirectories.newUniqueDirectory().resolveSibling("multijvm-kit-leftover-" +
            ProcessHandle.current().pid());
        final ChildJvmGroup group = new ChildJvmGroup(multiJvm.logDirectory().resolve("group"),
            ShmDirectories.newUniqueDirectory(), SHORT_REMOVAL);
        try
        {
            final ChildJvm child = group.start(ChildJvmSpec.of("leaver", LeftoversNode.class)
                .programArgs("shm", leftover.toString()));
            child.awaitLine("^created ", Duration.ofSeconds(30));

            final AssertionError failure = assertThrows(AssertionError.class, group::close);

            assertTrue(failure.getMessage().contains("appeared during the test were still there"),
                failure::getMessage);
            assertTrue(failure.getMessage().contains(leftover.toString()), failure::getMessage);
        }
        finally
        {
            Files.deleteIfExists(leftover);
        }
    }

    @Test
    void shouldFailATestWhoseNodeStartedAProcessThatOutlivesIt()
    {
        final ChildJvmGroup group = new ChildJvmGroup(multiJvm.logDirectory().resolve("group"),
            ShmDirectories.newUniqueDirectory(), SHORT_REMOVAL);
        final ChildJvm child = group.start(ChildJvmSpec.of("parent", LeftoversNode.class).programArgs("sleeper"));
        final long sleeper = Long.parseLong(child.awaitLine("^sleeper (\\d+)$", Duration.ofSeconds(30)).group(1));
        final ProcessHandle sleeperHandle = ProcessHandle.of(sleeper).orElseThrow();

        final AssertionError failure = assertThrows(AssertionError.class, group::close);

        assertTrue(failure.getMessage().contains("Process " + sleeper + " started by node 'parent'"),
            failure::getMessage);
        assertTrue(failure.getMessage().contains("outlived the test"), failure::getMessage);
        assertTrue(Processes.awaitGone(sleeperHandle, Duration.ofSeconds(30)), "the kit kills what outlived");
    }
}
