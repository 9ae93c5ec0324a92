package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.remote.driver.DriverProbe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The shared-memory directories of one run, all under one root in {@code /dev/shm} named after the run, and their
 * removal: the run leaves nothing behind. The plugin's directories (the one host's, and one per simulated host of the
 * cross-host column) are siblings of the others inside the root and have unique names of their own, because the plugin
 * names its standalone driver's log after its directory ({@code <java.io.tmpdir>/<name>-driver.log}).
 */
final class RunDirectories implements AutoCloseable
{
    private static final String STANDALONE_DRIVER = "io.pekkoshm.remote.driver.StandaloneDriver";
    /** The simulated hosts of the cross-host column, each a directory (and a media driver) of its own. */
    static final List<String> SIMULATED_HOSTS = List.of("a", "b");

    private final Path root;
    private final Path shm;

    private RunDirectories(final Path root, final Path shm)
    {
        this.root = root;
        this.shm = shm;
    }

    static RunDirectories create(final String runId) throws IOException
    {
        final Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") :
            Path.of(System.getProperty("java.io.tmpdir"));
        return in(base, "pekko-shm-bench-" + runId + "-" + ProcessHandle.current().pid());
    }

    /** The directories of a run named {@code name} under {@code base}; the root is created. */
    static RunDirectories in(final Path base, final String name) throws IOException
    {
        final Path root = Files.createDirectories(base.resolve(name));
        return new RunDirectories(root, root.resolve(name + "-plugin"));
    }

    /** The plugin's {@code pekko.remote.shm.directory} on this (one) host. */
    Path shmDirectory()
    {
        return shm;
    }

    /**
     * The plugin's {@code pekko.remote.shm.directory} on simulated host {@code host} (one of {@link #SIMULATED_HOSTS})
     * of the cross-host column: a media driver of its own.
     */
    Path hostDirectory(final String host)
    {
        if (!SIMULATED_HOSTS.contains(host))
        {
            throw new IllegalArgumentException("no simulated host " + host + "; there are " + SIMULATED_HOSTS);
        }
        return shm.resolveSibling(root.getFileName() + "-host-" + host);
    }

    /** Every directory of the plugin this run may use: the one host's, then each simulated host's. */
    List<Path> pluginDirectories()
    {
        final List<Path> all = new ArrayList<>(List.of(shm));
        SIMULATED_HOSTS.forEach(host -> all.add(hostDirectory(host)));
        return all;
    }

    /** A file of this run, in its root (removed with it if the run ends before its user removes it). */
    Path runFile(final String name)
    {
        return root.resolve(name);
    }

    /** An Aeron directory of this run (Artery Aeron-UDP's embedded drivers, the raw Aeron floor's driver). */
    Path aeronDirectory(final String name)
    {
        return root.resolve(name);
    }

    /** The pid of the plugin's live standalone media driver for this run's one host, or 0. */
    long shmMediaDriverPid()
    {
        return mediaDriverPid(shm);
    }

    /** The pid of the live standalone media driver of the plugin's {@code directory}, or 0. */
    static long mediaDriverPid(final Path directory)
    {
        final Path aeron = directory.resolve("aeron");
        return Files.isDirectory(aeron) ? Math.max(0, DriverProbe.liveDriverPid(aeron, 10_000)) : 0;
    }

    /**
     * For each of the plugin's directories this run used ({@link #pluginDirectories()}): waits for its standalone
     * driver to exit by itself (it does after its idle timeout once no node is left) and the directory to disappear;
     * if it has not within {@code timeoutMs}, stops that driver (only if its command line names the directory) and
     * removes the directory. Moves the drivers' logs to {@code logs}.
     *
     * @return what had to be done, or empty if every driver left by itself.
     */
    Optional<String> awaitShmDriverExit(final long timeoutMs, final Path logs)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final List<String> notes = new ArrayList<>();
        for (final Path directory : pluginDirectories())
        {
            awaitDriverExit(directory, deadline, timeoutMs).ifPresent(notes::add);
            moveDriverLog(directory, logs);
        }
        return notes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notes));
    }

    private static Optional<String> awaitDriverExit(final Path directory, final long deadline, final long timeoutMs)
    {
        final long pid = mediaDriverPid(directory);
        while (Files.exists(directory) && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        if (!Files.exists(directory))
        {
            return Optional.empty();
        }
        String note = "the plugin's media driver had not removed " + directory + " " + timeoutMs +
            " ms after the last node left";
        if (pid > 0)
        {
            ProcessHandle.of(pid)
                .filter(p -> p.info().commandLine().map(c -> c.contains(STANDALONE_DRIVER) &&
                    c.contains(directory.toString())).orElse(false))
                .ifPresent(RunDirectories::stop);
            note += "; stopped it (pid " + pid + ")";
        }
        delete(directory);
        return Optional.of(note);
    }

    /** Moves the standalone driver's log of {@code directory}, if there is one, to {@code logs}. */
    private void moveDriverLog(final Path directory, final Path logs)
    {
        final Path log = Path.of(System.getProperty("java.io.tmpdir"), directory.getFileName() + "-driver.log");
        final String suffix = directory.equals(shm) ? "" :
            directory.getFileName().toString().substring(root.getFileName().toString().length());
        try
        {
            if (Files.exists(log))
            {
                Files.move(log, logs.resolve("shm-media-driver" + suffix + ".log"),
                    StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            System.err.println("Could not move " + log + ": " + ex);
        }
    }

    private static void stop(final ProcessHandle process)
    {
        process.destroy();
        try
        {
            process.onExit().get(5, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            process.destroyForcibly();
        }
    }

    /** Removes an Aeron directory a session used, if it is still there (its owner was killed, say). */
    void deleteAeronDirectory(final String name)
    {
        delete(aeronDirectory(name));
    }

    /** Removes everything under the root, and the root. */
    @Override
    public void close()
    {
        delete(root);
    }

    private static void delete(final Path path)
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(path))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(p ->
            {
                try
                {
                    Files.deleteIfExists(p);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final IOException | UncheckedIOException ex)
        {
            System.err.println("Could not remove " + path + ": " + ex);
        }
    }
}
