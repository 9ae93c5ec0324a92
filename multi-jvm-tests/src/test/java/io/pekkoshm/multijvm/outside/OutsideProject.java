package io.pekkoshm.multijvm.outside;

import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The plugin as a user gets it, and a project of a user that depends on it.
 * <ul>
 * <li>{@link #locate()} finds this repository and the plugin's jar that the build packaged
 * ({@code pekko-shm-remote/target/pekko-shm-remote_2.13-<version>.jar}, named after the module's artifactId);</li>
 * <li>{@link #install} puts that jar with its pom, and the parent pom, into the local repository, as
 * {@code mvn install} would (with {@code install:install-file}: nothing is rebuilt);</li>
 * <li>{@link #createFromTemplate} copies the template {@code src/test/resources/outside-project} and fills in its
 * {@code @...@} placeholders: the plugin's version, and the versions of the build plugins this repository's build
 * uses, so that building it needs nothing new but the dependency plugin.</li>
 * </ul>
 */
final class OutsideProject
{
    /** The maven-dependency-plugin the outside project copies its dependencies with (as bin/pekko-shm-status). */
    static final String DEPENDENCY_PLUGIN_VERSION = "3.8.1";
    /** The template's folder on the test class path. */
    static final String TEMPLATE = "outside-project";

    private static final String INSTALL_PLUGIN = "org.apache.maven.plugins:maven-install-plugin";
    private static final List<String> BUILD_PLUGINS = List.of(
        "maven-resources-plugin", "maven-compiler-plugin", "maven-surefire-plugin", "maven-jar-plugin",
        "maven-install-plugin");

    private final Path repositoryRoot;
    private final String version;
    private final Path pluginJar;
    private final Map<String, String> pluginVersions;

    private OutsideProject(final Path repositoryRoot, final String version, final Path pluginJar,
        final Map<String, String> pluginVersions)
    {
        this.repositoryRoot = repositoryRoot;
        this.version = version;
        this.pluginJar = pluginJar;
        this.pluginVersions = pluginVersions;
    }

    /**
     * Finds the repository (the parent of this module's folder) and the packaged plugin jar.
     *
     * @throws AssertionError saying to package the plugin if its jar is missing or older than its classes.
     */
    static OutsideProject locate() throws Exception
    {
        final Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        final Path root = module.getParent();
        final Path rootPom = root.resolve("pom.xml");
        final Path pluginModule = root.resolve("pekko-shm-remote");
        if (!Files.isRegularFile(rootPom) || !Files.isRegularFile(pluginModule.resolve("pom.xml")))
        {
            throw new AssertionError("Cannot find the repository's pom.xml and pekko-shm-remote/pom.xml above " +
                module + " (the basedir or working directory should be the multi-jvm-tests module)");
        }
        final Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(rootPom.toFile());
        final String version = text(pom, "/project/version");
        final Map<String, String> versions = new LinkedHashMap<>();
        for (final String plugin : BUILD_PLUGINS)
        {
            versions.put(plugin,
                text(pom, "/project/build/pluginManagement/plugins/plugin[artifactId='" + plugin + "']/version"));
        }
        versions.put("maven-dependency-plugin", DEPENDENCY_PLUGIN_VERSION);

        final Document pluginPom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(pluginModule.resolve("pom.xml").toFile());
        final Path jar = pluginModule.resolve("target").resolve(text(pluginPom, "/project/artifactId") + "-" +
            version + ".jar");
        final String howToFix = " Run `mvn -pl pekko-shm-remote -am package` first (`mvn verify` from the " +
            "repository root does it before this module's tests).";
        if (!Files.isRegularFile(jar))
        {
            throw new AssertionError("The plugin's jar " + jar + " is not there: this test installs the packaged " +
                "artifact and builds a separate project against it." + howToFix);
        }
        final Path classes = pluginModule.resolve("target").resolve("classes");
        final FileTime newestClass = newest(classes);
        if (newestClass.compareTo(Files.getLastModifiedTime(jar)) > 0)
        {
            throw new AssertionError("The plugin's jar " + jar + " is older than its classes in " + classes +
                ", so it would test stale code." + howToFix);
        }
        return new OutsideProject(root, version, jar, versions);
    }

    /** {@return the packaged plugin jar that {@link #install} installs} */
    Path pluginJar()
    {
        return pluginJar;
    }

    String version()
    {
        return version;
    }

    /**
     * Installs the parent pom and the plugin's jar with its pom into the local repository.
     *
     * @param workDirectory an empty folder to run Maven in (outside any project).
     */
    void install(final Maven maven, final Path workDirectory, final Path logDirectory, final Duration timeout)
        throws IOException, InterruptedException
    {
        final String installFile = INSTALL_PLUGIN + ":" + pluginVersions.get("maven-install-plugin") + ":install-file";
        final long deadline = System.nanoTime() + timeout.toNanos();
        maven.run("mvn install-file (parent pom)", workDirectory, logDirectory.resolve("mvn-install-parent.log"),
            timeout, installFile, "-Dfile=" + repositoryRoot.resolve("pom.xml"),
            "-DpomFile=" + repositoryRoot.resolve("pom.xml"), "-Dpackaging=pom");
        maven.run("mvn install-file (plugin jar)", workDirectory, logDirectory.resolve("mvn-install-plugin.log"),
            Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0)), installFile, "-Dfile=" + pluginJar,
            "-DpomFile=" + repositoryRoot.resolve("pekko-shm-remote").resolve("pom.xml"), "-Dpackaging=jar");
    }

    /**
     * Copies the template into {@code target} (which must not exist), filling in its placeholders.
     *
     * @return {@code target}.
     */
    Path createFromTemplate(final Path target) throws IOException, URISyntaxException
    {
        final URL templatePom = OutsideProject.class.getClassLoader().getResource(TEMPLATE + "/pom.xml");
        if (null == templatePom || !"file".equals(templatePom.getProtocol()))
        {
            throw new AssertionError("The template " + TEMPLATE + "/pom.xml is not a file on the test class path: " +
                templatePom);
        }
        final Path template = Path.of(templatePom.toURI()).getParent();
        final Map<String, String> values = new LinkedHashMap<>();
        values.put("@pekko-shm-remote.version@", version);
        pluginVersions.forEach((plugin, pluginVersion) -> values.put("@" + plugin + ".version@", pluginVersion));
        try (Stream<Path> files = Files.walk(template))
        {
            files.forEach(source ->
            {
                final Path copy = target.resolve(template.relativize(source).toString());
                try
                {
                    if (Files.isDirectory(source))
                    {
                        Files.createDirectories(copy);
                        return;
                    }
                    String content = Files.readString(source, StandardCharsets.UTF_8);
                    for (final Map.Entry<String, String> value : values.entrySet())
                    {
                        content = content.replace(value.getKey(), value.getValue());
                    }
                    Files.writeString(copy, content, StandardCharsets.UTF_8);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        final String pom = Files.readString(target.resolve("pom.xml"), StandardCharsets.UTF_8);
        if (pom.matches("(?s).*@[A-Za-z.-]+\\.version@.*"))
        {
            throw new AssertionError("A placeholder of " + target.resolve("pom.xml") + " was not filled in:\n" + pom);
        }
        return target;
    }

    private static String text(final Document pom, final String xpath) throws XPathExpressionException
    {
        final String value = XPathFactory.newInstance().newXPath().evaluate(xpath, pom).trim();
        if (value.isEmpty())
        {
            throw new AssertionError("The repository's pom.xml has no " + xpath);
        }
        return value;
    }

    private static FileTime newest(final Path directory) throws IOException
    {
        if (!Files.isDirectory(directory))
        {
            return FileTime.fromMillis(0);
        }
        try (Stream<Path> files = Files.walk(directory))
        {
            return files.filter(Files::isRegularFile).map(file ->
            {
                try
                {
                    return Files.getLastModifiedTime(file);
                }
                catch (final IOException ex)
                {
                    return FileTime.fromMillis(0);
                }
            }).max(FileTime::compareTo).orElse(FileTime.fromMillis(0));
        }
    }
}
