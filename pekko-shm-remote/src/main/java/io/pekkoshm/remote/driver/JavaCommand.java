package io.pekkoshm.remote.driver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The command line of a child JVM started the way this project starts every JVM: the {@code java} of this JVM, this
 * JVM's module flags ({@link JvmFlags#forChildJvm()}), then the caller's JVM options, the class path, the main class
 * and its arguments. The one builder behind the standalone media driver's launcher, the test kit's nodes, the
 * samples' second JVM and the benchmark runner's children.
 * <pre>{@code
 * List<String> command = JavaCommand.of(NodeMain.class.getName())
 *     .jvmOptions("-Xmx256m", "-Dpekko.remote.shm.port=2553")
 *     .arguments("--name", "b")
 *     .build();
 * }</pre>
 * <p>
 * A builder: mutable and not thread-safe; {@link #build()} returns an immutable copy.
 */
public final class JavaCommand
{
    private final String mainClassName;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> arguments = new ArrayList<>();
    private String classPath = System.getProperty("java.class.path");
    private boolean jvmFlags = true;

    private JavaCommand(final String mainClassName)
    {
        this.mainClassName = Objects.requireNonNull(mainClassName, "mainClassName");
    }

    /**
     * @param mainClassName the binary name of a class with a {@code public static void main(String[])}.
     * @return a builder with this JVM's class path and module flags.
     */
    public static JavaCommand of(final String mainClassName)
    {
        return new JavaCommand(mainClassName);
    }

    /** {@return the {@code java} executable of this JVM's runtime} */
    public static Path javaExecutable()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Appends JVM options, placed after the module flags so that a {@code -D} given here wins.
     *
     * @param options e.g. {@code -Xmx256m} or {@code -Dpekko.remote.shm.port=2553}, each one argument.
     * @return this builder.
     */
    public JavaCommand jvmOptions(final String... options)
    {
        return jvmOptions(Arrays.asList(options));
    }

    /**
     * As {@link #jvmOptions(String...)}.
     *
     * @param options the JVM options, in order.
     * @return this builder.
     */
    public JavaCommand jvmOptions(final List<String> options)
    {
        jvmOptions.addAll(options);
        return this;
    }

    /**
     * Appends the JVM option {@code -D<key>=<value>}.
     *
     * @param key   the system property's name.
     * @param value its value, passed as one argument (no shell quoting needed).
     * @return this builder.
     */
    public JavaCommand systemProperty(final String key, final String value)
    {
        jvmOptions.add("-D" + key + "=" + value);
        return this;
    }

    /**
     * Appends arguments of the main class.
     *
     * @param args what the main class gets in its {@code String[]}, in order.
     * @return this builder.
     */
    public JavaCommand arguments(final String... args)
    {
        return arguments(Arrays.asList(args));
    }

    /**
     * As {@link #arguments(String...)}.
     *
     * @param args the arguments, in order.
     * @return this builder.
     */
    public JavaCommand arguments(final List<String> args)
    {
        arguments.addAll(args);
        return this;
    }

    /**
     * Replaces the class path (by default this JVM's {@code java.class.path}).
     *
     * @param path entries separated by the platform's path separator.
     * @return this builder.
     */
    public JavaCommand classPath(final String path)
    {
        classPath = Objects.requireNonNull(path, "path");
        return this;
    }

    /**
     * Leaves out this JVM's module flags, e.g. to test what a JVM started without them does.
     *
     * @return this builder.
     */
    public JavaCommand withoutJvmFlags()
    {
        jvmFlags = false;
        return this;
    }

    /** {@return the command line: java, module flags, JVM options, -cp, class path, main class, arguments} */
    public List<String> build()
    {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        if (jvmFlags)
        {
            command.addAll(JvmFlags.forChildJvm());
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClassName);
        command.addAll(arguments);
        return List.copyOf(command);
    }

    @Override
    public String toString()
    {
        return String.join(" ", build());
    }
}
