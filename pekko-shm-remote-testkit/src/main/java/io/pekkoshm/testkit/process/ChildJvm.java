package io.pekkoshm.testkit.process;

import io.pekkoshm.remote.driver.JavaCommand;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One child JVM started from the test classpath: its process, its log file and its stdin.
 * <p>
 * The child runs {@link ChildLauncher}, which starts {@link ChildControl} before the real main class, so every child
 * exits when its stdin closes: no child outlives this JVM, even if this JVM is killed with {@code kill -9}. Its stdout
 * and stderr are merged into one stream, written to {@link #logFile()} (kept after the test) and kept in memory for
 * {@link #awaitLine} (see {@link ChildOutput}).
 * <p>
 * Every method that waits takes a deadline, and failures are {@link AssertionError}s whose message names the node,
 * its pid and state, the log file and the last {@value #TAIL_LINES} lines of its output.
 * <p>
 * <b>Ownership:</b> whoever calls {@link #start} owns the process and must {@link #close()} it (a
 * {@link io.pekkoshm.testkit.ChildJvmGroup} or {@link io.pekkoshm.testkit.MultiJvmExtension} does that for the
 * children it starts).
 * <b>Threading:</b> thread-safe; awaits from several threads share one cursor over the output.
 */
public final class ChildJvm implements AutoCloseable
{
    /** How many lines of output failure messages show. */
    public static final int TAIL_LINES = 40;
    /** How long {@link #kill()} waits for the process to be gone after {@code SIGKILL}. */
    public static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    /** The system property naming the node in each child's command line. */
    public static final String NODE_PROPERTY = "multijvm.node";
    /** System properties of the test JVM starting with this are passed on to every child. */
    public static final String INHERITED_PROPERTY_PREFIX = "multijvm.";

    private final String nodeName;
    private final Process process;
    private final Path logFile;
    private final ChildOutput output;
    private final Writer stdin;
    private boolean stdinClosed;
    private volatile boolean suspended;
    private final Set<ProcessHandle> descendants = ConcurrentHashMap.newKeySet();

    private ChildJvm(final String nodeName, final Process process, final Path logFile, final ChildOutput output)
    {
        this.nodeName = nodeName;
        this.process = process;
        this.logFile = logFile;
        this.output = output;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts a child JVM and begins pumping its output into {@code logFile}, which is created (with its parent
     * directories) or truncated, and starts with a few {@code #} lines giving the command line.
     *
     * @param spec    what to run; read once, here.
     * @param logFile where the child's merged stdout and stderr go; kept after the child exits.
     * @return the running child, owned by the caller, who must {@link #close()} it.
     * @throws UncheckedIOException if the log file cannot be created or the process cannot be started.
     */
    public static ChildJvm start(final ChildJvmSpec spec, final Path logFile)
    {
        return start(spec, logFile, line -> { });
    }

    /**
     * As {@link #start(ChildJvmSpec, Path)}, with a listener that sees every line of output as it arrives, on the
     * output's pump thread (it must not block), e.g. to route protocol lines to whoever waits for them.
     *
     * @param spec         what to run; read once, here.
     * @param logFile      where the child's merged stdout and stderr go; kept after the child exits.
     * @param lineListener sees each line after it is written to the log file; a runtime exception it throws is
     *                     written to the log file and otherwise ignored.
     * @return the running child, owned by the caller, who must {@link #close()} it.
     * @throws UncheckedIOException if the log file cannot be created or the process cannot be started.
     */
    public static ChildJvm start(final ChildJvmSpec spec, final Path logFile, final Consumer<String> lineListener)
    {
        final List<String> command = command(spec);
        final Writer log;
        try
        {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("Cannot create log file " + logFile + " for node '" + spec.nodeName() + "'",
                ex);
        }

        final Process process;
        try
        {
            log.write("# multi-jvm harness: node '" + spec.nodeName() + "' started " + Instant.now() + "\n");
            log.write("# command: " + String.join(" ", command) + "\n");
            log.flush();
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(spec.environment());
            process = builder.start();
        }
        catch (final IOException ex)
        {
            closeQuietly(log);
            throw new UncheckedIOException("Cannot start node '" + spec.nodeName() + "': " + command, ex);
        }

        SuiteResources.recordProcess(process.toHandle(), "node '" + spec.nodeName() + "', log " + logFile);
        final ChildOutput output = ChildOutput.start(spec.nodeName(), process.getInputStream(), log, lineListener);
        process.onExit().thenRun(output::processExited);
        return new ChildJvm(spec.nodeName(), process, logFile, output);
    }

    private static List<String> command(final ChildJvmSpec spec)
    {
        final List<String> jvmOptions = new ArrayList<>();
        jvmOptions.add("-Dfile.encoding=UTF-8");
        // The test JVM's own multijvm.* properties, e.g. a mode the whole suite runs in; the spec's options win.
        for (final String name : System.getProperties().stringPropertyNames())
        {
            if (name.startsWith(INHERITED_PROPERTY_PREFIX) && !name.equals(NODE_PROPERTY))
            {
                jvmOptions.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        // Lets a human (or a test looking for leaks) tell harness children apart in `ps`.
        jvmOptions.add("-D" + NODE_PROPERTY + "=" + spec.nodeName());
        jvmOptions.addAll(spec.jvmArgs());
        final JavaCommand command = JavaCommand.of(ChildLauncher.class.getName());
        if (null != spec.classPath())
        {
            command.classPath(spec.classPath());
        }
        return command
            .jvmOptions(jvmOptions)
            .arguments(spec.mainClassName())
            .arguments(spec.programArgs())
            .build();
    }

    /** @return the node name of the {@link ChildJvmSpec} it was started from. */
    public String nodeName()
    {
        return nodeName;
    }

    /** @return the pid of the child process. */
    public long pid()
    {
        return process.pid();
    }

    /** @return the handle of the child process, e.g. to find processes it started with {@code descendants()}. */
    public ProcessHandle processHandle()
    {
        return process.toHandle();
    }

    /** @return true while the child process runs, suspended or not. */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** @return the file holding everything the child printed; never deleted by the harness. */
    public Path logFile()
    {
        return logFile;
    }

    /**
     * Sends one command line to the child's stdin, read there by {@link ChildControl}.
     *
     * @param line a command without line separators.
     * @throws AssertionError if the child's stdin is closed (the child exited or {@link #closeStdin()} was called).
     */
    public synchronized void send(final String line)
    {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0)
        {
            throw new IllegalArgumentException("a command must be a single line: " + line);
        }
        if (stdinClosed)
        {
            throw failure("Cannot send '" + line + "' to", "its stdin was closed by closeStdin() or stop().");
        }
        try
        {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        }
        catch (final IOException ex)
        {
            throw failure("Cannot send '" + line + "' to", ex.toString());
        }
    }

    /** Closes the child's stdin; a child running {@link ChildControl} then exits as if this JVM had died. */
    public synchronized void closeStdin()
    {
        if (!stdinClosed)
        {
            stdinClosed = true;
            closeQuietly(stdin);
        }
    }

    /**
     * Waits for a line of output satisfying {@code predicate}. Lines printed before the call count; each successful
     * await moves this child's cursor past the matched line, so consecutive awaits match lines in print order and the
     * same line is never matched twice. Use {@link #skipOutputSoFar()} to ignore history.
     *
     * @param predicate tested on each line not matched yet, on the calling thread under the output's lock (the pump
     *                  thread waits meanwhile), so it should be quick.
     * @param timeout   how long to wait for a matching line.
     * @return the matching line.
     * @throws AssertionError with the tail of the output if the timeout passes or the child exits first.
     */
    public String awaitLine(final Predicate<String> predicate, final Duration timeout)
    {
        return awaitLine("a line satisfying the predicate", predicate, timeout);
    }

    /**
     * As {@link #awaitLine(Predicate, Duration)} for the first line in which {@code pattern} is found
     * ({@link Matcher#find()}).
     *
     * @param pattern searched for in each line not matched yet; it need not match the whole line.
     * @param timeout how long to wait for a matching line.
     * @return a matcher positioned on the match, to read its groups.
     * @throws AssertionError with the tail of the output if the timeout passes or the child exits first.
     */
    public Matcher awaitLine(final Pattern pattern, final Duration timeout)
    {
        final String line = awaitLine("a line matching /" + pattern + "/", l -> pattern.matcher(l).find(), timeout);
        final Matcher matcher = pattern.matcher(line);
        if (!matcher.find())
        {
            throw new IllegalStateException("pattern matched once but not twice: " + pattern);
        }
        return matcher;
    }

    /**
     * As {@link #awaitLine(Pattern, Duration)} with {@code Pattern.compile(regex)}.
     *
     * @param regex   a regular expression searched for in each line not matched yet, e.g. {@code "members: (\\d+)"}.
     * @param timeout how long to wait for a matching line.
     * @return a matcher positioned on the match, to read its groups.
     * @throws AssertionError with the tail of the output if the timeout passes or the child exits first.
     */
    public Matcher awaitLine(final String regex, final Duration timeout)
    {
        return awaitLine(Pattern.compile(regex), timeout);
    }

    /**
     * As {@link #awaitLine(Predicate, Duration)}, with a description of the expected line for the failure message,
     * e.g. {@code "a line reporting 3 members up"}.
     *
     * @param description what the line says, completing "Expected ... from node 'a'" in the failure message.
     * @param predicate   tested on each line not matched yet, as in {@link #awaitLine(Predicate, Duration)}.
     * @param timeout     how long to wait for a matching line.
     * @return the matching line.
     * @throws AssertionError with the tail of the output if the timeout passes or the child exits first.
     */
    public String awaitLine(final String description, final Predicate<String> predicate, final Duration timeout)
    {
        final String line = output.await(predicate, timeout);
        if (null != line)
        {
            return line;
        }
        if (output.hasEnded() || !process.isAlive())
        {
            // Output ends just before the process is reaped: give the exit code a moment to become known.
            awaitProcessExit(ChildOutput.DRAIN_GRACE);
            throw failure("Expected " + description + " from", "its output ended before one was printed.");
        }
        throw failure("Expected " + description + " from", "none was printed within " + timeout + ".");
    }

    /** @return a copy of every line of output received so far, including lines already matched. */
    public List<String> outputLines()
    {
        return output.lines();
    }

    /** Moves this child's cursor past all output received so far; later awaits only match newer lines. */
    public void skipOutputSoFar()
    {
        output.skipToEnd();
    }

    /**
     * The end of the output, for failure messages.
     *
     * @param lines how many of the last lines to include.
     * @return the last {@code lines} lines of output, each on its own line prefixed with {@code "  | "}.
     */
    public String outputTail(final int lines)
    {
        return output.tail(lines);
    }

    /**
     * Waits for the child to exit, and then (briefly) for its remaining output to reach the log file.
     *
     * @param timeout how long the child gets to exit; this does nothing to make it exit.
     * @return the exit code.
     * @throws AssertionError with the tail of the output if it is still running at the deadline.
     */
    public int awaitExit(final Duration timeout)
    {
        if (!awaitProcessExit(timeout))
        {
            throw failure("Expected exit of", "it was still running after " + timeout + ".");
        }
        output.awaitEnd(ChildOutput.DRAIN_GRACE);
        return process.exitValue();
    }

    private boolean awaitProcessExit(final Duration timeout)
    {
        try
        {
            return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while awaiting exit of node '" + nodeName + "'", ex);
        }
    }

    /**
     * Kills the child with {@code SIGKILL} (works on a suspended child too) and waits for it to be gone.
     *
     * @return the exit code (137 if it was still running).
     * @throws AssertionError if it is still running after {@link #KILL_TIMEOUT}.
     */
    public int kill()
    {
        recordDescendants();
        process.destroyForcibly();
        return awaitExit(KILL_TIMEOUT);
    }

    /**
     * Stops the child gracefully if it lets itself be stopped within {@code timeout}, and forcibly if not:
     * <ol>
     * <li>resumes it if {@link #suspend() suspended}, sends {@link ChildControl#EXIT_COMMAND} and closes its stdin,
     * then waits up to half the timeout;</li>
     * <li>sends {@code SIGTERM} (running the child's shutdown hooks) and waits for the rest of the timeout;</li>
     * <li>{@link #kill()}.</li>
     * </ol>
     *
     * @param timeout the whole time the child gets to exit by itself before it is killed.
     * @return the exit code: 0 after a clean exit, 143 after {@code SIGTERM}, 137 after {@code SIGKILL}.
     * @throws AssertionError if it is still running {@link #KILL_TIMEOUT} after {@code SIGKILL}.
     */
    public int stop(final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        recordDescendants();
        if (process.isAlive())
        {
            if (suspended)
            {
                resume();
            }
            trySendExit();
            closeStdin();
            if (awaitProcessExit(timeout.dividedBy(2)))
            {
                return awaitExit(Duration.ZERO);
            }
            process.destroy();
            if (awaitProcessExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))))
            {
                return awaitExit(Duration.ZERO);
            }
        }
        return kill();
    }

    private synchronized void trySendExit()
    {
        if (!stdinClosed)
        {
            try
            {
                stdin.write(ChildControl.EXIT_COMMAND);
                stdin.write('\n');
                stdin.flush();
            }
            catch (final IOException ex)
            {
                // Already exiting; the later steps of stop() take care of it.
            }
        }
    }

    /**
     * Records the processes this child started (a standalone media driver, for one) with {@link SuiteResources}, so
     * the suite's final check knows them even after they are re-parented when this child dies.
     */
    public void recordDescendants()
    {
        SuiteResources.recordDescendants(process.toHandle(), "node '" + nodeName + "' (pid " + pid() + ")");
        process.toHandle().descendants().forEach(descendants::add);
    }

    /**
     * {@return the processes this child had started when {@link #recordDescendants()} (or {@link #kill()} or
     * {@link #stop}) last looked; they may outlive it, e.g. a standalone media driver}
     */
    public Set<ProcessHandle> descendants()
    {
        return Set.copyOf(descendants);
    }

    /** Freezes the child with {@code SIGSTOP}, e.g. to simulate a node that stopped responding without dying. */
    public void suspend()
    {
        Processes.signal(pid(), "STOP");
        suspended = true;
    }

    /** Lets a {@link #suspend() suspended} child run again with {@code SIGCONT}. */
    public void resume()
    {
        Processes.signal(pid(), "CONT");
        suspended = false;
    }

    /** Kills the child if it is still running; never fails because the child had already exited. */
    @Override
    public void close()
    {
        try
        {
            if (process.isAlive())
            {
                kill();
            }
        }
        finally
        {
            closeStdin();
        }
    }

    /** @return the node name, pid and state, e.g. {@code node 'a' (pid 42, exited with code 137)}. */
    public String describe()
    {
        final String state = process.isAlive() ? (suspended ? "suspended" : "running") :
            "exited with code " + process.exitValue();
        return "node '" + nodeName + "' (pid " + pid() + ", " + state + ")";
    }

    private AssertionError failure(final String what, final String why)
    {
        return new AssertionError(what + " " + describe() + ", but " + why + "\nLog file: " +
            logFile.toAbsolutePath() + "\nLast " + TAIL_LINES + " lines of its output:\n" + output.tail(TAIL_LINES));
    }

    @Override
    public String toString()
    {
        return describe();
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception ex)
        {
            // Nothing useful to do: the other end is gone.
        }
    }
}
