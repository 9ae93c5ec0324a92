package io.pekkoshm.remote;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's configuration reference and {@code reference.conf} (with the files it includes) name the same keys
 * under {@code pekko.remote.shm}, with the same defaults.
 * <p>
 * Both files are parsed generically, so keys added to either are checked without touching this test. The
 * reference is every Markdown table under the README heading that starts with "Configuration reference", down to
 * the next heading of the same or a higher level: the first cell of a row names a key in backticks (relative to
 * {@code pekko.remote.shm}, or in full), the second its default as {@code reference.conf} has it.
 */
class ReadmeConfigurationReferenceTest
{
    private static final String ROOT = ShmSettings.ROOT;
    private static final String SECTION = "Configuration reference";
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*)$");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** The module's directory (surefire's basedir), whose parent is the repository. */
    private static Path moduleDirectory()
    {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    private static Path readme()
    {
        return moduleDirectory().getParent().resolve("README.md");
    }

    private static Path referenceConf()
    {
        return moduleDirectory().resolve("src/main/resources/reference.conf");
    }

    /** The source file itself, includes resolved relative to it (pekko-shm-kryo-reference.conf). */
    private static Config parseReference()
    {
        return ConfigFactory.parseFile(referenceConf().toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /**
     * Every key under the object, dotted from it: leaves, and objects that are empty in the reference (such as
     * {@code kryo.classes}, which users fill), mapped to their values.
     */
    static Map<String, ConfigValue> keysOf(final ConfigObject object)
    {
        final Map<String, ConfigValue> keys = new LinkedHashMap<>();
        collect(object, "", keys);
        return keys;
    }

    private static void collect(final ConfigObject object, final String prefix, final Map<String, ConfigValue> keys)
    {
        for (final Map.Entry<String, ConfigValue> entry : object.entrySet())
        {
            final String key = prefix + entry.getKey();
            if (entry.getValue() instanceof ConfigObject && !((ConfigObject)entry.getValue()).isEmpty())
            {
                collect((ConfigObject)entry.getValue(), key + ".", keys);
            }
            else
            {
                keys.put(key, entry.getValue());
            }
        }
    }

    /** A row of the README's reference: the key (relative to pekko.remote.shm), its default cell, its line. */
    record Row(String key, String defaultCell, int line)
    {
    }

    /**
     * The rows of every table in the configuration reference section of a Markdown text.
     *
     * @throws AssertionError if there is no such section.
     */
    static List<Row> referenceRows(final List<String> lines)
    {
        final List<Row> rows = new ArrayList<>();
        int sectionLevel = 0;
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            if (line.stripLeading().startsWith("```"))
            {
                inFence = !inFence;
                continue;
            }
            final Matcher heading = inFence ? null : HEADING.matcher(line);
            if (null != heading && heading.matches())
            {
                final int level = heading.group(1).length();
                if (sectionLevel > 0 && level <= sectionLevel)
                {
                    sectionLevel = 0;
                }
                if (0 == sectionLevel && heading.group(2).strip().startsWith(SECTION))
                {
                    sectionLevel = level;
                }
                continue;
            }
            if (sectionLevel > 0 && !inFence && line.stripLeading().startsWith("|"))
            {
                final String[] cells = line.strip().substring(1).split("\\|", -1);
                final Matcher key = CODE.matcher(cells[0]);
                while (key.find())
                {
                    final String name = key.group(1).strip();
                    rows.add(new Row(name.startsWith(ROOT + ".") ? name.substring(ROOT.length() + 1) : name,
                        cells.length > 1 ? cells[1].strip() : "", i + 1));
                }
            }
        }
        return rows;
    }

    /** A default as the README shows it or as reference.conf renders it, without quotes, backticks and spaces. */
    static String normalised(final String value)
    {
        return value.replaceAll("[`\"\\s]", "");
    }

    private static List<Row> readmeRows() throws IOException
    {
        final List<Row> rows = referenceRows(Files.readAllLines(readme(), StandardCharsets.UTF_8));
        assertFalse(rows.isEmpty(), "README.md has no table of keys under a heading starting with \"" + SECTION + "\"");
        return rows;
    }

    @Test
    void shouldNameEveryKeyOfReferenceConfInTheReadmeAndNoOther() throws IOException
    {
        final Set<String> inReference = new TreeSet<>(keysOf(parseReference().getConfig(ROOT).root()).keySet());
        final Set<String> inReadme = new TreeSet<>();
        readmeRows().forEach(row -> inReadme.add(row.key()));

        final Set<String> undocumented = new TreeSet<>(inReference);
        undocumented.removeAll(inReadme);
        final Set<String> unknown = new TreeSet<>(inReadme);
        unknown.removeAll(inReference);

        final StringBuilder problems = new StringBuilder();
        if (!undocumented.isEmpty())
        {
            problems.append("keys of ").append(referenceConf().getFileName()).append(" (and its includes) missing from ")
                .append("the README's \"").append(SECTION).append("\" tables: ").append(prefixed(undocumented)).append('\n');
        }
        if (!unknown.isEmpty())
        {
            problems.append("keys in the README's \"").append(SECTION).append("\" tables that reference.conf does not ")
                .append("have: ").append(prefixed(unknown)).append('\n');
        }
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void shouldShowTheDefaultOfReferenceConfForEveryKey() throws IOException
    {
        final Map<String, ConfigValue> reference = keysOf(parseReference().getConfig(ROOT).root());
        final List<String> wrong = new ArrayList<>();
        for (final Row row : readmeRows())
        {
            final ConfigValue value = reference.get(row.key());
            if (null == value)
            {
                continue; // reported by the test above
            }
            final String expected = value.render(ConfigRenderOptions.concise());
            if (row.defaultCell().isBlank() || !normalised(row.defaultCell()).equals(normalised(expected)))
            {
                wrong.add(ROOT + "." + row.key() + " (README.md line " + row.line() + "): the README says \"" +
                    row.defaultCell() + "\", reference.conf has " + expected);
            }
        }
        assertTrue(wrong.isEmpty(), "defaults in the README's \"" + SECTION + "\" differ from reference.conf:\n  " +
            String.join("\n  ", wrong));
    }

    private static String prefixed(final Set<String> keys)
    {
        final List<String> full = new ArrayList<>();
        keys.forEach(key -> full.add(ROOT + "." + key));
        return full.toString();
    }

    @Test
    void shouldReadKeysOnlyFromTheTablesOfTheReferenceSection()
    {
        final List<String> markdown = List.of(
            "## Configuration",
            "| `not-this` | 1 | before the section |",
            "### Configuration reference",
            "| Key | Default | What |",
            "|---|---|---|",
            "| `port` | `2552` | the port |",
            "| `pekko.remote.shm.blob.threshold` | `256 KiB` | full names work too |",
            "```",
            "| `inside-a-code-block` | 1 | ignored |",
            "# not a heading inside a fence",
            "```",
            "#### Direct path (a sub-section belongs to the reference)",
            "| `direct.enabled` | `off` | a later table |",
            "## Tuning",
            "| `after` | 1 | after the section |");
        final List<Row> rows = referenceRows(markdown);
        assertEquals(List.of(new Row("port", "`2552`", 6), new Row("blob.threshold", "`256 KiB`", 7),
            new Row("direct.enabled", "`off`", 13)), rows);
    }

    @Test
    void shouldTakeEmptyObjectsAsKeysAndDescendIntoOthers()
    {
        final Config config = ConfigFactory.parseString(
            "a = 1\nb { c = \"x\"\nd {} }\ne = [\"-X\", \"-Y\"]");
        assertEquals(List.of("a", "b.c", "b.d", "e"), new ArrayList<>(keysOf(config.root()).keySet()).stream()
            .sorted().toList());
        assertEquals(normalised("`[\"-X\", \"-Y\"]`"), normalised(config.getValue("e").render(ConfigRenderOptions.concise())));
        assertEquals(normalised("`16 MiB`"), normalised(ConfigFactory.parseString("t = 16 MiB").getValue("t")
            .render(ConfigRenderOptions.concise())));
    }

    @Test
    void shouldFindNoRowsWithoutAReferenceHeading()
    {
        assertTrue(referenceRows(List.of("## Configuration", "| `port` | 1 | x |")).isEmpty());
    }
}
