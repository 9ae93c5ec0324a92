package io.pekkoshm.testkit.process;

import io.pekkoshm.testkit.hygiene.ShmDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child main for {@link ChildJvmTest} that behaves like a standalone media driver towards its directory: creates
 * {@code args[0]} with a {@code cnc.dat} file, prints {@code created}, and once no command arrived for
 * {@code args[1]} milliseconds (its idle timeout) deletes the directory, prints {@code removed} and exits.
 */
public final class FakeMediaDriver
{
    private FakeMediaDriver()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final ChildControl control = ChildControl.start();
        final Path directory = Path.of(args[0]);
        final Duration idleTimeout = Duration.ofMillis(Long.parseLong(args[1]));
        Files.createDirectories(directory);
        Files.write(directory.resolve("cnc.dat"), new byte[4096]);
        ChildControl.report("created " + directory);
        while (control.pollCommand(idleTimeout).isPresent())
        {
            // Any command counts as activity and restarts the idle timeout.
        }
        ShmDirectories.deleteRecursively(directory);
        ChildControl.report("removed " + directory);
        System.exit(0);
    }
}
