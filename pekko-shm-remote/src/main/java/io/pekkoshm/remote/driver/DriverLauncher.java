package io.pekkoshm.remote.driver;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.host.ShmDirectory;
import org.agrona.DirectBuffer;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts a {@link StandaloneDriver} process for {@code driver.mode = auto} and waits until it is live.
 * <p>
 * The process gets its own session ({@code setsid}) so that neither the death of the starting JVM nor a Ctrl-C in
 * its terminal reaches it, and umask 077 so that its files are owner-only; its output is appended to
 * {@code <java.io.tmpdir>/<directory name>-driver.log}. Its class path is just the jars of this plugin, Aeron and
 * Agrona.
 */
final class DriverLauncher
{
    private DriverLauncher()
    {
    }

    /**
     * @return the pid of the started driver, live when this returns.
     * @throws IOException if it cannot be started or is not live within {@code driver.start-timeout}; the message
     *                     names the log file.
     */
    static long launch(final ShmSettings settings, final ShmDirectory directory) throws IOException
    {
        final Path log = logFile(directory);
        final List<String> command = new ArrayList<>();
        final File shell = new File("/bin/sh");
        if (shell.canExecute())
        {
            // Aeron creates the driver's directory, CnC file and log buffers with the process umask: 077 makes them
            // owner-only, as everything else of the plugin is, wherever driver.aeron-directory points.
            command.addAll(List.of(shell.getPath(), "-c", "umask 077 && exec \"$@\"", "pekko-shm-driver"));
        }
        final File setsid = new File("/usr/bin/setsid");
        if (setsid.canExecute())
        {
            command.add(setsid.getPath());
        }
        command.addAll(JavaCommand.of(StandaloneDriver.class.getName())
            .jvmOptions(settings.driver().jvmOptions())
            .classPath(classPath())
            .arguments(arguments(settings, directory))
            .build());

        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();

        final long deadline = System.nanoTime() + settings.driver().startTimeout().toNanos();
        long parkNs = TimeUnit.MILLISECONDS.toNanos(1);
        while (true)
        {
            final long pid =
                DriverProbe.liveDriverPid(directory.aeronDirectory(), settings.driver().timeout().toMillis());
            if (pid > 0)
            {
                return pid;
            }
            if (!process.isAlive())
            {
                throw new IOException("The standalone media driver exited with code " + process.exitValue() +
                    " before it was live; see " + log);
            }
            if (System.nanoTime() - deadline > 0)
            {
                process.destroyForcibly();
                throw new IOException(
                    "The standalone media driver was not live within pekko.remote.shm.driver.start-timeout (" +
                    settings.driver().startTimeout().toMillis() + " ms); see " + log);
            }
            LockSupport.parkNanos(parkNs);
            parkNs = Math.min(parkNs * 2, TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** The driver's arguments: its directories, timeouts, how it idles ({@code idle-sleep-after} off: never sleeps). */
    static String[] arguments(final ShmSettings settings, final ShmDirectory directory)
    {
        final List<String> arguments = new ArrayList<>(List.of(
            "--directory", directory.root().toString(),
            "--aeron-dir", directory.aeronDirectory().toString(),
            "--idle-timeout-ms", Long.toString(settings.driver().idleTimeout().toMillis()),
            "--client-liveness-timeout-ms", Long.toString(settings.driver().clientLivenessTimeout().toMillis()),
            "--idle-cpu-level", Integer.toString(settings.transport().idleCpuLevel()),
            "--max-park-us", Long.toString(TimeUnit.NANOSECONDS.toMicros(settings.driver().maxPark().toNanos()))));
        if (null != settings.transport().idleSleepAfter())
        {
            arguments.add("--sleep-after-us");
            arguments.add(Long.toString(settings.transport().idleSleepAfter().toNanos() / 1000));
        }
        return arguments.toArray(new String[0]);
    }

    static Path logFile(final ShmDirectory directory)
    {
        return Path.of(System.getProperty("java.io.tmpdir"), directory.root().getFileName() + "-driver.log");
    }

    /** The jars (or class folders) holding the plugin, Aeron's client and driver, and Agrona. */
    private static String classPath() throws IOException
    {
        final Set<String> entries = new LinkedHashSet<>();
        for (final Class<?> type : List.of(StandaloneDriver.class, MediaDriver.class, Aeron.class, DirectBuffer.class))
        {
            final var source = type.getProtectionDomain().getCodeSource();
            if (null == source)
            {
                return System.getProperty("java.class.path");
            }
            try
            {
                entries.add(Path.of(source.getLocation().toURI()).toString());
            }
            catch (final URISyntaxException ex)
            {
                throw new IOException("Cannot locate the jar of " + type.getName(), ex);
            }
        }
        for (final String entry : entries)
        {
            if (!Files.exists(Path.of(entry)))
            {
                return System.getProperty("java.class.path");
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
