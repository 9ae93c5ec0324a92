package io.pekkoshm.remote.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The main of child JVMs started by the host tests (not a test). Prints one status line, then, while it holds
 * something, blocks until its stdin ends (the parent closes it, or kills the process).
 * <pre>
 *   claim &lt;directory&gt; &lt;port&gt;   claims the port in the directory's registry:
 *                                   "CLAIMED &lt;port&gt;" or "TAKEN &lt;message&gt;"
 *   lock  &lt;file&gt;                 LockFile.tryAcquire: "LOCKED" or "BUSY"
 * </pre>
 */
public final class HostChild
{
    private HostChild()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        switch (args[0])
        {
            case "claim":
            {
                final Path root = Path.of(args[1]);
                final NodeRegistry registry = new NodeRegistry(new ShmDirectory(root, root.resolve("aeron")));
                final NodeRegistry.Claim claim;
                try
                {
                    claim = registry.claim(Integer.parseInt(args[2]), 1);
                }
                catch (final NodeRegistry.PortTakenException ex)
                {
                    status("TAKEN " + ex.getMessage());
                    return;
                }
                claim.describe("pekko.shm://child@localhost:" + claim.port());
                status("CLAIMED " + claim.port());
                awaitEndOfInput();
                claim.close();
                break;
            }
            case "lock":
            {
                final LockFile lock = LockFile.tryAcquire(Path.of(args[1]));
                if (null == lock)
                {
                    status("BUSY");
                    return;
                }
                status("LOCKED");
                awaitEndOfInput();
                lock.close();
                break;
            }
            default:
                throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void status(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }

    private static void awaitEndOfInput() throws IOException
    {
        final InputStream in = System.in;
        while (in.read() >= 0)
        {
            // Wait for the parent to close our stdin.
        }
    }
}
