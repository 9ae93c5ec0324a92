package io.pekkoshm.remote.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A unique, not yet existing directory under /dev/shm (java.io.tmpdir without it) for one test, and the means to
 * make sure nothing of it remains afterwards.
 */
public final class ShmTestDirectory
{
    private ShmTestDirectory()
    {
    }

    /** A fresh path {@code /dev/shm/pekko-shm-unit-<what>-<uuid>}; not created. */
    public static Path newPath(final String what)
    {
        final Path devShm = Path.of("/dev/shm");
        final Path parent = Files.isDirectory(devShm) ? devShm : Path.of(System.getProperty("java.io.tmpdir"));
        return parent.resolve("pekko-shm-unit-" + what + "-" + UUID.randomUUID());
    }

    /** What is (still) inside {@code root}, for failure messages. */
    public static String describe(final Path root)
    {
        if (!Files.exists(root))
        {
            return root + " (gone)";
        }
        try (Stream<Path> files = Files.walk(root))
        {
            return files.map(Path::toString).collect(Collectors.joining(", ", root + " holds [", "]"));
        }
        catch (final IOException ex)
        {
            return root + " (unreadable: " + ex + ")";
        }
    }

    /** Removes {@code root} and everything under it, if it exists. */
    public static void deleteRecursively(final Path root)
    {
        if (null == root || !Files.exists(root))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(root))
        {
            final List<Path> all = files.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
            for (final Path file : all)
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("Could not remove test directory " + root, ex);
        }
    }
}
