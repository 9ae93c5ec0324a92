package io.pekkoshm.benchmarks.runner;

import io.pekkoshm.benchmarks.transports.Transport;
import io.pekkoshm.testkit.process.ChildJvm;
import io.pekkoshm.testkit.process.ChildJvmSpec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the children run and on which class path. The test kit's {@link ChildJvm} builds their command line (the
 * plugin's {@code JavaCommand}: the same {@code java}, the project's JVM flags); this adds a heap for the session and
 * the class path of the transport. Every transport uses this JVM's class path except Artery Aeron-UDP, whose JVMs get
 * it with Aeron and Agrona swapped for the versions pekko-remote 1.7 declares (1.45.2 / 1.22.0, copied by the build
 * into {@code bench.arteryUdpLib}): the plugin's Aeron 1.51 needs Agrona 2.x, which Artery's Aeron cannot use.
 */
final class ChildCommands
{
    private static final String CLASS_PATH = "java.class.path";
    private static final Pattern AERON_OR_AGRONA =
        Pattern.compile("(aeron-(client|driver|annotations)|agrona)-[^/]*\\.jar$");

    private final Path arteryUdpLib;

    ChildCommands(final Path arteryUdpLib)
    {
        this.arteryUdpLib = arteryUdpLib;
    }

    /** The class path a transport's JVMs get, or why there is none. */
    Classpath classpath(final Transport transport)
    {
        final String own = System.getProperty(CLASS_PATH);
        if (transport != Transport.ARTERY_AERON_UDP)
        {
            return new Classpath(own, null);
        }
        final List<String> jars;
        try (Stream<Path> files = null == arteryUdpLib || !Files.isDirectory(arteryUdpLib) ? Stream.empty() :
            Files.list(arteryUdpLib))
        {
            jars = files.filter(p -> p.toString().endsWith(".jar")).map(Path::toString).sorted()
                .collect(Collectors.toList());
        }
        catch (final IOException ex)
        {
            return new Classpath(null, "cannot read " + arteryUdpLib + ": " + ex.getMessage());
        }
        if (jars.size() < 3)
        {
            return new Classpath(null, "left out: its class path (Aeron 1.45.2 and Agrona 1.22.0, which cannot share " +
                "a class path with the plugin's Aeron 1.51 / Agrona 2.4.1) was not prepared; run through Maven " +
                "(the build copies them to target/artery-aeron-udp-lib)");
        }
        final List<String> entries = new ArrayList<>(jars);
        Arrays.stream(own.split(File.pathSeparator))
            .filter(entry -> !AERON_OR_AGRONA.matcher(entry).find())
            .forEach(entries::add);
        return new Classpath(String.join(File.pathSeparator, entries), null);
    }

    /** A child named {@code name} running {@code main}: {@code <jvmOptions> -XX:+ExitOnOutOfMemoryError}. */
    static ChildJvmSpec spec(final String name, final List<String> jvmOptions, final Class<?> main,
        final List<String> args)
    {
        return ChildJvmSpec.of(name, main)
            .jvmArgs(jvmOptions.toArray(String[]::new))
            .jvmArgs("-XX:+ExitOnOutOfMemoryError")
            .programArgs(args.toArray(String[]::new));
    }

    /** A class path, or the reason a transport has none. */
    record Classpath(String value, String missingReason)
    {
        Optional<String> missing()
        {
            return Optional.ofNullable(missingReason);
        }
    }
}
