package io.pekkoshm.remote;

import io.pekkoshm.remote.driver.DriverMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the node's Aeron media driver comes from and how long it is waited for: the keys under
 * {@code pekko.remote.shm.driver}; immutable.
 *
 * @param mode                  {@code driver.mode}: where the Aeron media driver comes from.
 * @param aeronDirectory        {@code driver.aeron-directory}: the media driver's directory, absolute
 *                              ({@code <directory>/aeron} when empty).
 * @param idleTimeout           {@code driver.idle-timeout}: how long a standalone driver started in auto mode lives
 *                              without a client.
 * @param startTimeout          {@code driver.start-timeout}: the longest wait for the start-up lock and for a started
 *                              driver to be live.
 * @param timeout               {@code driver.timeout}: the Aeron client's driver timeout (no driver heartbeat for this
 *                              long: driver dead).
 * @param clientLivenessTimeout {@code driver.client-liveness-timeout}: how long a driver the plugin starts waits for a
 *                              client keep-alive.
 * @param jvmOptions            {@code driver.jvm-options}: extra JVM options for a standalone driver process;
 *                              unmodifiable.
 */
public record DriverSettings(
    DriverMode mode,
    Path aeronDirectory,
    Duration idleTimeout,
    Duration startTimeout,
    Duration timeout,
    Duration clientLivenessTimeout,
    List<String> jvmOptions)
{
    /**
     * Reads and validates the driver's settings.
     *
     * @param r         the reader of {@code pekko.remote.shm}.
     * @param directory the node's shared-memory directory, under which the driver's goes by default.
     * @return the validated settings.
     * @throws ShmConfigurationException naming the key and value of the first bad setting.
     */
    static DriverSettings read(final SettingsReader r, final Path directory)
    {
        final DriverMode mode = r.enumValue("driver.mode", DriverMode.class);
        final String aeronDir = r.string("driver.aeron-directory");
        return new DriverSettings(
            mode,
            aeronDir.isBlank() ? directory.resolve("aeron") : Path.of(aeronDir).toAbsolutePath(),
            r.positiveDuration("driver.idle-timeout"),
            r.positiveDuration("driver.start-timeout"),
            r.positiveDuration("driver.timeout"),
            r.positiveDuration("driver.client-liveness-timeout"),
            r.stringList("driver.jvm-options"));
    }
}
