package io.pekkoshm.testkit;

import io.pekkoshm.testkit.process.NodeProtocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The declaration of one node of a multi-JVM test: its name, role, configuration, JVM options and what it runs, either
 * an actor system with a {@link Guardian} behaviour, or a main class of its own.
 * <pre>{@code
 * NodeSpec.guardian("frontend", FrontendGuardian.class)
 *     .role("frontend")
 *     .config("pekko.loglevel = DEBUG")
 *     .jvmOptions("-Xmx256m");
 * }</pre>
 * Every node gets a port of its own, chosen free by the kit and kept across {@link MultiJvmExtension#restart
 * restarts}, written into each of the extension's port keys; so its address stays the same when it restarts.
 * <p>
 * A fluent builder: mutable and not thread-safe; a node reads it once, when it starts.
 */
public final class NodeSpec
{
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");

    private final String name;
    private final String mainClassName;
    private final String guardianClassName;
    private final List<String> config = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> programArgs = new ArrayList<>();
    private String role = "";
    private int port;

    private NodeSpec(final String name, final String mainClassName, final String guardianClassName)
    {
        if (!NODE_NAME.matcher(Objects.requireNonNull(name, "name")).matches())
        {
            throw new IllegalArgumentException("node name must match " + NODE_NAME + " but was '" + name + "'");
        }
        this.name = name;
        this.mainClassName = mainClassName;
        this.guardianClassName = guardianClassName;
    }

    /**
     * A node whose JVM starts an actor system with the guardian's behaviour and serves the test's steps.
     *
     * @param name     names the node in messages and its log file.
     * @param guardian a class with a public no-argument constructor, on the test class path.
     * @return a spec with no role, configuration or options of its own yet.
     * @throws IllegalArgumentException if {@code name} does not match {@code [A-Za-z0-9_-][A-Za-z0-9_.-]*}.
     */
    public static NodeSpec guardian(final String name, final Class<? extends Guardian> guardian)
    {
        return new NodeSpec(name, NodeProtocol.GUARDIAN_NODE_MAIN, guardian.getName());
    }

    /**
     * A node whose JVM starts a classic actor system (no guardian of the test's) and serves the test's steps, which
     * may create top-level classic actors with {@code node.classicSystem().actorOf(...)}.
     *
     * @param name names the node in messages and its log file.
     * @return a spec with no role, configuration or options of its own yet.
     * @throws IllegalArgumentException if {@code name} does not match {@code [A-Za-z0-9_-][A-Za-z0-9_.-]*}.
     */
    public static NodeSpec classic(final String name)
    {
        return new NodeSpec(name, NodeProtocol.GUARDIAN_NODE_MAIN, NodeProtocol.CLASSIC);
    }

    /**
     * A node whose JVM runs a main class of its own. Its {@link Node#address() address} and steps are there once it
     * calls {@link io.pekkoshm.testkit.node.NodeRuntime#serve}; until then it is a process whose output the test can
     * await.
     *
     * @param name      names the node in messages and its log file.
     * @param mainClass a class with a {@code public static void main(String[])}, on the test class path.
     * @return a spec with no role, configuration, options or program arguments of its own yet.
     * @throws IllegalArgumentException if {@code name} does not match {@code [A-Za-z0-9_-][A-Za-z0-9_.-]*}.
     */
    public static NodeSpec mainClass(final String name, final Class<?> mainClass)
    {
        return new NodeSpec(name, mainClass.getName(), null);
    }

    /**
     * Sets the node's role: {@link NodeContext#role()} on the node, and its Pekko Cluster role
     * ({@code pekko.cluster.roles}, ignored without a cluster).
     *
     * @param nodeRole the role, e.g. {@code "frontend"}; replaces one set before.
     * @return this spec, for chaining.
     */
    public NodeSpec role(final String nodeRole)
    {
        role = Objects.requireNonNull(nodeRole, "nodeRole");
        return this;
    }

    /**
     * Adds HOCON configuration over the node's {@code application.conf} (and over the extension's common
     * configuration); a later call wins over an earlier one. The node reads it through {@code NodeRuntime.config()}.
     *
     * @param hocon a HOCON snippet, e.g. {@code "pekko.loglevel = DEBUG"}.
     * @return this spec, for chaining.
     */
    public NodeSpec config(final String hocon)
    {
        config.add(Objects.requireNonNull(hocon, "hocon"));
        return this;
    }

    /**
     * Appends JVM options, e.g. {@code -Xmx256m}; a {@code -D} here wins over any configuration.
     *
     * @param options JVM options, placed after the extension's common ones, so they win over those too.
     * @return this spec, for chaining.
     */
    public NodeSpec jvmOptions(final String... options)
    {
        jvmOptions.addAll(Arrays.asList(options));
        return this;
    }

    /**
     * Appends arguments of a {@link #mainClass main-class} node.
     *
     * @param args arguments its {@code main(String[])} receives, after those appended before.
     * @return this spec, for chaining.
     * @throws IllegalStateException if this is a guardian or classic node, whose main takes no arguments of the
     *                               test's.
     */
    public NodeSpec programArgs(final String... args)
    {
        if (null != guardianClassName)
        {
            throw new IllegalStateException("node '" + name + "' runs a guardian, which takes no program arguments");
        }
        programArgs.addAll(Arrays.asList(args));
        return this;
    }

    /**
     * Gives the node this port instead of a free one chosen by the kit (e.g. a seed node's well-known port).
     *
     * @param fixedPort the port, 1-65535, kept across restarts like a chosen one; the kit does not check it is free.
     * @return this spec, for chaining.
     * @throws IllegalArgumentException if {@code fixedPort} is outside 1-65535.
     */
    public NodeSpec port(final int fixedPort)
    {
        if (fixedPort < 1 || fixedPort > 65535)
        {
            throw new IllegalArgumentException("node '" + name + "': port must be 1-65535 but was " + fixedPort);
        }
        port = fixedPort;
        return this;
    }

    /** {@return the node's name} */
    public String name()
    {
        return name;
    }

    /** {@return the node's role; empty when none was set} */
    public String role()
    {
        return role;
    }

    /** {@return the port given with {@link #port(int)}, or 0 for one chosen by the kit} */
    public int port()
    {
        return port;
    }

    /** {@return the main class its JVM runs} */
    public String mainClassName()
    {
        return mainClassName;
    }

    /** {@return the guardian class of a guardian node, {@code "-"} for a classic one, null for a main-class node} */
    public String guardianClassName()
    {
        return guardianClassName;
    }

    /** {@return a copy of its configuration snippets, in order} */
    public List<String> config()
    {
        return List.copyOf(config);
    }

    /** {@return a copy of its JVM options, in order} */
    public List<String> jvmOptions()
    {
        return List.copyOf(jvmOptions);
    }

    /** {@return a copy of its program arguments, in order} */
    public List<String> programArgs()
    {
        final List<String> args = new ArrayList<>();
        if (null != guardianClassName)
        {
            args.add(guardianClassName);
        }
        args.addAll(programArgs);
        return List.copyOf(args);
    }

    @Override
    public String toString()
    {
        final String runs = null == guardianClassName ? "main=" + mainClassName :
            NodeProtocol.CLASSIC.equals(guardianClassName) ? "classic" : "guardian=" + guardianClassName;
        return "NodeSpec{name=" + name + ", " + runs + (role.isEmpty() ? "" : ", role=" + role) + "}";
    }
}
