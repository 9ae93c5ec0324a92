package io.pekkoshm.remote.driver;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags Agrona 2.x and Aeron's driver need on JDK 17, and the means to pass them on to child JVMs.
 * The build sets them in one place (the parent pom's {@code shm.jvm.flags}); a JVM that starts another copies its
 * own {@code --add-opens}/{@code --add-exports} so both run alike.
 */
public final class JvmFlags
{
    /** What every JVM using the plugin must be started with. */
    public static final List<String> REQUIRED = List.of(
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

    private JvmFlags()
    {
    }

    /** {@return true when this JVM was started with {@link #REQUIRED} (the packages are open to unnamed modules)} */
    public static boolean requiredPresent()
    {
        final Module base = Object.class.getModule();
        final Module self = JvmFlags.class.getModule();
        return base.isOpen("jdk.internal.misc", self) && base.isOpen("sun.nio.ch", self);
    }

    /**
     * {@return this JVM's --add-opens/--add-exports/--add-modules flags, followed by {@link #REQUIRED} if it lacks
     * them} Put them before the main class of a child JVM's command line.
     */
    public static List<String> forChildJvm()
    {
        final List<String> flags = new ArrayList<>();
        final List<String> input = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < input.size(); i++)
        {
            final String arg = input.get(i);
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("--add-modules"))
            {
                flags.add(arg);
                if (!arg.contains("=") && i + 1 < input.size())
                {
                    flags.add(input.get(++i));
                }
            }
        }
        if (!requiredPresent())
        {
            flags.addAll(REQUIRED);
        }
        return flags;
    }
}
