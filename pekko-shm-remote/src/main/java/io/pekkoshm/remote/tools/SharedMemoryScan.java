package io.pekkoshm.remote.tools;

import io.pekkoshm.remote.tools.StatusReport.SharedMemoryUsage;
import io.pekkoshm.remote.tools.StatusReport.SharedMemoryUsage.Part;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Sizes of the files in a shared-memory directory, per entry of the directory (with the Aeron directory's entries,
 * such as {@code cnc.dat} and {@code publications/}, listed one by one), taken with {@code stat} only: no file is
 * opened, so no lock a node holds can be disturbed. The allocated size (what counts against {@code /dev/shm}'s
 * limit; much less than the apparent size for Aeron's sparse log buffers) comes from one {@code du} run, when there
 * is a GNU {@code du}. Files that vanish while they are counted (a node or the driver exiting) are skipped. Stateless.
 */
final class SharedMemoryScan
{
    /** Aeron's folder of IPC log buffers inside its directory. */
    static final String PUBLICATIONS = "publications";
    private static final long DU_TIMEOUT_MS = 5_000;

    private SharedMemoryScan()
    {
    }

    static SharedMemoryUsage scan(final Path directory, final Path aeronDirectory)
    {
        final List<Path> roots = new ArrayList<>();
        roots.add(directory);
        if (!aeronDirectory.startsWith(directory))
        {
            roots.add(aeronDirectory);
        }
        final Map<Path, Long> allocated = du(roots);

        final List<Path> entries = new ArrayList<>();
        for (final Path root : roots)
        {
            for (final Path entry : list(root))
            {
                if (entry.equals(aeronDirectory))
                {
                    entries.addAll(list(aeronDirectory));
                }
                else
                {
                    entries.add(entry);
                }
            }
        }

        final List<Part> parts = new ArrayList<>();
        long files = 0;
        long bytes = 0;
        for (final Path entry : entries)
        {
            final Part part = part(directory, entry, Files.isDirectory(entry), allocated);
            parts.add(part);
            files += part.files();
            bytes += part.apparentBytes();
        }
        long allocatedBytes = 0;
        for (final Path root : roots)
        {
            final long rootBytes = Files.isDirectory(root) ? allocated.getOrDefault(root, -1L) : 0;
            allocatedBytes = allocatedBytes < 0 || rootBytes < 0 ? -1 : allocatedBytes + rootBytes;
        }
        final Part publications = part(directory, aeronDirectory.resolve(PUBLICATIONS), true, allocated);
        return new SharedMemoryUsage(files, bytes, allocatedBytes, publications, parts);
    }

    private static Part part(
        final Path directory, final Path entry, final boolean isDirectory, final Map<Path, Long> allocated)
    {
        final String name = (entry.startsWith(directory) ? directory.relativize(entry) : entry).toString() +
            (isDirectory ? "/" : "");
        final long[] sizes = apparent(entry);
        final long inUse = Files.exists(entry) ? allocated.getOrDefault(entry, -1L) : 0;
        return new Part(name, sizes[0], sizes[1], inUse);
    }

    /** The entries of {@code directory}, sorted by name; none if it does not exist. */
    private static List<Path> list(final Path directory)
    {
        final List<Path> entries = new ArrayList<>();
        if (!Files.isDirectory(directory))
        {
            return entries;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory))
        {
            stream.forEach(entries::add);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            // Removed while listed: what was seen is what there is.
        }
        entries.sort(null);
        return entries;
    }

    /** {number of regular files, sum of their sizes} at or under {@code path}; zeros if it does not exist. */
    private static long[] apparent(final Path path)
    {
        final long[] sizes = { 0, 0 };
        if (!Files.exists(path))
        {
            return sizes;
        }
        try (Stream<Path> paths = Files.walk(path))
        {
            paths.forEach(file ->
            {
                try
                {
                    final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile())
                    {
                        sizes[0]++;
                        sizes[1] += attributes.size();
                    }
                }
                catch (final NoSuchFileException ex)
                {
                    // Removed while we walked: it no longer takes memory.
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final IOException | UncheckedIOException ex)
        {
            // The directory went away under the walk (the driver exited): count what was seen.
        }
        return sizes;
    }

    /**
     * The allocated bytes of the roots and of everything up to two levels below them, per {@code du -a -B1 -d 2}
     * ({@code <bytes>\t<path>} per line); empty if there is no such {@code du} or it does not answer in time.
     */
    private static Map<Path, Long> du(final List<Path> roots)
    {
        final Map<Path, Long> sizes = new HashMap<>();
        final List<String> command = new ArrayList<>(List.of("du", "-a", "-B1", "-d", "2", "--"));
        for (final Path root : roots)
        {
            if (Files.isDirectory(root))
            {
                command.add(root.toString());
            }
        }
        if (command.size() == 6)
        {
            return sizes;
        }
        final Process du;
        try
        {
            du = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        }
        catch (final IOException ex)
        {
            return sizes;
        }
        try (InputStream out = du.getInputStream())
        {
            du.getOutputStream().close();
            // The output (a line per entry two levels deep) fits the pipe, so waiting first cannot block du. A file
            // removed during the walk makes du fail, but it still prints the rest, which is what is there.
            if (!du.waitFor(DU_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                return sizes;
            }
            for (final String line : new String(out.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
            {
                final int tab = line.indexOf('\t');
                if (tab > 0)
                {
                    sizes.put(Path.of(line.substring(tab + 1)), Long.parseLong(line.substring(0, tab)));
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            sizes.clear();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            du.destroyForcibly();
        }
        return sizes;
    }
}
