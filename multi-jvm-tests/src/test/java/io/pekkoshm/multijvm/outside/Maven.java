package io.pekkoshm.multijvm.outside;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs Maven as a subprocess, the same Maven and local repository as the build running the test where that can be
 * told: the executable from the {@code maven.home} system property, else {@code mvn} on the PATH; the local
 * repository from {@code maven.repo.local}, else the folder the test's own Aeron jar was resolved from (so a build
 * started with {@code -Dmaven.repo.local=...} finds its artifacts), else Maven's default. Output goes to a log file.
 */
final class Maven
{
    private final Path executable;
    private final Optional<Path> localRepository;

    private Maven(final Path executable, final Optional<Path> localRepository)
    {
        this.executable = executable;
        this.localRepository = localRepository;
    }

    /** @throws AssertionError naming what was looked for, if no Maven can be found. */
    static Maven find()
    {
        return new Maven(executable(), buildsLocalRepository());
    }

    Optional<Path> localRepository()
    {
        return localRepository;
    }

    /**
     * Runs {@code mvn -B -ntp <args>} in {@code directory} and waits for it to succeed.
     *
     * @throws AssertionError with the end of the log if it fails or overruns {@code timeout}.
     */
    void run(final String name, final Path directory, final Path log, final Duration timeout, final String... args)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.add("-B");
        command.add("-ntp");
        command.add("-Dstyle.color=never");
        localRepository.ifPresent(repository -> command.add("-Dmaven.repo.local=" + repository));
        command.addAll(List.of(args));
        try (LoggedProcess maven = LoggedProcess.start(name, command, directory, log))
        {
            maven.closeStdin();
            maven.awaitSuccess(timeout);
        }
    }

    private static Path executable()
    {
        final String home = System.getProperty("maven.home", System.getenv("MAVEN_HOME"));
        if (null != home && Files.isExecutable(Path.of(home, "bin", "mvn")))
        {
            return Path.of(home, "bin", "mvn");
        }
        final String path = System.getenv().getOrDefault("PATH", "");
        for (final String entry : path.split(File.pathSeparator))
        {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "mvn")))
            {
                return Path.of(entry, "mvn");
            }
        }
        throw new AssertionError("No Maven to build the outside project with: neither the maven.home system " +
            "property (" + home + ") nor the PATH (" + path + ") leads to an executable mvn");
    }

    /** The repository the test's own dependencies came from: .../io/aeron/aeron-client/V/aeron-client-V.jar. */
    private static Optional<Path> buildsLocalRepository()
    {
        final String configured = System.getProperty("maven.repo.local");
        if (null != configured && !configured.isBlank())
        {
            return Optional.of(Path.of(configured).toAbsolutePath());
        }
        try
        {
            final Path jar = Path.of(io.aeron.Aeron.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            final Path artifact = jar.getParent().getParent();
            if (jar.toString().endsWith(".jar") && artifact.endsWith(Path.of("io", "aeron", "aeron-client")))
            {
                return Optional.of(artifact.getParent().getParent().getParent());
            }
        }
        catch (final URISyntaxException | RuntimeException ex)
        {
            // An unusual class path (an IDE's): let Maven use its default.
        }
        return Optional.empty();
    }
}
