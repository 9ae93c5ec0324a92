package io.pekkoshm.remote;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The plugin's reference.conf documents every key, and holds every key {@link ShmSettings} reads. */
class ReferenceConfDocumentationTest
{
    /** Keys classic remoting reads from the transport's section, not ShmSettings. */
    private static final Set<String> READ_BY_CLASSIC_REMOTING = Set.of("transport-class", "applied-adapters");

    /** The ready-made inline dispatcher's section, read by Pekko's Dispatchers when an actor selects it. */
    private static final String READ_BY_PEKKO_DISPATCHERS = "inline-dispatcher.";

    /** The sub-section of the Kryo serializer, read by its own settings class (KryoSettings), not ShmSettings. */
    private static final String READ_BY_KRYO_SETTINGS = "kryo.";

    /** The plugin's own reference.conf alone (not merged with Pekko's), from the module's classes. */
    private static Config pluginReference() throws URISyntaxException
    {
        final Path classes = Path.of(ShmSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final Path file = Files.isDirectory(classes) ? classes.resolve("reference.conf") : null;
        final URL url;
        try
        {
            url = null != file ? file.toUri().toURL() : new URL("jar:" + classes.toUri() + "!/reference.conf");
        }
        catch (final java.net.MalformedURLException ex)
        {
            throw new AssertionError(ex);
        }
        return ConfigFactory.parseURL(url,
            ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    }

    private static Set<String> leafKeys(final Config shm)
    {
        final Set<String> keys = new TreeSet<>();
        for (final Map.Entry<String, ConfigValue> entry : shm.entrySet())
        {
            keys.add(entry.getKey());
        }
        return keys;
    }

    @Test
    void shouldDocumentEveryKeyWithAComment() throws Exception
    {
        final Config shm = pluginReference().getConfig(ShmSettings.ROOT);
        final List<String> undocumented = new ArrayList<>();
        for (final Map.Entry<String, ConfigValue> entry : shm.entrySet())
        {
            final List<String> comments = entry.getValue().origin().comments();
            if (comments.isEmpty() || comments.stream().allMatch(String::isBlank))
            {
                undocumented.add(ShmSettings.ROOT + "." + entry.getKey());
            }
        }
        assertTrue(undocumented.isEmpty(), "keys of reference.conf without a comment: " + undocumented);
    }

    @Test
    void shouldTellADocumentedKeyFromAnUndocumentedOne()
    {
        final Config sample = ConfigFactory.parseString("a {\n  # says what b is\n  b = 1\n  c = 2\n}");
        assertEquals(List.of(" says what b is"), sample.getValue("a.b").origin().comments());
        assertTrue(sample.getValue("a.c").origin().comments().isEmpty());
    }

    @Test
    void shouldHaveEveryKeyThatShmSettingsReads() throws Exception
    {
        final Config shm = pluginReference().getConfig(ShmSettings.ROOT);
        final ShmSettings settings = ShmSettings.fromConfig(shm);
        assertNotNull(settings);
        assertEquals(settings.toString(), ShmSettings.fromRootConfig(ConfigFactory.defaultReference()).toString());
    }

    @Test
    void shouldReadEveryKeyOfReferenceConfSoNoneIsDead() throws Exception
    {
        final Config shm = pluginReference().getConfig(ShmSettings.ROOT);
        final Set<String> keys = leafKeys(shm);
        assertTrue(keys.containsAll(READ_BY_CLASSIC_REMOTING), keys.toString());
        for (final String key : keys)
        {
            if (READ_BY_CLASSIC_REMOTING.contains(key) || key.startsWith(READ_BY_KRYO_SETTINGS) ||
                key.startsWith(READ_BY_PEKKO_DISPATCHERS))
            {
                continue;
            }
            try
            {
                ShmSettings.fromConfig(shm.withoutPath(key));
                fail("ShmSettings does not read pekko.remote.shm." + key + " (it started without it)");
            }
            catch (final ShmConfigurationException ex)
            {
                assertTrue(ex.getMessage().contains(ShmSettings.ROOT + "." + key),
                    "without " + key + " the error should name it: " + ex.getMessage());
            }
        }
    }

    @Test
    void shouldPointTheTransportClassAtTheTransport() throws Exception
    {
        final Config shm = pluginReference().getConfig(ShmSettings.ROOT);
        assertEquals(io.pekkoshm.remote.pekko.ShmTransport.class.getName(), shm.getString("transport-class"));
        assertTrue(shm.getList("applied-adapters").isEmpty());
    }
}
