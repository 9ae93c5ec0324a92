package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.transports.NodeHost;
import io.pekkoshm.benchmarks.transports.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the nodes of a session run: the cross-host column's two simulated hosts (a directory and an address each,
 * one secret per session, deleted after it), every other column's one host; and the clean-up of the hosts'
 * directories. Runs in a temporary folder, not in /dev/shm.
 */
class SessionHostsTest
{
    @TempDir
    Path base;

    @Test
    void shouldPutThePeerOnHostBAndTheOtherNodesOnHostAWithOneOwnerOnlySecretDeletedAfterTheSession()
        throws Exception
    {
        final RunDirectories directories = RunDirectories.in(base, "run");
        final NodeHost peer;
        final NodeHost driver;
        try (SessionHosts hosts = SessionHosts.open(Transport.SHM_CROSS_HOST, directories, "shm-cross-host-main"))
        {
            peer = hosts.of(SessionHosts.PEER);
            driver = hosts.of("driver");
            assertEquals(driver, hosts.of("streamer"), "the isolation streamer is another node of host A");
            assertEquals(Optional.of("127.0.0.2"), peer.simulatedHostname());
            assertEquals(Optional.of("127.0.0.1"), driver.simulatedHostname());
            assertEquals(directories.hostDirectory("b"), peer.directory());
            assertEquals(directories.hostDirectory("a"), driver.directory());
            assertNotEquals(peer.directory(), driver.directory(), "a media driver per host");
            assertFalse(List.of(peer.directory(), driver.directory()).contains(directories.shmDirectory()));
            assertEquals(List.of(driver.directory(), peer.directory()), hosts.directories());

            final Path secret = peer.secretFile();
            assertEquals(secret, driver.secretFile(), "every host proves its handshakes with the same bytes");
            assertEquals(SessionHosts.SECRET_BYTES, Files.size(secret));
            assertTrue(Files.size(secret) >= 16, "the plugin's shortest secret");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        }
        assertFalse(Files.exists(peer.secretFile()), "the secret is deleted after the session");
    }

    @Test
    void shouldPutEveryNodeOfTheOtherColumnsInTheRunsOneDirectoryWithoutASecret() throws Exception
    {
        final RunDirectories directories = RunDirectories.in(base, "run");
        try (SessionHosts hosts = SessionHosts.open(Transport.SHM_DIRECT, directories, "shm-direct-main"))
        {
            for (final String role : List.of(SessionHosts.PEER, "driver", "streamer"))
            {
                assertEquals(NodeHost.local(directories.shmDirectory()), hosts.of(role));
            }
            assertEquals(List.of(directories.shmDirectory()), hosts.directories());
        }
        try (var files = Files.list(base.resolve("run")))
        {
            assertEquals(0, files.count(), "no secret file");
        }
    }

    @Test
    void shouldRemoveEverySimulatedHostsDirectoryItsDriverLeftBehindAndSayIt() throws Exception
    {
        final Path logs = Files.createDirectories(base.resolve("logs"));
        try (RunDirectories directories = RunDirectories.in(base, "run"))
        {
            for (final String host : RunDirectories.SIMULATED_HOSTS)
            {
                Files.createDirectories(directories.hostDirectory(host).resolve("nodes"));
            }
            assertTrue(directories.hostDirectory("a").startsWith(base.resolve("run")));
            assertEquals(3, directories.pluginDirectories().size());

            final Optional<String> note = directories.awaitShmDriverExit(100, logs);

            assertTrue(note.isPresent());
            for (final String host : RunDirectories.SIMULATED_HOSTS)
            {
                assertFalse(Files.exists(directories.hostDirectory(host)), host);
                assertTrue(note.get().contains(directories.hostDirectory(host).toString()), note.get());
            }
            assertTrue(directories.awaitShmDriverExit(100, logs).isEmpty(), "nothing left the second time");
        }
        assertFalse(Files.exists(base.resolve("run")));
    }
}
