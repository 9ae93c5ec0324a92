package io.pekkoshm.testkit.process;

/** Child main for {@link ChildJvmSpecTest}: prints its {@code KIT_TEST_VALUE} variable and class path, then exits. */
public final class EnvironmentNode
{
    private EnvironmentNode()
    {
    }

    public static void main(final String[] args)
    {
        ChildControl.report("env=" + System.getenv("KIT_TEST_VALUE"));
        ChildControl.report("cp=" + System.getProperty("java.class.path"));
    }
}
