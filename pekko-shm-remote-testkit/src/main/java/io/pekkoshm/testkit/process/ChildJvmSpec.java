package io.pekkoshm.testkit.process;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
     * @param nodeName  names the child in messages and its log file ({@code <nodeName>.log}).
     * @param mainClass a class with a {@code public static void main(String[])} on the test classpath.
     */
    public static ChildJvmSpec of(final String nodeName, final Class<?> mainClass)
    {
        return new ChildJvmSpec(nodeName, mainClass.getName());
    }

    /** As {@link #of(String, Class)}, for a main class named by its binary name. */
    public static ChildJvmSpec of(final String nodeName, final String mainClassName)
    {
        return new ChildJvmSpec(nodeName, mainClassName);
    }

    /** Appends JVM options, e.g. {@code -Dpekko.remote.shm.port=25520} or {@code -Xmx256m}. */
    public ChildJvmSpec jvmArgs(final String... args)
    {
        jvmArgs.addAll(Arrays.asList(args));
        return this;
    }

    /** Appends the JVM option {@code -D<key>=<value>}. */
    public ChildJvmSpec systemProperty(final String key, final String value)
    {
        jvmArgs.add("-D" + key + "=" + value);
        return this;
    }

    /** Appends arguments passed to the main class. */
    public ChildJvmSpec programArgs(final String... args)
    {
        programArgs.addAll(Arrays.asList(args));
        return this;
    }

    public String nodeName()
    {
        return nodeName;
    }

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
