package io.pekkoshm.testkit.process;

import io.pekkoshm.testkit.hygiene.ShmDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child main for {@link ChildJvmTest} that behaves like a standalone media driver towards its directory: creates
 * {@code args[0]} with an {@code aeron/cnc.dat} file (where the real driver has its CnC file) and prints
 * {@code created}; then, once no command arrived for {@code args[1]} milliseconds (its idle timeout), or, given
 * {@code args[2]}, once the process of that pid (its last client) is gone, deletes the directory, prints
 * {@code removed} and exits.
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
        Files.createDirectories(directory.resolve("aeron"));
        Files.write(directory.resolve("aeron").resolve("cnc.dat"), new byte[4096]);
        ChildControl.report("created " + directory);
        if (args.length > 2)
        {
            ProcessHandle.of(Long.parseLong(args[2])).ifPresent(client -> client.onExit().join());
        }
        else
        {
            while (control.pollCommand(idleTimeout).isPresent())
            {
                // Any command counts as activity and restarts the idle timeout.
            }
        }
        ShmDirectories.deleteRecursively(directory);
        ChildControl.report("removed " + directory);
        System.exit(0);
    }
}
