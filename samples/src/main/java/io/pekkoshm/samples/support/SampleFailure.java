package io.pekkoshm.samples.support;

/**
 * A sample did not do what it set out to do; the message says what, for a reader of the console. The sample's JVM
 * exits with {@link #exitCode()} (see {@link Samples#runAndExit}).
 */
public final class SampleFailure extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** The usual exit code of a failed sample. */
    public static final int FAILED = 1;
    /** The exit code of a mode a sample offers that is not available yet. */
    public static final int NOT_AVAILABLE = 2;

    private final int exitCode;

    /**
     * @param message what went wrong, in words a user of the sample understands.
     */
    public SampleFailure(final String message)
    {
        this(FAILED, message);
    }

    /**
     * @param exitCode the JVM's exit code, not 0.
     * @param message  what went wrong, in words a user of the sample understands.
     */
    public SampleFailure(final int exitCode, final String message)
    {
        super(message, null, false, false);
        if (0 == exitCode)
        {
            throw new IllegalArgumentException("a failure exits non-zero");
        }
        this.exitCode = exitCode;
    }

    /** {@return the exit code of the JVM that failed this way} */
    public int exitCode()
    {
        return exitCode;
    }
}
