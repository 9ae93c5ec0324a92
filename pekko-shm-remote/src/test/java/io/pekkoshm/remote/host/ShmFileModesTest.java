package io.pekkoshm.remote.host;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.driver.DriverProbe;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything the plugin puts in its shared-memory directory is closed to other users: the directory and every
 * directory in it {@code rwx------}, every file {@code rw-------} (see {@link Permissions}), owned by this user.
 * Checked on a running pair of nodes in the default {@code auto} driver mode (so the standalone driver process writes
 * the Aeron directory), with a large payload in flight, so that node files, the start-up lock, blob blocks, the
 * driver's CnC file and the associations' log buffers all exist.
 */
@Timeout(120)
class ShmFileModesTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private Path directory;
    private ActorSystem a;
    private ActorSystem b;
    private long driverPid;

    @AfterEach
    void stop() throws IOException
    {
        if (null != b)
        {
            TestKit.shutdownActorSystem(b);
        }
        if (null != a)
        {
            TestKit.shutdownActorSystem(a);
        }
        if (null == directory)
        {
            return;
        }
        // The standalone driver removes the directory when it exits, after its idle timeout without clients.
        Await.until(AWAIT, () -> !Files.exists(directory), () -> "the driver should have removed " +
            ShmTestDirectory.describe(directory));
        if (driverPid > 0)
        {
            Await.until(AWAIT, () -> ProcessHandle.of(driverPid).map(p -> !p.isAlive()).orElse(true),
                () -> "the standalone driver (pid " + driverPid + ") should have exited");
        }
        Files.deleteIfExists(Path.of(System.getProperty("java.io.tmpdir"), directory.getFileName() + "-driver.log"));
    }

    /**
     * The plugin's own files ({@link Permissions}): the directory, the start-up lock, the node registry and the blob
     * store are owner-only. The media driver's Aeron directory lies inside the owner-only directory, so other users
     * cannot reach anything in it, whatever the modes Aeron gives its own files (see the next test).
     */
    @Test
    void shouldCreateEveryDirectoryAndFileOfItsOwnOwnerOnly()
    {
        final TreeMap<String, String> modes = modesOfRunningNodes();
        for (final String expected : List.of("/", "start.lock", "nodes/", "blobs/", "aeron/", "aeron/cnc.dat"))
        {
            assertTrue(modes.containsKey(expected), () -> "expected " + expected + " in " + modes.keySet());
        }
        assertTrue(modes.keySet().stream().anyMatch(p -> p.startsWith("nodes/") && p.endsWith(".node")),
            modes::toString);
        assertTrue(modes.keySet().stream().anyMatch(p -> p.startsWith("blobs/") && p.endsWith(".blob")),
            modes::toString);
        final TreeMap<String, String> own = new TreeMap<>(modes);
        own.keySet().removeIf(path -> path.startsWith("aeron/"));
        assertOwnerOnly(own);
    }

    /**
     * Every file and directory in the plugin's directory is owner-only, the media driver's included: they hold every
     * message in flight (log buffers) and the driver's command-and-control file.
     */
    @Test
    void shouldCreateEveryDirectoryAndFileOwnerOnlyTheMediaDriversIncluded()
    {
        final TreeMap<String, String> modes = modesOfRunningNodes();
        assertTrue(modes.keySet().stream().anyMatch(p -> p.startsWith("aeron/publications/")), modes::toString);
        assertOwnerOnly(modes);
    }

    /**
     * Starts two nodes in {@code auto} driver mode (a standalone driver process), sends a payload large enough for the
     * blob store both ways, and takes the mode and owner of every path in the directory while they run.
     */
    private TreeMap<String, String> modesOfRunningNodes()
    {
        directory = ShmTestDirectory.newPath("modes");
        final var config = ConfigFactory.parseString(
            "pekko.remote.shm.driver.mode = auto\npekko.remote.shm.driver.idle-timeout = 1 s\n")
            .withFallback(EmbeddedNodes.config(directory, 0));
        a = ActorSystem.create("a", config);
        b = ActorSystem.create("b", config);
        driverPid = DriverProbe.liveDriverPid(directory.resolve("aeron"), 10_000);
        assertTrue(driverPid > 0 && driverPid != ProcessHandle.current().pid(), "a standalone driver should run");
        b.actorOf(Props.create(EmbeddedNodes.Echo.class), "echo");
        final TestKit probe = new TestKit(a);
        // Larger than blob.threshold (128 KiB): it travels, both ways, through blocks of the blob store.
        final byte[] large = new byte[600 * 1024];
        a.actorSelection(ShmRemote.get(b).address().orElseThrow() + "/user/echo").tell(large, probe.getRef());
        assertEquals(large.length, probe.expectMsgClass(AWAIT, byte[].class).length);
        final TreeMap<String, String> modes = modes(directory);
        System.out.println("Modes under " + directory + ":\n  " + String.join("\n  ", describe(modes)));
        return modes;
    }

    private static void assertOwnerOnly(final TreeMap<String, String> modes)
    {
        final List<String> wrong = new ArrayList<>();
        modes.forEach((path, mode) ->
        {
            final String expected = PosixFilePermissions.toString(path.endsWith("/") ? DIRECTORY : FILE) + " " +
                System.getProperty("user.name");
            if (!expected.equals(mode))
            {
                wrong.add(path + " is " + mode + ", expected " + expected);
            }
        });
        assertTrue(wrong.isEmpty(), () -> wrong.size() + " path(s) are not owner-only:\n  " +
            String.join("\n  ", wrong));
    }

    /** Every path under {@code root} (relative, directories with a trailing {@code /}) with its mode and owner. */
    private static TreeMap<String, String> modes(final Path root)
    {
        final TreeMap<String, String> modes = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.forEach(path ->
            {
                try
                {
                    final PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                    final String relative = root.relativize(path).toString();
                    modes.put(attributes.isDirectory() ? (relative.isEmpty() ? "/" : relative + "/") : relative,
                        PosixFilePermissions.toString(attributes.permissions()) + " " + attributes.owner().getName());
                }
                catch (final IOException ex)
                {
                    // Removed while we walk (an association's log buffer going away): nothing to check.
                }
            });
        }
        catch (final IOException | UncheckedIOException ex)
        {
            throw new AssertionError("cannot walk " + root, ex);
        }
        return modes;
    }

    private static List<String> describe(final TreeMap<String, String> modes)
    {
        final List<String> lines = new ArrayList<>();
        modes.forEach((path, mode) -> lines.add(mode + "  " + path));
        return lines;
    }
}
