package io.pekkoshm.multijvm.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that owns the child JVMs of each test: register it with
 * <pre>{@code
 * @RegisterExtension
 * final MultiJvmExtension multiJvm = new MultiJvmExtension();
 *
 * @Test
 * void shouldDoSomething()
 * {
 *     final ChildJvm a = multiJvm.start(ChildJvmSpec.of("a", NodeMain.class)
 *         .systemProperty("pekko.remote.shm.dir", multiJvm.shmDirectory().toString()));
 *     a.awaitLine("ready", Duration.ofSeconds(30));
 * }
 * }</pre>
 * <p>
 * Before each test it sets up a fresh {@link ChildJvmGroup}: logs go to
 * {@code <module>/target/multi-jvm-logs/<TestClass>/<testMethod>/<nodeName>.log} (kept; a later run of the same test
 * overwrites them), and the test gets a unique {@link #shmDirectory()} that does not exist yet. After each test,
 * whether it passed, failed or timed out, it {@link ChildJvmGroup#close() closes} the group: every child still
 * running is killed, the shared-memory directory must disappear within the timeout (else the test fails and the
 * directory is deleted), and registered extra processes are killed. When the test or the teardown failed, it prints
 * every child's log file and output tail to stderr, and adds the log file paths to the test's exception.
 * <p>
 * <b>Threading:</b> the accessors may be called from any thread during a test; tests sharing one instance must not
 * run concurrently.
 */
public final class MultiJvmExtension implements BeforeEachCallback, AfterEachCallback
{
    /** System property overriding the root of the log folders. */
    public static final String LOG_ROOT_PROPERTY = "multijvm.logs.dir";

    private final Duration shmRemovalTimeout;
    private volatile ChildJvmGroup group;

    /** With {@link ChildJvmGroup#DEFAULT_SHM_REMOVAL_TIMEOUT}. */
    public MultiJvmExtension()
    {
        this(ChildJvmGroup.DEFAULT_SHM_REMOVAL_TIMEOUT);
    }

    /**
     * @param shmRemovalTimeout how long after the test's children are gone the media driver gets to remove the
     *                          shared-memory directory; make it longer than the driver's idle timeout.
     */
    public MultiJvmExtension(final Duration shmRemovalTimeout)
    {
        this.shmRemovalTimeout = shmRemovalTimeout;
    }

    @Override
    public void beforeEach(final ExtensionContext context)
    {
        group = new ChildJvmGroup(logDirectory(context), ShmDirectories.newUniqueDirectory(), shmRemovalTimeout);
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        final ChildJvmGroup finished = group;
        group = null;
        if (null == finished)
        {
            return;
        }

        AssertionError teardownFailure = null;
        try
        {
            finished.close();
        }
        catch (final AssertionError ex)
        {
            teardownFailure = ex;
        }

        final Optional<Throwable> testFailure = context.getExecutionException();
        if (!finished.children().isEmpty())
        {
            context.publishReportEntry("multi-jvm-logs", finished.logDirectory().toAbsolutePath().toString());
            if (testFailure.isPresent() || null != teardownFailure)
            {
                System.err.println("multi-jvm harness: " + context.getDisplayName() + " failed; child logs:\n" +
                    finished.describeLogs(ChildJvm.TAIL_LINES));
                // Suppressed exceptions are printed with the test's failure, where a reader of the build output looks.
                testFailure.ifPresent(failure -> failure.addSuppressed(new ChildLogFiles(finished.describeLogFiles())));
            }
        }
        if (null != teardownFailure)
        {
            throw teardownFailure;
        }
    }

    /**
     * Starts a child JVM owned by the current test.
     *
     * @throws IllegalStateException if called outside a test.
     */
    public ChildJvm start(final ChildJvmSpec spec)
    {
        return group().start(spec);
    }

    /** @return the current test's shared-memory directory, {@code /dev/shm/pekko-shm-test-<random>}, not created. */
    public Path shmDirectory()
    {
        return group().shmDirectory();
    }

    /** @return the folder holding the current test's child logs. */
    public Path logDirectory()
    {
        return group().logDirectory();
    }

    /** Registers a process (not a child of this JVM) to be killed after the test; see {@link ChildJvmGroup}. */
    public void killAtEnd(final long pid)
    {
        group().killAtEnd(pid);
    }

    /** @return the current test's group. */
    public ChildJvmGroup group()
    {
        final ChildJvmGroup current = group;
        if (null == current)
        {
            throw new IllegalStateException("MultiJvmExtension is only usable during a test (after beforeEach)");
        }
        return current;
    }

    private static Path logDirectory(final ExtensionContext context)
    {
        final Path moduleDirectory = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        final Path root = Path.of(System.getProperty(LOG_ROOT_PROPERTY,
            moduleDirectory.resolve("target").resolve("multi-jvm-logs").toString()));
        final Class<?> testClass = context.getRequiredTestClass();
        final String packageName = testClass.getPackageName();
        final String className = packageName.isEmpty() ? testClass.getName() :
            testClass.getName().substring(packageName.length() + 1);
        return root.resolve(className).resolve(context.getRequiredTestMethod().getName() + invocationSuffix(context));
    }

    /** Repeated and parameterized tests get one folder per invocation: {@code -<n>}. */
    private static String invocationSuffix(final ExtensionContext context)
    {
        final String uniqueId = context.getUniqueId();
        final String marker = "-invocation:#";
        final int at = uniqueId.lastIndexOf(marker);
        if (at < 0)
        {
            return "";
        }
        final int end = uniqueId.indexOf(']', at);
        return "-" + uniqueId.substring(at + marker.length(), end < 0 ? uniqueId.length() : end);
    }

    /** Carries the log file paths of a failed test's children into its failure report. */
    private static final class ChildLogFiles extends RuntimeException
    {
        ChildLogFiles(final String logFiles)
        {
            super("Child JVM logs:\n" + logFiles, null, false, false);
        }
    }
}
