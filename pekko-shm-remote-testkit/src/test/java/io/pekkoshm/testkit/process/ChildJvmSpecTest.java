package io.pekkoshm.testkit.process;

import io.pekkoshm.testkit.MultiJvmExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A child gets the environment variables and the class path its spec gives it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChildJvmSpecTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldStartTheChildWithTheSpecsEnvironmentAndClassPath()
    {
        final String classPath = System.getProperty("java.class.path") + File.pathSeparator + "/no/such/extra.jar";
        final ChildJvm child = multiJvm.start(ChildJvmSpec.of("env", EnvironmentNode.class)
            .environment("KIT_TEST_VALUE", "one two")
            .classPath(classPath));

        assertEquals("env=one two", child.awaitLine("^env=.*", TIMEOUT).group());
        assertEquals("cp=" + classPath, child.awaitLine("^cp=.*", TIMEOUT).group());
        assertEquals(0, child.awaitExit(TIMEOUT));
    }

    @Test
    void shouldLeaveTheChildThisJvmsEnvironmentAndClassPathByDefault()
    {
        final ChildJvm child = multiJvm.start(ChildJvmSpec.of("env", EnvironmentNode.class));

        assertEquals("env=" + System.getenv("KIT_TEST_VALUE"), child.awaitLine("^env=.*", TIMEOUT).group());
        assertEquals("cp=" + System.getProperty("java.class.path"), child.awaitLine("^cp=.*", TIMEOUT).group());
        assertEquals(0, child.awaitExit(TIMEOUT));
    }
}
