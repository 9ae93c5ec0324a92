package io.pekkoshm.testkit.process;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/**
 * The main class of every child JVM the harness starts: {@code ChildLauncher <mainClass> [args...]}.
 * <p>
 * It starts {@link ChildControl} first, so the child exits when its stdin closes (the parent closed it, or died) even
 * if the real main class never looks at stdin, and then runs {@code mainClass.main(args)} on this thread. An
 * exception thrown by that main propagates unchanged, so the JVM behaves as if it had been started directly.
 */
public final class ChildLauncher
{
    private ChildLauncher()
    {
    }

    /**
     * Starts {@link ChildControl}, then runs the real main class on this thread.
     *
     * @param args the real main class's binary name, then the arguments its {@code main} receives.
     * @throws Throwable whatever the real {@code main} throws, unwrapped; an {@link IllegalArgumentException} if no
     *                   main class is given or its {@code main} is not static, a {@link ReflectiveOperationException}
     *                   if it or its public {@code main(String[])} cannot be found.
     */
    public static void main(final String[] args) throws Throwable
    {
        if (args.length < 1)
        {
            throw new IllegalArgumentException("usage: ChildLauncher <mainClass> [args...]");
        }
        ChildControl.start();

        final Method main = Class.forName(args[0]).getMethod("main", String[].class);
        if (!Modifier.isStatic(main.getModifiers()))
        {
            throw new IllegalArgumentException(args[0] + ".main(String[]) is not static");
        }
        main.setAccessible(true);
        try
        {
            main.invoke(null, (Object)Arrays.copyOfRange(args, 1, args.length));
        }
        catch (final InvocationTargetException ex)
        {
            throw ex.getCause();
        }
    }
}
