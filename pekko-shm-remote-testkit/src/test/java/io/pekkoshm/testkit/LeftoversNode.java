package io.pekkoshm.testkit;

import io.pekkoshm.testkit.process.ChildControl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child main for {@link KitHygieneTest} that leaves something behind: {@code shm PATH} creates the file PATH (meant
 * in /dev/shm) and prints {@code created PATH}; {@code sleeper} starts {@code sleep 600} and prints
 * {@code sleeper PID}. Then it idles until killed.
 */
public final class LeftoversNode
{
    private LeftoversNode()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final ChildControl control = ChildControl.start();
        if ("shm".equals(args[0]))
        {
            Files.writeString(Path.of(args[1]), "left behind");
            ChildControl.report("created " + args[1]);
        }
        else
        {
            final Process sleeper = new ProcessBuilder("sleep", "600").start();
            ChildControl.report("sleeper " + sleeper.pid());
        }
        control.awaitCommand(Duration.ofMinutes(10));
    }
}
