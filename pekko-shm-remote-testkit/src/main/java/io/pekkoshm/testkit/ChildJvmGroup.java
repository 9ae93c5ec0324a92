package io.pekkoshm.testkit;

import io.pekkoshm.testkit.hygiene.ShmDirectories;
import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.ChildJvmSpec;
import io.pekkoshm.testkit.process.Processes;
import io.pekkoshm.testkit.process.SuiteResources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.Optional;

/**
 * The child JVMs, shared-memory directory and extra processes of one test, torn down together by {@link #close()}.
 * <p>
 * <b>Ownership:</b> owns every {@link ChildJvm} it {@link #start started} and every process registered with
 * {@link #killAtEnd}. It does not create the shared-memory directory (the children's media driver does), but it
 * makes sure none is left behind.
 * <b>Threading:</b> {@link #start} and {@link #killAtEnd} may be called from any thread; {@link #close()} is called
 * once, by the owner, after the test's own threads are done.
 */
public final class ChildJvmGroup implements AutoCloseable
{
    /** The default time the media driver gets to remove the shared-memory directory once the children are gone. */
    public static final Duration DEFAULT_SHM_REMOVAL_TIMEOUT = Duration.ofSeconds(30);
    /** The least time a registered extra process gets to exit by itself once the directory is gone. */
    public static final Duration EXTRA_PROCESS_EXIT_GRACE = Duration.ofSeconds(5);

    private final Path logDirectory;
    private final Path shmDirectory;
    private final Duration shmRemovalTimeout;
    private final List<ChildJvm> children = new ArrayList<>();
    private final List<ProcessHandle> extraProcesses = new ArrayList<>();
    private final Set<Path> shmEntriesAtStart;
    private boolean closed;

    /**
     * @param logDirectory      where the children's {@code <nodeName>.log} files go; created on the first start.
     * @param shmDirectory      the shared-memory directory the test hands to its children; not created here.
     * @param shmRemovalTimeout how long {@link #close()} waits for {@code shmDirectory} to disappear.
     */
    public ChildJvmGroup(final Path logDirectory, final Path shmDirectory, final Duration shmRemovalTimeout)
    {
        this.logDirectory = logDirectory;
        this.shmDirectory = shmDirectory;
        this.shmRemovalTimeout = shmRemovalTimeout;
        this.shmEntriesAtStart = ShmDirectories.entries();
        SuiteResources.recordShmDirectory(shmDirectory);
    }

    /**
     * Starts a child JVM logging to {@code <logDirectory>/<nodeName>.log}.
     *
     * @param spec what to run; its node name must be new to this group, running or not.
     * @return the running child, owned by this group until {@link #close()}.
     * @throws IllegalArgumentException if this group already has a node of that name.
     * @throws IllegalStateException    if the group is closed.
     */
    public synchronized ChildJvm start(final ChildJvmSpec spec)
    {
        for (final ChildJvm child : children)
        {
            if (child.nodeName().equals(spec.nodeName()))
            {
                throw new IllegalArgumentException("this test already has a node named '" + spec.nodeName() + "'");
            }
        }
        return start(spec, spec.nodeName() + ".log", line -> { });
    }

    /**
     * Starts a child JVM logging to {@code <logDirectory>/<logName>}, e.g. a node's next incarnation after a restart.
     *
     * @param spec         what to run; no running child of this group may have its node name.
     * @param logName      the log file's name in the log directory, e.g. {@code a-2.log}; not used before in this
     *                     group.
     * @param lineListener sees every line of its output on the pump thread; see {@link ChildJvm#start(ChildJvmSpec,
     *                     Path, Consumer)}.
     * @return the running child, owned by this group until {@link #close()}.
     * @throws IllegalArgumentException if a child of that name is still running, or the log name is taken.
     * @throws IllegalStateException    if the group is closed.
     */
    public synchronized ChildJvm start(final ChildJvmSpec spec, final String logName,
        final Consumer<String> lineListener)
    {
        if (closed)
        {
            throw new IllegalStateException("group is closed; cannot start node '" + spec.nodeName() + "'");
        }
        final Path logFile = logDirectory.resolve(logName);
        for (final ChildJvm child : children)
        {
            if (child.nodeName().equals(spec.nodeName()) && child.isAlive())
            {
                throw new IllegalArgumentException("node '" + spec.nodeName() + "' is still running: " +
                    child.describe());
            }
            if (child.logFile().equals(logFile))
            {
                throw new IllegalArgumentException("log file " + logName + " is taken by " + child.describe());
            }
        }
        final ChildJvm child = ChildJvm.start(spec, logFile, lineListener);
        children.add(child);
        return child;
    }

    /**
     * Registers a process that is not a child of this JVM, e.g. a media driver the test found, to be killed with
     * {@code SIGKILL} by {@link #close()} if it does not exit by itself within the shm removal timeout (and at least
     * {@link #EXTRA_PROCESS_EXIT_GRACE}). Does nothing if there is no such process.
     *
     * @param pid the process id; looked up now, so a process that exits and whose pid is reused later is not killed.
     */
    public void killAtEnd(final long pid)
    {
        ProcessHandle.of(pid).ifPresent(this::killAtEnd);
    }

