package io.pekkoshm.samples.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmAssociationSnapshot;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.samples.support.Args;
import io.pekkoshm.samples.support.SampleFailure;
import io.pekkoshm.samples.support.Samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster sample on two simulated hosts of this machine: a four-node Pekko Cluster with cross-host on. Host A is
 * a shared-memory directory of its own (so a media driver of its own) and the address 127.0.0.1, host B another
 * directory and 127.0.0.2. Node-1 (this JVM, host A) hosts the greeter; node-2 (host A), node-3 and node-4 (host B)
 * join, find it through the receptionist, call it with a typed ask and print who answered and the medium of their
 * association to node-1: {@value ShmAssociationSnapshot#IPC} within host A, {@value ShmAssociationSnapshot#UDP} from
 * host B, chosen by the plugin per peer. Node-1 checks the same from its side. Every node proves its handshakes with
 * one shared secret, a file of random bytes this sample writes (owner-only) and removes at the end.
 * <pre>
 *   mvn -q -Pcross-host -pl samples -am verify -DskipTests
 * </pre>
 */
public final class CrossHostSample
{
    private static final String SAMPLE = "cross-host";

    private CrossHostSample()
    {
    }

    /**
     * A simulated host: its own shared-memory directory, so its own media driver, and its own address.
     *
     * @param name      {@code A} or {@code B}.
     * @param hostname  the address its nodes bind and advertise, {@code pekko.remote.shm.hostname}.
     * @param directory its shared-memory directory, {@code pekko.remote.shm.directory}.
     * @param secret    the shared secret's file, {@code pekko.remote.shm.cross-host.secret-file}.
     * @param nodes     the names of its nodes, node-1 first on host A.
     */
    record Host(String name, String hostname, Path directory, Path secret, List<String> nodes)
    {
        /** {@return the settings that make a node one of this host's} */
        Map<String, String> settings()
        {
            final Map<String, String> settings = new LinkedHashMap<>();
            settings.put(ShmSettings.ROOT + ".hostname", hostname);
            settings.put(ShmSettings.ROOT + ".directory", directory.toString());
            settings.put(ShmSettings.ROOT + ".cross-host.secret-file", secret.toString());
            return settings;
        }

        /**
         * @param common the configuration every node loads.
         * @return a node of this host's configuration.
         */
        Config config(final Config common)
        {
            return ConfigFactory.parseMap(settings()).withFallback(common);
        }

        /** {@return the settings as JVM options, for a node of this host in a JVM of its own} */
        List<String> jvmOptions()
        {
            final List<String> options = new ArrayList<>();
            settings().forEach((key, value) -> options.add("-D" + key + "=" + value));
            return options;
        }

        /** {@return the medium node-1 (host A) reaches this host's nodes over: IPC within host A, else UDP} */
        String mediumFromHostA()
        {
            return "A".equals(name) ? ShmAssociationSnapshot.IPC : ShmAssociationSnapshot.UDP;
        }
    }

    /**
     * @param args none.
     */
    public static void main(final String[] args)
    {
        Samples.runAndExit(SAMPLE, () ->
        {
            Args.parse(SAMPLE, args); // it has no options: prints its usage for any argument
            run();
        });
    }

    private static void run() throws Exception
    {
        final Path secret = writeSecret();
        final ShmSettings settingsA;
        final ShmSettings settingsB;
        try
        {
            // The base directory is the one the configuration names (the default, or -Dpekko.remote.shm.directory).
            final Config common = ConfigFactory.parseMap(Map.of(ShmSettings.ROOT + ".cross-host.secret-file",
                secret.toString())).withFallback(ConfigFactory.load(SAMPLE));
            final Path base = ShmSettings.fromRootConfig(common).transport().directory();
            final Host hostA = new Host("A", "127.0.0.1", Path.of(base + "-host-a"), secret,
                List.of("node-1", "node-2"));
            final Host hostB = new Host("B", "127.0.0.2", Path.of(base + "-host-b"), secret,
                List.of("node-3", "node-4"));
            settingsA = ShmSettings.fromRootConfig(hostA.config(common));
            settingsB = ShmSettings.fromRootConfig(hostB.config(common));
            Samples.say(SAMPLE + ": shared secret: 32 random bytes in " + secret + " (" +
                PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)) + ")");
            final List<ClusterSample.Client> clients = new ArrayList<>();
            final Map<String, Host> hostOf = new LinkedHashMap<>();
            for (final Host host : List.of(hostA, hostB))
            {
                Samples.say(SAMPLE + ": host " + host.name() + ": " + host.hostname() + ", shared memory in " +
                    host.directory() + ", " + Samples.and(host.nodes()));
                for (final String node : host.nodes())
                {
                    if (!"node-1".equals(node))
                    {
                        clients.add(new ClusterSample.Client(node, host.jvmOptions()));
                        hostOf.put(node, host);
                    }
                }
            }

            ClusterSample.runCluster(SAMPLE, SAMPLE, hostA.config(common), " on host A", clients, asked ->
            {
                final List<String> wrong = new ArrayList<>();
                hostOf.forEach((node, host) ->
                {
                    Samples.say(SAMPLE + ": node-1 was asked by " + node + " (host " + host.name() + ") over " +
                        asked.get(node));
                    if (!host.mediumFromHostA().equals(asked.get(node)))
                    {
                        wrong.add(node + " (host " + host.name() + ") over " + asked.get(node) + ", not " +
                            host.mediumFromHostA());
                    }
                });
                if (!wrong.isEmpty())
                {
                    throw new SampleFailure("node-1 was asked by " + String.join(", ", wrong));
                }
            });
        }
        finally
        {
            Files.deleteIfExists(secret);
            Samples.say(SAMPLE + ": shared secret " + secret + " removed");
        }
        Samples.awaitSharedMemoryReleased(settingsA);
        Samples.awaitSharedMemoryReleased(settingsB);
    }

    /** {@return a new file of 32 random bytes that only this OS user can read and write} */
    private static Path writeSecret() throws IOException
    {
        final Path secret = Files.createTempFile("pekko-shm-cross-host-secret-", "",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        final byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        Files.write(secret, bytes);
        return secret;
    }
}
