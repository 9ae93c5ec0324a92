package io.pekkoshm.testkit;

import io.pekkoshm.testkit.hygiene.ShmDirectories;
import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.ChildJvmSpec;

import io.pekkoshm.testkit.process.NodeProtocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs the nodes of a test in child JVMs and tears them down after it:
 * <pre>{@code
 * @RegisterExtension
 * final MultiJvmExtension multiJvm = new MultiJvmExtension()
 *     .commonConfig("pekko.actor.provider = remote");
 *
 * @Test
 * void shouldAnswerAcrossJvms()
 * {
 *     final Node a = multiJvm.startNode(NodeSpec.guardian("a", EchoGuardian.class));
 *     final Node b = multiJvm.startNode(NodeSpec.guardian("b", EmptyGuardian.class));
 *     assertEquals("hello", b.run(AskEcho.class, a.address() + "/user/echo", "hello"));
 *     a.kill();                                                // kill -9
 *     final Node a2 = multiJvm.restart(a);                     // same name, same address
 * }
 * }</pre>
 * <p>
 * <b>Nodes.</b> {@link #startNode} starts a JVM with the test's class path and the plugin's JVM flags
 * ({@link io.pekkoshm.remote.driver.JavaCommand}), a port of its own written into every {@link #portKeys port key},
 * the {@link #commonConfig common} and the node's own configuration, and waits for its actor system to be up. Steps
 * ({@link Node#run}) run test code on a node and bring its answer back; {@link #enterBarrier} lets nodes wait for each
 * other; {@link Node#kill()}, {@link io.pekkoshm.testkit.process.ChildJvm#suspend()} ({@code SIGSTOP}),
 * {@link io.pekkoshm.testkit.process.ChildJvm#resume()} and {@link #restart} change their lives. Lower down,
 * {@link #start(ChildJvmSpec)} starts any main class as a bare child JVM.
 * <p>
 * <b>Logs.</b> Each JVM's output goes to
 * {@code <module>/target/multi-jvm-logs/<TestClass>/<testMethod>/<node>.log} (a restarted node's to
 * {@code <node>-2.log}, ...), kept after the test. When a test fails, the extension prints every node's log file and
 * last lines to stderr, attaches the paths to the test's failure and publishes them as a report entry.
 * <p>
 * <b>Hygiene.</b> After each test, passed or failed, every JVM still running is killed; then the test fails if
 * anything it left outlives it: a process one of its JVMs started (e.g. a media driver) still running, its
 * shared-memory directory ({@link #shmDirectory()}) or any other {@code /dev/shm} entry that appeared during the test
 * still there, each after the {@link #MultiJvmExtension(Duration) removal timeout}.
 * A child JVM exits by itself when the test JVM dies, even by {@code kill -9}.
 * <p>
 * <b>Transport.</b> The kit does not choose one: the nodes use whatever their configuration enables, so the same test
 * runs over this plugin or over Artery TCP.
 * <p>
 * <b>Threading:</b> configure it before the first test; during a test its methods may be called from any thread;
 * tests sharing one instance must not run concurrently.
 */
public final class MultiJvmExtension implements BeforeEachCallback, AfterEachCallback
{
    /** System property overriding the root of the log folders. */
    public static final String LOG_ROOT_PROPERTY = "multijvm.logs.dir";

    /** The default name of the nodes' actor systems. */
    public static final String DEFAULT_SYSTEM_NAME = "MultiJvm";
    /** The default timeout of a node's start and of each step. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** The configuration keys that get each node's port by default: Artery's, classic TCP's and this plugin's. */
    public static final List<String> DEFAULT_PORT_KEYS = List.of("pekko.remote.artery.canonical.port",
        "pekko.remote.classic.netty.tcp.port", "pekko.remote.shm.port");

    /**
     * The system property, and so the configuration path, with the test's {@link #shmDirectory()} in every node, e.g.
     * for {@code pekko.remote.shm.directory = ${multijvm.shm-directory}} in the common configuration.
     */
    public static final String SHM_DIRECTORY_PROPERTY = "multijvm.shm-directory";

    private final Duration shmRemovalTimeout;
    private final List<String> commonConfig = new ArrayList<>();
    private final List<String> commonJvmOptions = new ArrayList<>();
    private List<String> portKeys = DEFAULT_PORT_KEYS;
    private String systemName = DEFAULT_SYSTEM_NAME;
    private Duration timeout = DEFAULT_TIMEOUT;
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

    /**
     * Adds HOCON configuration for every node of every test, under each node's own.
     *
     * @param hocon a HOCON snippet, e.g. {@code "pekko.actor.provider = remote"}; a later snippet wins over an earlier
     *              one, and a node's {@link NodeSpec#config own configuration} wins over all of them.
     * @return this extension, for chaining.
     */
    public MultiJvmExtension commonConfig(final String hocon)
    {
        commonConfig.add(Objects.requireNonNull(hocon, "hocon"));
        return this;
    }

    /**
     * Adds JVM options for every node of every test, before each node's own.
     *
     * @param options JVM options, e.g. {@code -Xmx256m} or {@code -Dkey=value}; the {@code -D} options setting the
     *                port keys and the node's {@link NodeSpec#jvmOptions own options} come later and win over them.
     * @return this extension, for chaining.
     */
    public MultiJvmExtension commonJvmOptions(final String... options)
    {
        commonJvmOptions.addAll(Arrays.asList(options));
        return this;
    }

    /**
     * Replaces the configuration keys that get each node's port ({@link #DEFAULT_PORT_KEYS}).
     *
     * @param keys HOCON paths, e.g. {@code pekko.remote.artery.canonical.port}; each is set to the node's port both in
     *             its configuration file and as a {@code -D} system property.
     * @return this extension, for chaining.
     */
    public MultiJvmExtension portKeys(final String... keys)
    {
        portKeys = List.of(keys);
        return this;
    }

    /**
     * Names the nodes' actor systems (all the same: Pekko Cluster needs it).
     *
     * @param name the actor system name of every guardian and classic node ({@link #DEFAULT_SYSTEM_NAME} unless set),
     *             and so the system part of their addresses; a main-class node names its own system.
     * @return this extension, for chaining.
     */
    public MultiJvmExtension systemName(final String name)
    {
        systemName = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Sets how long a node may take to start, a step to finish and a barrier to fill ({@link #DEFAULT_TIMEOUT}).
     *
     * @param stepTimeout the longest of each of those waits; {@link Node#run(Duration, Class, String...)} takes its
     *                    own for one step.
     * @return this extension, for chaining.
     */
    public MultiJvmExtension timeout(final Duration stepTimeout)
    {
        timeout = Objects.requireNonNull(stepTimeout, "stepTimeout");
        return this;
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
     * Starts a node and, for a guardian node, waits until its actor system is up.
     *
     * @param spec the node: what it runs, its configuration and, if {@link NodeSpec#port(int) fixed}, its port.
     * @return the running node; for a guardian or classic node, {@link Node#address()} is known.
     * @throws AssertionError           naming the node if it exits or does not get ready within the timeout.
     * @throws IllegalArgumentException if this test already started a node of that name (see {@link #restart}).
     * @throws IllegalStateException    if called outside a test.
     */
    public Node startNode(final NodeSpec spec)
    {
        return startNodes(spec).get(0);
    }

    /**
     * Starts several nodes at once (their JVMs start side by side), then waits for each guardian node to be up.
     *
     * @param specs the nodes, with distinct names.
     * @return the nodes, in the order given.
     * @throws AssertionError           naming the first node that exits or does not get ready within the timeout.
     * @throws IllegalArgumentException if two nodes, or one and a node this test started before, share a name.
     * @throws IllegalStateException    if called outside a test.
     */
    public List<Node> startNodes(final NodeSpec... specs)
    {
        final List<Node> nodes = new ArrayList<>();
        for (final NodeSpec spec : specs)
        {
            nodes.add(launch(spec, 0 == spec.port() ? FreePorts.next() : spec.port(), 1));
        }
        nodes.forEach(this::awaitReadyIfGuardian);
        return nodes;
    }

    /**
     * Starts a node again on the same port, so under the same address, after killing its JVM with {@code SIGKILL}
     * if it still runs (stop it gracefully first if that matters). Its log goes to {@code <node>-<incarnation>.log}.
     *
     * @param node a node of the current test, alive or not; its spec and port are used again.
     * @return the node's new incarnation, up (for a guardian or classic node) as after {@link #startNode}.
     * @throws AssertionError naming the node if the new JVM exits or does not get ready within the timeout.
     */
    public Node restart(final Node node)
    {
        if (node.isAlive())
        {
            node.kill();
        }
        final Node restarted = launch(node.spec(), node.port(), node.incarnation() + 1);
        awaitReadyIfGuardian(restarted);
        return restarted;
    }

    /**
     * Waits until every one of {@code nodes} has entered the barrier ({@link NodeContext#enterBarrier} in a step),
     * then lets them all through.
     *
     * @param name  the barrier, {@code [A-Za-z0-9_.-]+}.
     * @param nodes its participants.
     * @throws AssertionError naming the nodes that did not enter within the timeout, or the one that exited.
     */
    public void enterBarrier(final String name, final Node... nodes)
    {
        NodeProtocol.checkName(name);
        final long deadline = System.nanoTime() + timeout.toNanos();
        for (final Node node : nodes)
        {
            try
            {
                node.barrierEntered(name).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final TimeoutException ex)
            {
                final List<String> missing = new ArrayList<>();
                for (final Node other : nodes)
                {
                    if (!other.barrierEntered(name).isDone())
                    {
                        missing.add(other.name());
                    }
                }
                throw node.failure("Barrier '" + name + "' waited " + timeout + " for " + missing + "; among them",
                    "it did not enter.");
            }
            catch (final ExecutionException ex)
            {
                throw node.failure("Barrier '" + name + "' waited for", "its JVM exited first.");
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted in barrier '" + name + "'", ex);
            }
        }
        for (final Node node : nodes)
        {
            node.passBarrier(name);
        }
    }

    private Node launch(final NodeSpec spec, final int port, final int incarnation)
    {
        final ChildJvmGroup current = group();
        for (final ChildJvm child : current.children())
        {
            if (child.nodeName().equals(spec.name()) && (child.isAlive() || 1 == incarnation))
            {
                // Checked before the configuration file is written: it must not overwrite the running node's.
                throw new IllegalArgumentException("this test already has a node named '" + spec.name() + "': " +
                    child.describe() + (child.isAlive() ? "" : "; restart(node) starts it again"));
            }
        }
        final Path configFile = current.logDirectory().resolve(logName(spec, incarnation, ".conf"));
        writeConfig(spec, port, configFile);
        final ChildJvmSpec jvm = ChildJvmSpec.of(spec.name(), spec.mainClassName())
            .jvmArgs(commonJvmOptions.toArray(String[]::new))
            .systemProperty(NodeProtocol.CONFIG_FILE_PROPERTY, configFile.toAbsolutePath().toString())
            .systemProperty(NodeProtocol.ROLE_PROPERTY, spec.role())
            .systemProperty(NodeProtocol.SYSTEM_NAME_PROPERTY, systemName)
            .systemProperty(SHM_DIRECTORY_PROPERTY, current.shmDirectory().toString());
        for (final String key : portKeys)
        {
            jvm.systemProperty(key, Integer.toString(port));
        }
        jvm.jvmArgs(spec.jvmOptions().toArray(String[]::new)).programArgs(spec.programArgs().toArray(String[]::new));
        return new Node(spec, port, incarnation, timeout,
            listener -> current.start(jvm, logName(spec, incarnation, ".log"), listener));
    }

    private void awaitReadyIfGuardian(final Node node)
    {
        if (null != node.spec().guardianClassName())
        {
            node.awaitReady(timeout);
        }
    }

    private void writeConfig(final NodeSpec spec, final int port, final Path configFile)
    {
        final StringBuilder config = new StringBuilder("# multi-jvm kit: the configuration of node '")
            .append(spec.name()).append("'\n");
        commonConfig.forEach(hocon -> config.append(hocon).append('\n'));
        spec.config().forEach(hocon -> config.append(hocon).append('\n'));
        if (!spec.role().isEmpty())
        {
            config.append("pekko.cluster.roles = [\"").append(spec.role()).append("\"]\n");
        }
        portKeys.forEach(key -> config.append(key).append(" = ").append(port).append('\n'));
        try
        {
            Files.createDirectories(configFile.getParent());
            Files.writeString(configFile, config, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("Cannot write the configuration of node '" + spec.name() + "' to " +
                configFile, ex);
        }
    }

    private static String logName(final NodeSpec spec, final int incarnation, final String suffix)
    {
        return spec.name() + (incarnation > 1 ? "-" + incarnation : "") + suffix;
    }

    /**
     * Starts a child JVM owned by the current test: killed after the test if it still runs, its log kept in
     * {@link #logDirectory()}. It is not a {@link Node}: it serves no steps, and the test talks to it through its
     * output and {@link ChildJvm#send stdin}.
     *
     * @param spec what to run; its node name names the log file, {@code <nodeName>.log}.
     * @return the running child JVM.
     * @throws IllegalArgumentException if the test already has a child of that name.
     * @throws IllegalStateException    if called outside a test.
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

    /**
     * Registers a process (not a child of this JVM) to be killed after the test; see
     * {@link ChildJvmGroup#killAtEnd(long)}.
     *
     * @param pid the process id, e.g. of a media driver the test found; ignored if no such process runs now.
     * @throws IllegalStateException if called outside a test.
     */
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