    /**
     * As {@link #killAtEnd(long)}; the handle guards against the pid being reused after the process exits.
     *
     * @param process the process, also recorded with {@link SuiteResources} for the suite's final check.
     */
    public synchronized void killAtEnd(final ProcessHandle process)
    {
        SuiteResources.recordProcess(process, "registered with killAtEnd: " +
            SuiteResources.abbreviate(process.info().commandLine().orElse("?")));
        extraProcesses.add(process);
    }

    /** @return the folder of the children's log files and {@code media-driver.log}; created by the first start. */
    public Path logDirectory()
    {
        return logDirectory;
    }

    /** @return the test's shared-memory directory, {@code /dev/shm/pekko-shm-test-<random>} unless told otherwise. */
    public Path shmDirectory()
    {
        return shmDirectory;
    }

    /** @return the children started so far, in start order. */
    public synchronized List<ChildJvm> children()
    {
        return List.copyOf(children);
    }

    /** @return each child's state and log file, one per line. */
    public synchronized String describeLogFiles()
    {
        final StringBuilder description = new StringBuilder();
        for (final ChildJvm child : children)
        {
            description.append("  ").append(child.describe()).append(": ").append(child.logFile().toAbsolutePath())
                .append('\n');
        }
        return description.toString();
    }

    /**
     * Describes the children for a failure report.
     *
     * @param tailLines how many of the last lines of each child's output to include.
     * @return each child's state, log file and last {@code tailLines} lines of output.
     */
    public synchronized String describeLogs(final int tailLines)
    {
        final StringBuilder description = new StringBuilder();
        for (final ChildJvm child : children)
        {
            description.append("=== ").append(child.describe()).append(", log ")
                .append(child.logFile().toAbsolutePath()).append('\n').append(child.outputTail(tailLines));
        }
        return description.toString();
    }

    /**
     * Tears the test down, always completing every step:
     * <ol>
     * <li>kills every child still running ({@code SIGKILL}; stop them gracefully in the test if that matters);</li>
     * <li>waits up to the shm removal timeout for the shared-memory directory to disappear (the media driver removes
     * it when it exits after its idle timeout), or, when the test nested plugin directories in it (one per simulated
     * host, each with its own driver; those holding an {@code aeron} directory when this starts), to be empty;</li>
     * <li>waits for every registered extra process to exit by itself within the same deadline (and at least
     * {@link #EXTRA_PROCESS_EXIT_GRACE}), and kills those still running;</li>
     * <li>moves the standalone media driver's log from the temporary directory to {@code media-driver.log} next to
     * the children's logs, and a nested directory's driver log to {@code media-driver-<name>.log};</li>
     * <li>deletes the directory: quietly if it is empty, as a failure if it still held anything at the deadline.</li>
     * </ol>
     * Idempotent.
     *
     * @throws AssertionError after all steps, if a child could not be killed or the directory had to be deleted
     *                        (the message lists what it contained).
     */
    @Override
    public void close()
    {
        final List<ChildJvm> toKill;
        final List<ProcessHandle> extras;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            toKill = List.copyOf(children);
            extras = List.copyOf(extraProcesses);
        }

        // The media drivers of the test's directory and of the plugin directories nested in it (one per simulated
        // host, say): known to the suite's final check even if no test registered them. Listed while they run.
        final List<Path> nested = ShmDirectories.nestedPluginDirectories(shmDirectory);
        final List<Path> pluginDirectories = new ArrayList<>(nested);
        pluginDirectories.add(0, shmDirectory);
        for (final Path directory : pluginDirectories)
        {
            ShmDirectories.liveDriverPid(directory).ifPresent(driverPid -> ProcessHandle.of(driverPid)
                .ifPresent(driver -> SuiteResources.recordProcess(driver, "the media driver of " + directory)));
        }
        final List<String> problems = new ArrayList<>();
        for (final ChildJvm child : toKill)
        {
            try
            {
                child.close();
            }
            catch (final RuntimeException | AssertionError ex)
            {
                problems.add("Could not kill " + child.describe() + ": " + ex.getMessage());
            }
        }

        final long deadline = System.nanoTime() + shmRemovalTimeout.toNanos();
        // Nested plugin directories are removed by their drivers; the test's directory holding them is then empty
        // (its own driver, when the test's directory is the plugin directory, removes the directory itself).
        final boolean shmGone = nested.isEmpty() ? ShmDirectories.awaitGone(shmDirectory, shmRemovalTimeout) :
            ShmDirectories.awaitGoneOrEmpty(shmDirectory, shmRemovalTimeout);
        final String leftover = shmGone ? "" : ShmDirectories.describe(shmDirectory);

