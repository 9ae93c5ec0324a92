package io.pekkoshm.testkit.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the multi-JVM suite has started or handed out in this JVM, for the final check of
 * {@link io.pekkoshm.testkit.hygiene.SuiteHygiene}: every process (child JVMs, the processes they started such as
 * standalone media drivers, and processes a test registered with {@code ChildJvmGroup.killAtEnd}) and every
 * shared-memory directory handed to a test.
 * <p>
 * Recording is cheap and never fails; entries are never removed (the final check decides what is still there).
 * <b>Threading:</b> thread-safe (one lock).
 */
public final class SuiteResources
{
    /**
     * A process the suite started or was told about, with who it is for the report.
     *
     * @param handle      the process; a handle also knows its start instant, so a reused pid is not mistaken for it.
     * @param description who the process is, e.g. {@code node 'a', log <file>}, for the final check's report.
     */
    public record StartedProcess(ProcessHandle handle, String description)
    {
    }

    private static final Object LOCK = new Object();
    /** By pid and start instant, so a reused pid is a new entry and a process recorded twice is one. */
    private static final Map<String, StartedProcess> PROCESSES = new LinkedHashMap<>();
    private static final Set<Path> SHM_DIRECTORIES = new LinkedHashSet<>();

    private SuiteResources()
    {
    }

    /**
     * Records a process the suite is responsible for; it must be gone when the suite ends. Recording the same process
     * again keeps the first description.
     *
     * @param handle      the process.
     * @param description who the process is, for the final check's report.
     */
    public static void recordProcess(final ProcessHandle handle, final String description)
    {
        final String key = handle.pid() + "@" + handle.info().startInstant().map(Object::toString).orElse("?");
        synchronized (LOCK)
        {
            PROCESSES.putIfAbsent(key, new StartedProcess(handle, description));
        }
    }

    /**
     * Records every process running below {@code parent} (e.g. a standalone media driver a node started), described
     * as started by {@code parentDescription}. Call before the parent is killed: afterwards they are re-parented and
     * can no longer be found this way.
     *
     * @param parent            the process whose descendants (children, their children, ...) are recorded.
     * @param parentDescription who the parent is, e.g. {@code node 'a' (pid 42)}, for the report.
     */
    public static void recordDescendants(final ProcessHandle parent, final String parentDescription)
    {
        parent.descendants().forEach(descendant -> recordProcess(descendant,
            "started by " + parentDescription + ": " + abbreviate(descendant.info().commandLine().orElse("?"))));
    }

    /**
     * Records a shared-memory directory handed to a test; it must not exist when the suite ends.
     *
     * @param directory the directory, recorded as an absolute path; it need not exist yet.
     */
    public static void recordShmDirectory(final Path directory)
    {
        synchronized (LOCK)
        {
            SHM_DIRECTORIES.add(directory.toAbsolutePath());
        }
    }

    /** @return every process recorded so far, in recording order. */
    public static List<StartedProcess> processes()
    {
        synchronized (LOCK)
        {
            return new ArrayList<>(PROCESSES.values());
        }
    }

    /** @return every shared-memory directory handed out so far, in order. */
    public static List<Path> shmDirectories()
    {
        synchronized (LOCK)
        {
            return new ArrayList<>(SHM_DIRECTORIES);
        }
    }

    /**
     * Tells whether a process belongs to this run, e.g. one named in a {@code /dev/shm} entry.
     *
     * @param pid a process id.
     * @return whether {@code pid} is a process the suite recorded, or this JVM.
     */
    public static boolean isOurs(final long pid)
    {
        if (ProcessHandle.current().pid() == pid)
        {
            return true;
        }
        synchronized (LOCK)
        {
            return PROCESSES.values().stream().anyMatch(p -> p.handle().pid() == pid);
        }
    }

    /**
     * Shortens text for a report line, e.g. a process's command line with its whole class path.
     *
     * @param text any text.
     * @return {@code text} if it has at most 200 characters, else its first 200 followed by {@code ...}.
     */
    public static String abbreviate(final String text)
    {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
