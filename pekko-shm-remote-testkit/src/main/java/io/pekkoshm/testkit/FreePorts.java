package io.pekkoshm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Ports for nodes: free TCP ports of the loopback interface, never the same one twice in this JVM (a port freed by
 * one test's node is not handed to the next, whose peers may still remember the old node). <b>Threading:</b>
 * thread-safe.
 */
final class FreePorts
{
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts()
    {
    }

    /** {@return a port no process listens on now, not handed out before by this JVM} */
    static synchronized int next()
    {
        while (true)
        {
            final int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
            {
                port = socket.getLocalPort();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("Cannot find a free port for a node", ex);
            }
            if (HANDED_OUT.add(port))
            {
                return port;
            }
        }
    }
}
