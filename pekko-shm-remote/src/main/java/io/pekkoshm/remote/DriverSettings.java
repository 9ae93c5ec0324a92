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
 * @param maxPark               {@code driver.max-park}: the longest a driver the plugin starts parks its thread when
 *                              it has nothing to do (the last step of its back-off).
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
    Duration maxPark,
    List<String> jvmOptions)
{
    /** The shortest {@code driver.max-park}: Agrona's shortest park. */
    static final Duration MIN_MAX_PARK = Duration.ofNanos(1000);
    /** The longest {@code driver.max-park}: longer only delays a back-pressured sender, it saves nothing. */
    static final Duration MAX_MAX_PARK = Duration.ofMillis(100);

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
            r.durationBetween("driver.max-park", MIN_MAX_PARK, MAX_MAX_PARK),
            r.stringList("driver.jvm-options"));
    }
}
