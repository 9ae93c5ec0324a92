package io.pekkoshm.testkit.process;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Child main for {@link ChildJvmTest}: prints {@code ready pid=<pid>}, then obeys commands from stdin.
 * <ul>
 * <li>{@code say <text>}: prints {@code echo <text>} to stdout;</li>
 * <li>{@code err <text>}: prints {@code stderr <text>} to stderr;</li>
 * <li>{@code burst <n>}: prints {@code burst 1} to {@code burst <n>};</li>
 * <li>{@code flags}: prints {@code flags <its JVM input arguments>};</li>
 * <li>{@code die <code>}: prints {@code dying <code>} and exits with that code.</li>
 * </ul>
 */
public final class EchoNode
{
    private EchoNode()
    {
    }

    public static void main(final String[] args)
    {
        final ChildControl control = ChildControl.start();
        ChildControl.report("ready pid=" + ProcessHandle.current().pid());
        while (true)
        {
            final String command = control.awaitCommand(Duration.ofMinutes(10));
            final int space = command.indexOf(' ');
            final String verb = space < 0 ? command : command.substring(0, space);
            final String argument = space < 0 ? "" : command.substring(space + 1);
            switch (verb)
            {
                case "say":
                    ChildControl.report("echo " + argument);
                    break;
                case "err":
                    System.err.println("stderr " + argument);
                    System.err.flush();
                    break;
                case "burst":
                    for (int i = 1; i <= Integer.parseInt(argument); i++)
                    {
                        ChildControl.report("burst " + i);
                    }
                    break;
                case "flags":
                    ChildControl.report("flags " + String.join(" ",
                        ManagementFactory.getRuntimeMXBean().getInputArguments()));
                    break;
                case "die":
                    ChildControl.report("dying " + argument);
                    System.exit(Integer.parseInt(argument));
                    break;
                default:
                    ChildControl.report("unknown command: " + command);
            }
        }
    }
}
