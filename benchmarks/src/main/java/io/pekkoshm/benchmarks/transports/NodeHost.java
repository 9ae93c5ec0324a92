package io.pekkoshm.benchmarks.transports;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a node of the plugin runs: the shared-memory directory it registers in (one per host: its media driver, its
 * registry of nodes) and, for the cross-host column, the address of its simulated host and the secret every node
 * shares. The other transports ignore it.
 *
 * @param directory  {@code pekko.remote.shm.directory}.
 * @param hostname   {@code pekko.remote.shm.hostname} of a simulated host, or null on one host (the plugin's default).
 * @param secretFile {@code pekko.remote.shm.cross-host.secret-file} of a simulated host, or null on one host.
 */
public record NodeHost(Path directory, String hostname, Path secretFile)
{
    public NodeHost
    {
        Objects.requireNonNull(directory, "directory");
        if ((null == hostname) != (null == secretFile))
        {
            throw new IllegalArgumentException("a simulated host has both a hostname and a secret file, one host " +
                "neither: " + hostname + ", " + secretFile);
        }
    }

    /** {@return every node of one host in {@code directory}, under the plugin's default hostname} */
    public static NodeHost local(final Path directory)
    {
        return new NodeHost(directory, null, null);
    }

    /** {@return a node of a simulated host: its own directory, its address, and the secret of every host} */
    public static NodeHost simulated(final Path directory, final String hostname, final Path secretFile)
    {
        return new NodeHost(directory, Objects.requireNonNull(hostname, "hostname"),
            Objects.requireNonNull(secretFile, "secretFile"));
    }

    /** {@return the address of the simulated host, if this is one} */
    public Optional<String> simulatedHostname()
    {
        return Optional.ofNullable(hostname);
    }
}
