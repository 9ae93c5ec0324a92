package io.pekkoshm.testkit.process;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to run in one child JVM: a node name, a main class, extra JVM options and program arguments.
 * <p>
 * The child always gets the test classpath and the module flags of the current JVM
 * ({@link io.pekkoshm.remote.driver.JvmFlags}); the JVM options given here come after those, so a {@code -D} here wins.
 * The node name names the log file, so it is restricted to {@code [A-Za-z0-9_.-]}.
 * <p>
 * A fluent builder: mutable and not thread-safe. {@link ChildJvm#start} reads it once, so changing a spec after
 * starting a child does not affect that child.
 */
public final class ChildJvmSpec
{
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");

    private final String nodeName;
    private final String mainClassName;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> programArgs = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String classPath;

    private ChildJvmSpec(final String nodeName, final String mainClassName)
    {
        if (!NODE_NAME.matcher(Objects.requireNonNull(nodeName, "nodeName")).matches())
        {
            throw new IllegalArgumentException("node name must match " + NODE_NAME + " but was '" + nodeName + "'");
        }
        this.nodeName = nodeName;
        this.mainClassName = Objects.requireNonNull(mainClassName, "mainClassName");
    }

    /**
     * A spec for a child running {@code mainClass}.
     *
     * @param nodeName  names the child in messages and its log file ({@code <nodeName>.log}).
     * @param mainClass a class with a {@code public static void main(String[])} on the test classpath.
     * @return a spec with no extra JVM options or program arguments yet.
     * @throws IllegalArgumentException if {@code nodeName} does not match {@code [A-Za-z0-9_-][A-Za-z0-9_.-]*}.
     */
    public static ChildJvmSpec of(final String nodeName, final Class<?> mainClass)
    {
        return new ChildJvmSpec(nodeName, mainClass.getName());
    }

    /**
     * As {@link #of(String, Class)}, for a main class named by its binary name, so the test JVM need not load it.
     *
     * @param nodeName      names the child in messages and its log file ({@code <nodeName>.log}).
     * @param mainClassName the binary name, e.g. {@code com.example.Outer$Main}; looked up only in the child, which
     *                      exits with a {@code ClassNotFoundException} if it is not on the test classpath.
     * @return a spec with no extra JVM options or program arguments yet.
     * @throws IllegalArgumentException if {@code nodeName} does not match {@code [A-Za-z0-9_-][A-Za-z0-9_.-]*}.
     */
    public static ChildJvmSpec of(final String nodeName, final String mainClassName)
    {
        return new ChildJvmSpec(nodeName, mainClassName);
    }

    /**
     * Appends JVM options, e.g. {@code -Dpekko.remote.shm.port=25520} or {@code -Xmx256m}.
     *
     * @param args JVM options, one per element, after those appended before (a later {@code -D} wins).
     * @return this spec, for chaining.
     */
    public ChildJvmSpec jvmArgs(final String... args)
    {
        jvmArgs.addAll(Arrays.asList(args));
        return this;
    }

    /**
     * Appends the JVM option {@code -D<key>=<value>}.
     *
     * @param key   the system property's name.
     * @param value its value, as is: no shell runs the command, so spaces and quotes need no escaping.
     * @return this spec, for chaining.
     */
    public ChildJvmSpec systemProperty(final String key, final String value)
    {
        jvmArgs.add("-D" + key + "=" + value);
        return this;
    }

    /**
     * Appends arguments passed to the main class.
     *
     * @param args arguments its {@code main(String[])} receives, after those appended before.
     * @return this spec, for chaining.
     */
    public ChildJvmSpec programArgs(final String... args)
    {
        programArgs.addAll(Arrays.asList(args));
        return this;
    }

    /**
     * Gives the child another class path than this JVM's, e.g. a transport's other library versions.
     *
     * @param path entries separated by the platform's path separator.
     * @return this spec.
     */
    public ChildJvmSpec classPath(final String path)
    {
        classPath = Objects.requireNonNull(path, "path");
        return this;
    }

    /**
     * Sets an environment variable of the child (it inherits the rest of this JVM's environment), e.g.
     * {@code JAVA_TOOL_OPTIONS}, which the child's own children inherit in turn.
     *
     * @param name  the variable's name.
     * @param value its value.
     * @return this spec.
     */
    public ChildJvmSpec environment(final String name, final String value)
    {
        environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** {@return the child's class path, or null for this JVM's} */
    public String classPath()
    {
        return classPath;
    }

    /** {@return a copy of the environment variables set for the child} */
    public Map<String, String> environment()
    {
        return Map.copyOf(environment);
    }

    /** @return the name of the child in messages and of its log file. */
    public String nodeName()
    {
        return nodeName;
    }

    /** @return the binary name of the class whose {@code main} the child runs. */
    public String mainClassName()
    {
        return mainClassName;
    }

    /** @return a copy of the extra JVM options, in order. */
    public List<String> jvmArgs()
    {
        return List.copyOf(jvmArgs);
    }

    /** @return a copy of the program arguments, in order. */
    public List<String> programArgs()
    {
        return List.copyOf(programArgs);
    }

    @Override
    public String toString()
    {
        return "ChildJvmSpec{node=" + nodeName + ", main=" + mainClassName + ", jvmArgs=" + jvmArgs +
            ", programArgs=" + programArgs + "}";
    }
}
