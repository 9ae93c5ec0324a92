package io.pekkoshm.testkit.hygiene;

import io.pekkoshm.testkit.process.Processes;
import io.pekkoshm.testkit.process.SuiteResources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Per-test shared-memory directories under {@code /dev/shm}: naming, awaiting their removal, and cleaning up what a
 * test leaked. Stateless and thread-safe.
 */
public final class ShmDirectories
{
    /** Where shared-memory directories live. */
    public static final Path SHM_ROOT = Path.of("/dev/shm");
    /** The name prefix of every directory this harness hands out, so leaks are easy to spot. */
    public static final String PREFIX = "pekko-shm-test-";

    /** How old a media driver's heartbeat may be for {@code DriverProbe} to take it as alive. */
    public static final Duration DRIVER_PROBE_TIMEOUT = Duration.ofSeconds(30);

    private static final int MAX_LISTED_ENTRIES = 50;

    private ShmDirectories()
    {
    }

    /** @return {@code /dev/shm/pekko-shm-test-<random>}, which does not exist yet and is not created. */
    public static Path newUniqueDirectory()
    {
        return newUniqueDirectory(SHM_ROOT);
    }

    /**
     * Picks a new directory name under {@code root} and records it with {@code SuiteResources} for the suite's final
     * check.
     *
     * @param root the directory to name it in, e.g. a temporary directory in a test of the harness itself.
     * @return {@code <root>/pekko-shm-test-<random>}, which does not exist yet and is not created.
     */
    public static Path newUniqueDirectory(final Path root)
    {
        while (true)
        {
            final Path candidate = root.resolve(
                PREFIX + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), Character.MAX_RADIX));
            if (!Files.exists(candidate))
            {
                SuiteResources.recordShmDirectory(candidate);
                return candidate;
            }
        }
    }

    /**
     * {@return the entries of {@link #SHM_ROOT} now, as absolute paths; empty where there is no such directory}
     *
     * @throws UncheckedIOException if it cannot be listed.
     */
    public static Set<Path> entries()
    {
        if (!Files.isDirectory(SHM_ROOT))
        {
            return Set.of();
        }
        try (Stream<Path> list = Files.list(SHM_ROOT))
        {
            return list.map(Path::toAbsolutePath).collect(Collectors.toCollection(LinkedHashSet::new));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("Cannot list " + SHM_ROOT, ex);
        }
    }

    /**
     * The pid of the live media driver of a plugin directory, read from its CnC file with the plugin's probe.
     * <p>
     * The probe reads the file through Agrona, which needs the plugin's JVM flags in this JVM; a test JVM started
     * without them (a user's surefire without the {@code argLine}) gets empty here instead of an error, so that a
     * teardown still kills its children and checks its directory.
     *
     * @param directory a shared-memory directory of the plugin, e.g. a test's {@code multijvm.shm-directory}.
     * @return the driver's pid; empty if there is none, it is not live, or this JVM cannot read the file.
     */
    public static java.util.OptionalLong liveDriverPid(final Path directory)
    {
        if (!Files.isDirectory(directory.resolve("aeron")) || !io.pekkoshm.remote.driver.JvmFlags.requiredPresent())
        {
            return java.util.OptionalLong.empty();
        }
        try
        {
            final long pid = io.pekkoshm.remote.driver.DriverProbe.liveDriverPid(directory.resolve("aeron"),
                DRIVER_PROBE_TIMEOUT.toMillis());
            return pid > 0 ? java.util.OptionalLong.of(pid) : java.util.OptionalLong.empty();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return java.util.OptionalLong.empty();
        }
    }

    /**
     * The plugin directories nested in a test's directory, e.g. one per simulated host
     * ({@code ${multijvm.shm-directory}"/host-a"}): its immediate subdirectories that hold an Aeron directory.
     *
     * @param directory a test's shared-memory directory.
     * @return those subdirectories now, sorted; empty if there are none or {@code directory} does not exist.
     */
    public static List<Path> nestedPluginDirectories(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory))
        {
            return list.filter(sub -> Files.isDirectory(sub.resolve("aeron"))).sorted().collect(Collectors.toList());
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return List.of();
        }
    }

    /**
     * Waits, polling with a short backoff, until {@code directory} does not exist or is an empty directory: what a
     * test's directory is once the media drivers of the plugin directories nested in it removed theirs.
     *
     * @param directory a directory or file.
     * @param timeout   how long to wait; this does nothing to remove it.
     * @return true if it is gone, never existed or is an empty directory within the timeout.
     */
    public static boolean awaitGoneOrEmpty(final Path directory, final Duration timeout)
    {
        return Processes.awaitCondition(() -> !Files.exists(directory) || isEmptyDirectory(directory), timeout);
    }

    private static boolean isEmptyDirectory(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            return false;
        }
        try (Stream<Path> list = Files.list(directory))
        {
            return list.findAny().isEmpty();
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return false;
        }
    }

    /**
     * Waits, polling with a short backoff, until {@code directory} does not exist.
     *
     * @param directory a directory or file, e.g. a test's shared-memory directory its media driver removes.
     * @param timeout   how long to wait; this does nothing to remove it.
     * @return true if it is gone (or never existed) within the timeout.
     */
    public static boolean awaitGone(final Path directory, final Duration timeout)
    {
        return Processes.awaitCondition(() -> !Files.exists(directory), timeout);
    }

    /**
     * Lists what a directory left behind holds, for failure messages; never fails.
     *
     * @param directory a directory or file.
     * @return one line per file or directory under {@code directory} (relative path and size), at most 50, for
     * failure messages; or a note that it does not exist.
     */
    public static String describe(final Path directory)
    {
        if (!Files.exists(directory))
        {
            return "  (" + directory + " does not exist)\n";
        }
        if (!Files.isDirectory(directory))
        {
            return "  (a file of " + size(directory) + " bytes)\n";
        }
        try (Stream<Path> entries = Files.walk(directory))
        {
            final List<Path> paths = entries.filter(path -> !path.equals(directory)).sorted()
                .collect(Collectors.toList());
            if (paths.isEmpty())
            {
                return "  (" + directory + " is empty)\n";
            }
            final StringBuilder description = new StringBuilder();
            for (final Path path : paths.subList(0, Math.min(paths.size(), MAX_LISTED_ENTRIES)))
            {
                description.append("  ").append(directory.relativize(path))
                    .append(Files.isDirectory(path) ? "/" : " (" + size(path) + " bytes)").append('\n');
            }
            if (paths.size() > MAX_LISTED_ENTRIES)
            {
                description.append("  ... and ").append(paths.size() - MAX_LISTED_ENTRIES).append(" more\n");
            }
            return description.toString();
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return "  (cannot list " + directory + ": " + ex + ")\n";
        }
    }

    /**
     * Deletes {@code directory} and everything under it; does nothing if it does not exist. Files that vanish while
     * deleting (their owner removed them first) are not an error.
     *
     * @param directory the directory (or a single file) to delete.
     * @throws UncheckedIOException if something cannot be deleted.
     */
    public static void deleteRecursively(final Path directory)
    {
        try
        {
            Files.walkFileTree(directory, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes)
                    throws IOException
                {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(final Path file, final IOException ex) throws IOException
                {
                    if (ex instanceof NoSuchFileException)
                    {
                        return FileVisitResult.CONTINUE;
                    }
                    throw ex;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path dir, final IOException ex) throws IOException
                {
                    if (null != ex && !(ex instanceof NoSuchFileException))
                    {
                        throw ex;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final NoSuchFileException ex)
        {
            // It did not exist, or was removed concurrently by its owner.
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("Cannot delete " + directory, ex);
        }
    }

    private static long size(final Path path)
    {
        try
        {
            return Files.size(path);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }
}
