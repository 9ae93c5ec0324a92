package io.pekkoshm.remote.driver;

/** Where a node's Aeron media driver comes from ({@code pekko.remote.shm.driver.mode}). */
public enum DriverMode
{
    /** Attach to a live driver, or start a standalone driver process that outlives this JVM. */
    AUTO,
    /** Attach to a live driver only; fail if there is none. */
    EXTERNAL,
    /** Run the driver inside this JVM, shared by its actor systems, dying with it. */
    EMBEDDED
}
