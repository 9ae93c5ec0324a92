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
 * The plugin and its test kit as a user gets them, and a project of a user that depends on them.
 * <ul>
 * <li>{@link #locate()} finds this repository and the jars that the build packaged for the published modules
 * ({@code pekko-shm-remote/target/pekko-shm-remote_2.13-<version>.jar} and
 * {@code pekko-shm-remote-testkit/target/pekko-shm-remote-testkit_2.13-<version>.jar}, named after each module's
 * artifactId);</li>
 * <li>{@link #install} puts those jars with their poms, the parent pom and the BOM into the local repository, as
 * {@code mvn install} would (with {@code install:install-file}: nothing is rebuilt);</li>
 * <li>{@link #createFromTemplate} copies the template {@code src/test/resources/outside-project} and fills in its
 * {@code @...@} placeholders: the modules' version, and the versions of JUnit, Logback and the build plugins this
 * repository's build uses, so that building and testing it needs nothing new but the dependency plugin.</li>
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
    /** Properties of the parent pom whose values the template uses (as {@code @name@}): the test's libraries. */
    private static final List<String> LIBRARY_VERSIONS = List.of("junit.version", "logback.version");
    private static final String PLUGIN_MODULE = "pekko-shm-remote";
    private static final String KIT_MODULE = "pekko-shm-remote-testkit";
    private static final String BOM_MODULE = "bom";

    private final Path repositoryRoot;
    private final String version;
    private final Path pluginJar;
    private final Path kitJar;
    private final Map<String, String> placeholders;

    private OutsideProject(final Path repositoryRoot, final String version, final Path pluginJar, final Path kitJar,
        final Map<String, String> placeholders)
    {
        this.repositoryRoot = repositoryRoot;
        this.version = version;
        this.pluginJar = pluginJar;
        this.kitJar = kitJar;
        this.placeholders = placeholders;
    }

    /**
     * Finds the repository (the parent of this module's folder) and the packaged jars of the plugin and the kit.
     *
     * @throws AssertionError saying to package them if a jar is missing or older than its classes.
     */
    static OutsideProject locate() throws Exception
    {
        final Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        final Path root = module.getParent();
        final Path rootPom = root.resolve("pom.xml");
        for (final String published : List.of(PLUGIN_MODULE, KIT_MODULE, BOM_MODULE))
        {
            if (!Files.isRegularFile(root.resolve(published).resolve("pom.xml")))
            {
                throw new AssertionError("Cannot find the repository's " + published + "/pom.xml above " + module +
                    " (the basedir or working directory should be the multi-jvm-tests module)");
            }
        }
        final Document pom = parse(rootPom);
        final String version = text(pom, "/project/version");
        final Map<String, String> placeholders = new LinkedHashMap<>();
        placeholders.put("@pekko-shm-remote.version@", version);
        for (final String plugin : BUILD_PLUGINS)
        {
            placeholders.put("@" + plugin + ".version@",
                text(pom, "/project/build/pluginManagement/plugins/plugin[artifactId='" + plugin + "']/version"));
        }
        placeholders.put("@maven-dependency-plugin.version@", DEPENDENCY_PLUGIN_VERSION);
        for (final String property : LIBRARY_VERSIONS)
        {
            placeholders.put("@" + property + "@", text(pom, "/project/properties/" + property));
        }
        return new OutsideProject(root, version, packagedJar(root, PLUGIN_MODULE, version),
            packagedJar(root, KIT_MODULE, version), placeholders);
    }

    /** The jar the build packaged for {@code moduleDirectory}, checked to be there and not older than its classes. */
    private static Path packagedJar(final Path root, final String moduleDirectory, final String version)
        throws Exception
    {
        final Path module = root.resolve(moduleDirectory);
        final Path jar = module.resolve("target").resolve(text(parse(module.resolve("pom.xml")),
            "/project/artifactId") + "-" + version + ".jar");
        final String howToFix = " Run `mvn -pl " + moduleDirectory + " -am package` first (`mvn verify` from the " +
            "repository root does it before this module's tests).";
        if (!Files.isRegularFile(jar))
        {
            throw new AssertionError("The jar " + jar + " is not there: this test installs the packaged artifacts " +
                "and builds a separate project against them." + howToFix);
        }
        final Path classes = module.resolve("target").resolve("classes");
        final FileTime newestClass = newest(classes);
        if (newestClass.compareTo(Files.getLastModifiedTime(jar)) > 0)
        {
            throw new AssertionError("The jar " + jar + " is older than its classes in " + classes +
                ", so it would test stale code." + howToFix);
        }
        return jar;
    }

    /** {@return the packaged plugin jar that {@link #install} installs} */
    Path pluginJar()
    {
        return pluginJar;
    }

    /** {@return the packaged test kit jar that {@link #install} installs} */
    Path kitJar()
    {
        return kitJar;
    }

    String version()
    {
        return version;
    }

    /**
     * Installs the parent pom, the BOM, and the jars of the plugin and the kit with their poms into the local
     * repository, one {@code install:install-file} each, all within {@code timeout}.
     *
     * @param workDirectory an empty folder to run Maven in (outside any project).
     */
    void install(final Maven maven, final Path workDirectory, final Path logDirectory, final Duration timeout)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        installFile(maven, workDirectory, logDirectory, deadline, "parent", repositoryRoot.resolve("pom.xml"),
            repositoryRoot.resolve("pom.xml"), "pom");
        final Path bomPom = repositoryRoot.resolve(BOM_MODULE).resolve("pom.xml");
        installFile(maven, workDirectory, logDirectory, deadline, "bom", bomPom, bomPom, "pom");
        installFile(maven, workDirectory, logDirectory, deadline, "plugin", pluginJar,
            repositoryRoot.resolve(PLUGIN_MODULE).resolve("pom.xml"), "jar");
        installFile(maven, workDirectory, logDirectory, deadline, "testkit", kitJar,
            repositoryRoot.resolve(KIT_MODULE).resolve("pom.xml"), "jar");
    }

    private void installFile(final Maven maven, final Path workDirectory, final Path logDirectory, final long deadline,
        final String what, final Path file, final Path pom, final String packaging)
        throws IOException, InterruptedException
    {
        final String installFile = INSTALL_PLUGIN + ":" + placeholders.get("@maven-install-plugin.version@") +
            ":install-file";
        maven.run("mvn install-file (" + what + ")", workDirectory,
            logDirectory.resolve("mvn-install-" + what + ".log"),
            Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0)), installFile, "-Dfile=" + file,
            "-DpomFile=" + pom, "-Dpackaging=" + packaging);
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
                    for (final Map.Entry<String, String> value : placeholders.entrySet())
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

    private static Document parse(final Path pom) throws Exception
    {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static String text(final Document pom, final String xpath) throws XPathExpressionException
    {
        final String value = XPathFactory.newInstance().newXPath().evaluate(xpath, pom).trim();
        if (value.isEmpty())
        {
            throw new AssertionError("A pom.xml of the repository has no " + xpath);
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
