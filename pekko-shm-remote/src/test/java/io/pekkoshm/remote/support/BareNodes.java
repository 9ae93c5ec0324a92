package io.pekkoshm.remote.support;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.transport.LinkReader;
import io.pekkoshm.remote.transport.ShmNode;
import io.pekkoshm.remote.transport.ShmNodeContext;
import org.apache.pekko.event.NoLogging$;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ShmNode}s without an actor system, in a directory of the test's own with an embedded driver (classic only,
 * no direct path, no logging). {@link #close} closes them in reverse order and checks that nothing of them remains.
 */
public final class BareNodes implements AutoCloseable
{
    private final Path directory;
    private final List<ShmNode> nodes = new ArrayList<>();

    /** @param name the start of the directory's name. */
    public BareNodes(final String name)
    {
        directory = ShmTestDirectory.newPath(name);
    }

    /** {@return the nodes' shared directory} */
    public Path directory()
    {
        return directory;
    }

    /**
     * Starts a node of actor system {@code system} on {@code port} (0: any) with {@code extraConfig} (keys under
     * {@code pekko.remote.shm}, in HOCON) over the embedded nodes' configuration.
     */
    public ShmNode start(final String system, final int port, final String extraConfig) throws IOException
    {
        final ShmSettings settings = ShmSettings.fromConfig(ConfigFactory.parseString(extraConfig)
            .withFallback(EmbeddedNodes.config(directory, port)).getConfig("pekko.remote.shm"));
        final ShmNode node = ShmNode.start(new ShmNodeContext()
            .settings(settings)
            .scheme("shm")
            .system(system, 42)
            .directPath(false, "classic")
            .log(NoLogging$.MODULE$)
            .peerExit((address, pekkoUid, pid) -> { }));
        nodes.add(node);
        return node;
    }

    /**
     * Makes {@code server} echo every payload back on the link it came on (each echo must be taken).
     *
     * @param onEnded run when a link of the server ends.
     */
    public static void echo(final ShmNode server, final Runnable onEnded)
    {
        server.listen(link -> link.reader(new LinkReader()
        {
            @Override
            public void onPayload(final byte[] payload)
            {
                assertTrue(link.write(payload, payload.length, false), "the echo should be taken");
            }

            @Override
            public void onEnded()
            {
                onEnded.run();
            }
        }));
    }

    /** Closes every node, last started first; then the directory must be gone (it is deleted either way). */
    @Override
    public void close()
    {
        try
        {
            for (int i = nodes.size() - 1; i >= 0; i--)
            {
                nodes.get(i).close();
            }
            assertFalse(Files.exists(directory),
                "after every node closed the directory should be gone: " + ShmTestDirectory.describe(directory));
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(directory);
        }
    }
}
