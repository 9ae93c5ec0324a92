package io.pekkoshm.testkit.process;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The lines a test and its nodes exchange over a node's stdin and stdout, beside everything else the node prints.
 * Every node-to-test line starts with {@value #PREFIX}; values travel in Base64, so that any text or serialized answer
 * fits on one line.
 * <pre>
 * node to test                              test to node
 * [multijvm] ready ADDRESS                  step ID CLASS ARG...     (each ARG is "a" + Base64 of its UTF-8)
 * [multijvm] step ID ok ANSWER              barrier-pass NAME
 * [multijvm] step ID failed STACK-TRACE
 * [multijvm] barrier NAME
 * [multijvm] terminated
 * </pre>
 * ANSWER is the Base64 of the Java serialization of the step's answer; STACK-TRACE the Base64 of its UTF-8 text.
 */
public final class NodeProtocol
{
    /** What starts every line a node prints for the test. */
    public static final String PREFIX = "[multijvm] ";
    /** The node is serving: {@code [multijvm] ready ADDRESS}. */
    public static final String READY = "ready";
    /** A step's outcome: {@code [multijvm] step ID ok|failed VALUE}. */
    public static final String STEP = "step";
    /** A node entered a barrier: {@code [multijvm] barrier NAME}. */
    public static final String BARRIER = "barrier";
    /** The node's actor system terminated; the node exits. */
    public static final String TERMINATED = "terminated";
    /** The command letting a node through a barrier: {@code barrier-pass NAME}. */
    public static final String BARRIER_PASS = "barrier-pass";
    /** The guardian argument of {@link #GUARDIAN_NODE_MAIN} that starts a classic actor system instead. */
    public static final String CLASSIC = "-";
    /** The main class of nodes declared with a guardian behaviour, or classic ones. */
    public static final String GUARDIAN_NODE_MAIN = "io.pekkoshm.testkit.node.GuardianNode";
    /** The system property naming the file with a node's configuration. */
    public static final String CONFIG_FILE_PROPERTY = "multijvm.config-file";
    /** The system property with a node's role. */
    public static final String ROLE_PROPERTY = "multijvm.role";
    /** The system property with the actor system's name of a guardian node. */
    public static final String SYSTEM_NAME_PROPERTY = "multijvm.system-name";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private NodeProtocol()
    {
    }

    /**
     * Checks a barrier name, which travels as one word of a protocol line.
     *
     * @param name the barrier name.
     * @return {@code name}, if it is a valid barrier name.
     * @throws IllegalArgumentException if it is not {@code [A-Za-z0-9_.-]+}.
     */
    public static String checkName(final String name)
    {
        if (null == name || !NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException("a barrier name must match " + NAME + " but was '" + name + "'");
        }
        return name;
    }

    /**
     * {@return a step command line, {@code step ID CLASS ARG...}, for the node's stdin}
     *
     * @param id            the step's id, unique per node, which the node's outcome line repeats.
     * @param stepClassName the binary name of the {@code NodeStep} class the node runs.
     * @param args          the step's arguments, any text (each is sent in Base64).
     */
    public static String stepCommand(final long id, final String stepClassName, final List<String> args)
    {
        final StringBuilder line = new StringBuilder(STEP).append(' ').append(id).append(' ').append(stepClassName);
        for (final String arg : args)
        {
            line.append(" a").append(Base64.getEncoder().encodeToString(arg.getBytes(StandardCharsets.UTF_8)));
        }
        return line.toString();
    }

    /**
     * @param words the words of a step command after {@code step ID CLASS}.
     * @return the decoded arguments.
     */
    public static List<String> decodeArgs(final List<String> words)
    {
        final List<String> args = new ArrayList<>(words.size());
        for (final String word : words)
        {
            if (!word.startsWith("a"))
            {
                throw new IllegalArgumentException("not an encoded argument: " + word);
            }
            args.add(new String(Base64.getDecoder().decode(word.substring(1)), StandardCharsets.UTF_8));
        }
        return args;
    }

    /**
     * {@return text in Base64 of its UTF-8}
     *
     * @param text any text, e.g. a stack trace of many lines.
     */
    public static String encodeText(final String text)
    {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@return the text of {@link #encodeText}}
     *
     * @param encoded what {@link #encodeText} made.
     * @throws IllegalArgumentException if {@code encoded} is not Base64.
     */
    public static String decodeText(final String encoded)
    {
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    /**
     * @param answer a serializable value or null.
     * @return the Base64 of its Java serialization.
     * @throws NotSerializableException if it is not serializable.
     */
    public static String encodeAnswer(final Object answer) throws NotSerializableException
    {
        if (null != answer && !(answer instanceof Serializable))
        {
            throw new NotSerializableException("a step's answer must be Serializable or null, but was a " +
                answer.getClass().getName());
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(answer);
        }
        catch (final NotSerializableException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /**
     * @param encoded what {@link #encodeAnswer} made.
     * @param loader  the class loader that knows the answer's classes.
     * @return the answer.
     * @throws IOException            if {@code encoded} is not a Java serialization stream.
     * @throws ClassNotFoundException if a class of the answer is known neither to {@code loader} nor to the
     *                                class loader {@link ObjectInputStream} falls back to.
     */
    public static Object decodeAnswer(final String encoded, final ClassLoader loader)
        throws IOException, ClassNotFoundException
    {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)))
        {
            @Override
            protected Class<?> resolveClass(final java.io.ObjectStreamClass desc)
                throws IOException, ClassNotFoundException
            {
                try
                {
                    return Class.forName(desc.getName(), false, loader);
                }
                catch (final ClassNotFoundException ex)
                {
                    return super.resolveClass(desc);
                }
            }
        })
        {
            return in.readObject();
        }
    }
}
