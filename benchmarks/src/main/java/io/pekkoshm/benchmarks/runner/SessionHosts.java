package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.transports.NodeHost;
import io.pekkoshm.benchmarks.transports.Transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;

/**
 * Where the plugin's nodes of one session run. On one host every node uses the run's plugin directory. The
 * cross-host column puts them on two simulated hosts of this machine: host A ({@value #HOST_A}) holds the driver node
 * (and an isolation session's streamer), host B ({@value #HOST_B}) the peer; each host has a directory of its own, so
 * a media driver of its own, and the peer is in no directory of host A: the plugin reaches it over Aeron UDP. Both
 * hosts' nodes prove their handshakes with one secret file ({@value #SECRET_BYTES} random bytes, owner-only), created
 * for the session and deleted when it is closed.
 *
 * @param hostA  where the driver node (and the streamer) runs.
 * @param hostB  where the peer runs: host A on one host.
 * @param secret the session's secret file, or null on one host.
 */
record SessionHosts(NodeHost hostA, NodeHost hostB, Path secret) implements AutoCloseable
{
    static final String HOST_A = "127.0.0.1";
    static final String HOST_B = "127.0.0.2";
    /** The role of the node on host B; every other role is on host A. */
    static final String PEER = "peer";
    static final int SECRET_BYTES = 32;

    /**
     * @param tag the session's name in file names ({@code <transport>-<session>}), for its secret file.
     * @return the hosts of a session of {@code transport}; for the cross-host column, with its new secret file.
     */
    static SessionHosts open(final Transport transport, final RunDirectories directories, final String tag)
        throws IOException
    {
        if (!transport.crossHost())
        {
            final NodeHost local = NodeHost.local(directories.shmDirectory());
            return new SessionHosts(local, local, null);
        }
        final Path secret = writeSecret(directories.runFile(tag + "-cross-host-secret"));
        final List<String> names = RunDirectories.SIMULATED_HOSTS;
        return new SessionHosts(NodeHost.simulated(directories.hostDirectory(names.get(0)), HOST_A, secret),
            NodeHost.simulated(directories.hostDirectory(names.get(1)), HOST_B, secret), secret);
    }

    /** Creates {@code file} readable and writable by this user only, then fills it with random bytes. */
    private static Path writeSecret(final Path file) throws IOException
    {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        final byte[] bytes = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Files.write(file, bytes);
    }

    /** {@return where the node of {@code role} (peer, driver, streamer) runs} */
    NodeHost of(final String role)
    {
        return PEER.equals(role) ? hostB : hostA;
    }

    /** {@return the plugin's directories of the session, each with its media driver: one, or one per host} */
    List<Path> directories()
    {
        return hostA.equals(hostB) ? List.of(hostA.directory()) : List.of(hostA.directory(), hostB.directory());
    }

    /** Deletes the session's secret file, if it has one. */
    @Override
    public void close() throws IOException
    {
        if (null != secret)
        {
            Files.deleteIfExists(secret);
        }
    }
}
