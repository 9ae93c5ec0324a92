package io.pekkoshm.remote.driver;

import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.ChildJvm;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone driver as a process of its own, stopped the way an operator or systemd stops it. */
@Timeout(300)
class StandaloneDriverSignalTest
{
    /** The shutdown race (hook against the main thread's client count) is not hit every time: try it repeatedly. */
    private static final int ROUNDS = 10;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldExitCleanlyAndRemoveItsDirectoryOnSigterm() throws IOException, InterruptedException
    {
        final Path errorFiles = Files.createTempDirectory("pekko-shm-driver-hs-err");
        try
        {
            for (int round = 0; round < ROUNDS; round++)
            {
                stopOnceWithSigterm(round, errorFiles);
            }
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(errorFiles);
        }
    }

    private static void stopOnceWithSigterm(final int round, final Path errorFiles)
        throws IOException, InterruptedException
    {
        final Path directory = ShmTestDirectory.newPath("driver-sigterm");
        final Path errorFile = errorFiles.resolve("hs_err_round" + round + ".log");
        try (ChildJvm driver = ChildJvm.start(List.of("-XX:ErrorFile=" + errorFile), StandaloneDriver.class,
            "--directory", directory.toString(), "--idle-timeout-ms", "0"))
        {
            Await.until(START_TIMEOUT, () -> driver.output().contains("pekko-shm driver: started") || !driver.isAlive(),
                () -> "round " + round + ": driver to start; output so far:\n" + driver.output());
            assertTrue(driver.isAlive(), () -> "round " + round + ": driver exited at start:\n" + driver.output());
            assertTrue(Files.isDirectory(directory.resolve("aeron")), () -> "round " + round + ": " +
                ShmTestDirectory.describe(directory));

            final int exitCode = driver.terminate();

            final String output = driver.output();
            assertFalse(Files.exists(errorFile), () -> "round " + round +
                ": the driver crashed on SIGTERM (exit code " +
                exitCode + ", " + errorFile + " written); output:\n" + output);
            assertFalse(output.contains("SIGSEGV") || output.contains("SIGBUS") || output.contains("fatal error"),
                () -> "round " + round + ": the driver crashed on SIGTERM (exit code " + exitCode + "); output:\n" +
                output);
            assertTrue(0 == exitCode || 143 == exitCode,
                () -> "round " + round + ": exit code " + exitCode + " after SIGTERM; output:\n" + output);
            assertTrue(output.contains("stopping on signal"), () -> "round " + round + ": output:\n" + output);
            assertFalse(Files.exists(directory), () -> "round " + round + ": after SIGTERM the driver's directory " +
                "should be gone as after an idle exit: " + ShmTestDirectory.describe(directory) + "; output:\n" +
                output);
            driver.deleteLog();
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(directory);
        }
    }
}
