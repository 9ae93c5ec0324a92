package io.pekkoshm.testkit.hygiene;

import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.Processes;
import io.pekkoshm.testkit.process.SuiteResources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The suite's own final check (registered in {@code META-INF/services}): when the JUnit launcher session of this test
 * JVM ends, the run fails if anything the suite started is left behind.
 * {@link io.pekkoshm.testkit.MultiJvmExtension} already checks each test's shared-memory directory when that test
 * ends; this closes the gaps around it:
 * <ul>
 * <li>every process recorded in {@link SuiteResources} (every child JVM, the processes below them such as standalone
 * media drivers, and processes registered with {@code killAtEnd}) must be gone. Each gets until a common deadline
 * ({@link #GRACE}: a standalone driver exits by itself after its clients' liveness timeout and its idle timeout); one
 * still running then is killed and reported;</li>
 * <li>every shared-memory directory handed to a test must be gone (else it is deleted and reported);</li>
 * <li>every {@code /dev/shm/pekko-shm-*} entry that appeared during the run and names one of our processes (a node
 * file, a blob directory or the driver's CnC file) must be gone. Other engineers' runs on the same host create entries
 * with the same names at the same time, so an entry that names none of our processes is listed, not failed.</li>
 * </ul>
 * A failure is thrown from {@link #launcherSessionClosed}: surefire reports it as "There was an error in the forked
 * process" with this class's message, and the build fails.
 */
public final class SuiteHygiene implements LauncherSessionListener
{
    /** How long, at the end of the run, processes and directories get to go away by themselves. */
    public static final Duration GRACE = Duration.ofSeconds(60);
    /** The prefix of every /dev/shm entry of this plugin (default directory and the tests' directories). */
    static final String SHM_PREFIX = "pekko-shm-";

    private static final Pattern PID_LINE = Pattern.compile("(?m)^pid=(\\d+)$");
    private static final Pattern BLOB_OWNER = Pattern.compile("^(\\d+)-[0-9a-f]+$");

    private final Set<Path> shmEntriesAtStart = new HashSet<>();

    @Override
    public void launcherSessionOpened(final LauncherSession session)
    {
        shmEntriesAtStart.addAll(shmEntries());
    }

    @Override
    public void launcherSessionClosed(final LauncherSession session)
    {
        final List<SuiteResources.StartedProcess> processes = SuiteResources.processes();
        final List<Path> directories = SuiteResources.shmDirectories();
        final List<String> problems = check(processes, directories, shmEntriesAtStart, GRACE);
        System.err.println("multi-jvm suite hygiene: " + processes.size() + " process(es) started and " +
            directories.size() + " shared-memory director(y/ies) handed out by this run" +
            (problems.isEmpty() ? ", none left behind." : "; " + problems.size() + " problem(s)."));
        if (!problems.isEmpty())
        {
            throw new AssertionError("multi-jvm suite hygiene: the run left things behind (now cleaned up):\n  " +
                String.join("\n  ", problems));
        }
    }

    /**
     * The final check, on what it is given: awaits, until one deadline {@code grace} from now, that every process is
     * gone and every directory is gone, and that every new {@code /dev/shm/pekko-shm-*} entry naming one of our
     * processes is gone; kills and deletes what is left.
     *
     * @param processes        processes that must be gone.
     * @param directories      shared-memory directories that must be gone.
     * @param shmEntriesAtStart the {@code /dev/shm/pekko-shm-*} entries there before the run (not ours).
     * @param grace            how long all of that may take.
     * @return one line per thing left behind (which has now been killed or deleted); empty if none.
     */
    static List<String> check(final List<SuiteResources.StartedProcess> processes, final List<Path> directories,
        final Set<Path> shmEntriesAtStart, final Duration grace)
    {
        final long deadline = System.nanoTime() + grace.toNanos();
        final List<String> problems = new ArrayList<>();
        for (final SuiteResources.StartedProcess process : processes)
        {
            if (!Processes.awaitGone(process.handle(), remaining(deadline)))
            {
                process.handle().destroyForcibly();
                final boolean killed = Processes.awaitGone(process.handle(), ChildJvm.KILL_TIMEOUT);
                problems.add("process " + process.handle().pid() + " (" + process.description() + ") was still " +
                    "running at the end of the run; " + (killed ? "killed it" : "could not even kill it"));
            }
        }

        for (final Path directory : directories)
        {
            if (!ShmDirectories.awaitGone(directory, remaining(deadline)))
            {
                problems.add("shared-memory directory " + directory + " of a test was still there at the end of " +
                    "the run; deleted it. It held:\n" + ShmDirectories.describe(directory));
                deleteQuietly(directory, problems);
            }
        }

        final List<String> foreign = new ArrayList<>();
        for (final Path entry : shmEntries())
        {
            if (shmEntriesAtStart.contains(entry) || directories.contains(entry))
            {
                continue;
            }
            final Set<Long> pids = pidsNamedIn(entry);
            if (pids.stream().anyMatch(SuiteResources::isOurs))
            {
                if (!ShmDirectories.awaitGone(entry, remaining(deadline)))
                {
                    problems.add("/dev/shm entry " + entry + " names processes of this run " + pids + " and was " +
                        "still there at the end of the run; deleted it. It held:\n" + ShmDirectories.describe(entry));
                    deleteQuietly(entry, problems);
                }
            }
            else
            {
                foreign.add(entry + " (names pids " + pids + ")");
            }
        }

        if (!foreign.isEmpty())
        {
            System.err.println("multi-jvm suite hygiene: /dev/shm entries that appeared during the run but name no " +
                "process of it (another run on this host?), left alone:\n  " + String.join("\n  ", foreign));
        }
        return problems;
    }

    private static Duration remaining(final long deadline)
    {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static void deleteQuietly(final Path directory, final List<String> problems)
    {
        try
        {
            ShmDirectories.deleteRecursively(directory);
        }
        catch (final UncheckedIOException ex)
        {
            problems.add("could not delete " + directory + ": " + ex.getCause());
        }
    }

    /** @return the {@code /dev/shm/pekko-shm-*} entries now. */
    static Set<Path> shmEntries()
    {
        final Set<Path> entries = new LinkedHashSet<>();
        if (!Files.isDirectory(ShmDirectories.SHM_ROOT))
        {
            return entries;
        }
        try (DirectoryStream<Path> all = Files.newDirectoryStream(ShmDirectories.SHM_ROOT, SHM_PREFIX + "*"))
        {
            all.forEach(entry -> entries.add(entry.toAbsolutePath()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("Cannot list " + ShmDirectories.SHM_ROOT, ex);
        }
        return entries;
    }

    /**
     * @return the pids an entry of the plugin's layout names: owners of node files ({@code nodes/<port>.node},
     * {@code pid=} lines), of blob directories ({@code blobs/<pid>-<incarnation>}) and the driver of its CnC file.
     */
    static Set<Long> pidsNamedIn(final Path entry)
    {
        final Set<Long> pids = new LinkedHashSet<>();
        try (Stream<Path> nodes = Files.list(entry.resolve("nodes")))
        {
            nodes.forEach(file ->
            {
                try
                {
                    final Matcher pid = PID_LINE.matcher(Files.readString(file, StandardCharsets.UTF_8));
                    if (pid.find())
                    {
                        pids.add(Long.parseLong(pid.group(1)));
                    }
                }
                catch (final IOException | UncheckedIOException ex)
                {
                    // Removed or unreadable while we look: it names nobody we can tell.
                }
            });
        }
        catch (final IOException | UncheckedIOException ex)
        {
            // No node files.
        }
        try (Stream<Path> owners = Files.list(entry.resolve("blobs")))
        {
            owners.forEach(owner ->
            {
                final Matcher pid = BLOB_OWNER.matcher(owner.getFileName().toString());
                if (pid.matches())
                {
                    pids.add(Long.parseLong(pid.group(1)));
                }
            });
        }
        catch (final IOException | UncheckedIOException ex)
        {
            // No blob directories.
        }
        ShmDirectories.liveDriverPid(entry).ifPresent(pids::add);
        return pids;
    }
}