        for (final ProcessHandle process : extras)
        {
            final Duration exitTimeout = Duration.ofNanos(
                Math.max(deadline - System.nanoTime(), EXTRA_PROCESS_EXIT_GRACE.toNanos()));
            if (!Processes.awaitGone(process, exitTimeout))
            {
                killExtraProcess(process).ifPresent(problems::add);
            }
        }

        for (final ChildJvm child : toKill)
        {
            for (final ProcessHandle descendant : child.descendants())
            {
                if (!Processes.awaitGone(descendant, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))))
                {
                    problems.add("Process " + descendant.pid() + " started by " + child.describe() +
                        " outlived the test: " + SuiteResources.abbreviate(
                        descendant.info().commandLine().orElse("?")));
                    killExtraProcess(descendant).ifPresent(problems::add);
                }
            }
        }

        keepDriverLog(shmDirectory, "media-driver.log").ifPresent(problems::add);
        for (final Path directory : nested)
        {
            keepDriverLog(directory, "media-driver-" + directory.getFileName() + ".log").ifPresent(problems::add);
        }
        leftShmEntries(deadline).ifPresent(problems::add);

        if (shmGone && Files.isDirectory(shmDirectory))
        {
            try
            {
                // empty: the nested plugin directories' drivers removed theirs
                Files.deleteIfExists(shmDirectory);
            }
            catch (final IOException ex)
            {
                problems.add("Could not delete the empty " + shmDirectory + ": " + ex);
            }
        }
        if (!shmGone)
        {
            try
            {
                ShmDirectories.deleteRecursively(shmDirectory);
            }
            catch (final RuntimeException ex)
            {
                problems.add("Could not delete " + shmDirectory + ": " + ex);
            }
            problems.add("Shared-memory directory " + shmDirectory + " still existed " + shmRemovalTimeout +
                " after the children were gone (the harness has now deleted it). It contained:\n" + leftover);
        }

        if (!problems.isEmpty())
        {
            throw new AssertionError("Multi-JVM test teardown found problems:\n" + String.join("\n", problems) +
                "\nChild logs:\n" + describeLogFiles());
        }
    }

    /**
     * A standalone media driver of a plugin directory logs to {@code $TMPDIR/<directory name>-driver.log}: moved
     * next to the children's logs, so runs leave nothing in the temporary directory.
     *
     * @param directory the test's directory or a plugin directory nested in it.
     * @param keptAs    the log's name in the log directory, e.g. {@code media-driver.log}.
     * @return a problem if it is there but cannot be moved.
     */
    private Optional<String> keepDriverLog(final Path directory, final String keptAs)
    {
        final Path driverLog = Path.of(System.getProperty("java.io.tmpdir"), directory.getFileName() +
            "-driver.log");
        if (!Files.exists(driverLog))
        {
            return Optional.empty();
        }
        try
        {
            Files.createDirectories(logDirectory);
            Files.move(driverLog, logDirectory.resolve(keptAs), StandardCopyOption.REPLACE_EXISTING);
            return Optional.empty();
        }
        catch (final IOException ex)
        {
            return Optional.of("Could not move the media driver's log " + driverLog + " to " + logDirectory + ": " +
                ex);
        }
    }

    /**
     * Every {@code /dev/shm} entry that appeared during the test (other than its own directory, handled apart) must be
     * gone by the deadline: a node file, a blob block or a media driver's directory the test's processes left.
     *
     * @return a problem listing those still there; they are not deleted (another process may own them).
     */
    private Optional<String> leftShmEntries(final long deadline)
    {
        final Set<Path> appeared = new LinkedHashSet<>(ShmDirectories.entries());
        appeared.removeAll(shmEntriesAtStart);
        appeared.remove(shmDirectory.toAbsolutePath());
        final List<String> left = new ArrayList<>();
        for (final Path entry : appeared)
        {
            if (!ShmDirectories.awaitGone(entry, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))))
            {
                left.add("  " + entry + ":\n" + ShmDirectories.describe(entry));
            }
        }
        if (left.isEmpty())
        {
            return Optional.empty();
        }
        return Optional.of("Entries of " + ShmDirectories.SHM_ROOT + " that appeared during the test were still " +
            "there " + shmRemovalTimeout + " after its processes were gone (a process of the test, or another " +
            "process of this host, created them):\n" + String.join("\n", left));
    }

    private static Optional<String> killExtraProcess(final ProcessHandle process)
    {
        final String commandLine = process.info().commandLine().orElse("");
        System.err.println("multi-jvm harness: killing leftover process " + process.pid() + ": " +
            (commandLine.length() > 300 ? commandLine.substring(0, 300) + "..." : commandLine));
        process.destroyForcibly();
        if (!Processes.awaitGone(process, ChildJvm.KILL_TIMEOUT))
        {
            return Optional.of("Process " + process.pid() + " registered with killAtEnd was still running " +
                ChildJvm.KILL_TIMEOUT + " after SIGKILL");
        }
        return Optional.empty();
    }
}
