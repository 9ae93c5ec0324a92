package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.remote.driver.DriverProbe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The shared-memory directories of one run, all under one root in {@code /dev/shm} named after the run, and their
 * removal: the run leaves nothing behind. The plugin's directory is a sibling of the others inside the root and has a
 * unique name of its own, because the plugin names its standalone driver's log after it
 * ({@code <java.io.tmpdir>/<name>-driver.log}).
 */
final class RunDirectories implements AutoCloseable
{
    private static final String STANDALONE_DRIVER = "io.pekkoshm.remote.driver.StandaloneDriver";

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
        final String name = "pekko-shm-bench-" + runId + "-" + ProcessHandle.current().pid();
        final Path root = Files.createDirectories(base.resolve(name));
        return new RunDirectories(root, root.resolve(name + "-plugin"));
    }

    /** The plugin's {@code pekko.remote.shm.directory}. */
    Path shmDirectory()
    {
        return shm;
    }

    /** An Aeron directory of this run (Artery Aeron-UDP's embedded drivers, the raw Aeron floor's driver). */
    Path aeronDirectory(final String name)
    {
        return root.resolve(name);
    }

    /** The pid of the plugin's live standalone media driver for this run, or 0. */
    long shmMediaDriverPid()
    {
        final Path aeron = shm.resolve("aeron");
        return Files.isDirectory(aeron) ? Math.max(0, DriverProbe.liveDriverPid(aeron, 10_000)) : 0;
    }

    /**
     * Waits for the plugin's standalone driver to exit by itself (it does after its idle timeout once no node is
     * left) and its directory to disappear; if it has not within {@code timeoutMs}, stops that driver (only if its
     * command line names this run's directory) and removes the directory. Moves the driver's log to {@code logs}.
     *
     * @return what had to be done, or empty if the driver left by itself.
     */
    Optional<String> awaitShmDriverExit(final long timeoutMs, final Path logs)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final long pid = shmMediaDriverPid();
        while (Files.exists(shm) && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        String note = null;
        if (Files.exists(shm))
        {
            note = "the plugin's media driver had not removed " + shm + " " + timeoutMs +
                " ms after the last node left";
            if (pid > 0)
            {
                ProcessHandle.of(pid)
                    .filter(p -> p.info().commandLine().map(c -> c.contains(STANDALONE_DRIVER) &&
                        c.contains(shm.toString())).orElse(false))
                    .ifPresent(RunDirectories::stop);
                note += "; stopped it (pid " + pid + ")";
            }
            delete(shm);
        }
        moveDriverLog(logs);
        return Optional.ofNullable(note);
    }

    private void moveDriverLog(final Path logs)
    {
        final Path log = Path.of(System.getProperty("java.io.tmpdir"), shm.getFileName() + "-driver.log");
        try
        {
            if (Files.exists(log))
            {
                Files.move(log, logs.resolve("shm-media-driver.log"), StandardCopyOption.REPLACE_EXISTING);
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
