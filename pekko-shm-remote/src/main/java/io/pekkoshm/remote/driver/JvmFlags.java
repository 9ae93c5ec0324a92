package io.pekkoshm.remote.driver;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JVM flags Agrona 2.x and Aeron's driver need, per Java version, and the means to pass them on to child JVMs.
 * The build sets them in one place (the parent pom's {@code shm.jvm.flags}, with a profile adding
 * {@link #UNSAFE_MEMORY_ACCESS} on Java {@value #UNSAFE_MEMORY_ACCESS_SINCE} and later); a JVM that starts another
 * copies its own flags so both run alike.
 * <ul>
 * <li>Every Java: {@link #REQUIRED}, the two {@code --add-opens}.</li>
 * <li>Java {@value #UNSAFE_MEMORY_ACCESS_SINCE} and later also {@link #UNSAFE_MEMORY_ACCESS}: Agrona's buffers (and
 * Pekko) use {@code sun.misc.Unsafe}'s memory access, which these Javas warn about by default (JEP 498) and later
 * Javas deny. Java 17 does not know the flag and refuses to start with it, so it is never required there.</li>
 * </ul>
 */
public final class JvmFlags
{
    /** What every JVM using the plugin must be started with, on every Java version. */
    public static final List<String> REQUIRED = List.of(
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

    /** What a JVM of Java {@value #UNSAFE_MEMORY_ACCESS_SINCE} or later must be started with, in addition. */
    public static final String UNSAFE_MEMORY_ACCESS = "--sun-misc-unsafe-memory-access=allow";

    /** The first Java feature release that warns about {@code sun.misc.Unsafe} memory access by default. */
    public static final int UNSAFE_MEMORY_ACCESS_SINCE = 24;

    /** The system property the JVM sets from {@code --sun-misc-unsafe-memory-access=<value>}. */
    private static final String UNSAFE_MEMORY_ACCESS_PROPERTY = "sun.misc.unsafe.memory.access";

    /** Values of that flag that let Agrona work: allow (quiet), and warn or debug when a user chose to be told. */
    private static final Set<String> UNSAFE_MEMORY_ACCESS_WORKS = Set.of("allow", "warn", "debug");

    private JvmFlags()
    {
    }

    /**
     * The flags a JVM of a Java feature release needs.
     *
     * @param javaFeature the feature release ({@code Runtime.version().feature()}), e.g. 17 or 25.
     * @return {@link #REQUIRED}, with {@link #UNSAFE_MEMORY_ACCESS} from Java {@value #UNSAFE_MEMORY_ACCESS_SINCE} on.
     */
    public static List<String> required(final int javaFeature)
    {
        if (javaFeature < UNSAFE_MEMORY_ACCESS_SINCE)
        {
            return REQUIRED;
        }
        final List<String> flags = new ArrayList<>(REQUIRED);
        flags.add(UNSAFE_MEMORY_ACCESS);
        return List.copyOf(flags);
    }

    /** {@return the flags this JVM's Java version needs (see {@link #required(int)})} */
    public static List<String> required()
    {
        return required(Runtime.version().feature());
    }

    /**
     * The required flags this JVM was started without, as they are written on a command line, for an error message.
     *
     * @return the missing flags; empty when none is missing.
     */
    public static List<String> missing()
    {
        final Module base = Object.class.getModule();
        final Module self = JvmFlags.class.getModule();
        final List<String> missing = new ArrayList<>();
        if (!base.isOpen("jdk.internal.misc", self))
        {
            missing.addAll(REQUIRED.subList(0, 2));
        }
        if (!base.isOpen("sun.nio.ch", self))
        {
            missing.addAll(REQUIRED.subList(2, 4));
        }
        if (Runtime.version().feature() >= UNSAFE_MEMORY_ACCESS_SINCE &&
            !UNSAFE_MEMORY_ACCESS_WORKS.contains(System.getProperty(UNSAFE_MEMORY_ACCESS_PROPERTY, "")))
        {
            missing.add(UNSAFE_MEMORY_ACCESS);
        }
        return missing;
    }

    /** {@return true when this JVM was started with the flags its Java version needs ({@link #required()})} */
    public static boolean requiredPresent()
    {
        return missing().isEmpty();
    }

    /**
     * The error message of a JVM that lacks some of the flags.
     *
     * @param who what needs them, e.g. "pekko-shm-remote".
     * @return the message naming the missing flags and the whole set for this Java version.
     */
    public static String missingMessage(final String who)
    {
        return who + " needs these JVM flags (Agrona and Aeron on Java " + Runtime.version().feature() + "): " +
            String.join(" ", required()) + "; missing: " + String.join(" ", missing());
    }

    /**
     * {@return this JVM's --add-opens/--add-exports/--add-modules/--sun-misc-unsafe-memory-access flags, followed by
     * the required ones it lacks} Put them before the main class of a child JVM's command line (a child of the same
     * {@code java}).
     */
    public static List<String> forChildJvm()
    {
        final List<String> flags = new ArrayList<>();
        final List<String> input = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < input.size(); i++)
        {
            final String arg = input.get(i);
            if (arg.startsWith("--sun-misc-unsafe-memory-access"))
            {
                flags.add(arg);
            }
            else if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") ||
                arg.startsWith("--add-modules"))
            {
                flags.add(arg);
                if (!arg.contains("=") && i + 1 < input.size())
                {
                    flags.add(input.get(++i));
                }
            }
        }
        final List<String> lacking = missing();
        flags.addAll(lacking);
        final boolean unsafeFlagGiven = flags.stream().anyMatch(f -> f.startsWith("--sun-misc-unsafe-memory-access"));
        if (Runtime.version().feature() >= UNSAFE_MEMORY_ACCESS_SINCE && !unsafeFlagGiven)
        {
            // this JVM has it as -Dsun.misc.unsafe.memory.access=..., which forChildJvm does not copy
            flags.add(UNSAFE_MEMORY_ACCESS);
        }
        return flags;
    }
}
