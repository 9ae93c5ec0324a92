package io.pekkoshm.remote;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docs/configuration.md} shows the module's configuration files as they are: each is embedded verbatim in a
 * fenced block that follows a marker line naming the file,
 * <pre>
 *   &lt;!-- verbatim: pekko-shm-remote/src/main/resources/reference.conf --&gt;
 *   ```hocon
 *   ...the file, byte for byte (line endings aside)...
 *   ```
 * </pre>
 * The page must embed {@code reference.conf}, every file it includes, and the two one-line files
 * ({@code pekko-shm-remote.conf}, {@code pekko-shm-cluster.conf}); every embedded copy must equal its file.
 * <p>
 * A change to one of those files fails this test until the page is brought in step. To do that, run this test once
 * with {@code -Ddocs.update=true}: it rewrites the blocks from the files (and still fails, so that a build never
 * passes while changing sources), then commit {@code docs/configuration.md}.
 */
class DocsConfigurationTest
{
    private static final String PAGE = "docs/configuration.md";
    private static final String RESOURCES = "pekko-shm-remote/src/main/resources/";
    private static final List<String> ALWAYS_EMBEDDED = List.of(
        RESOURCES + "reference.conf", RESOURCES + "pekko-shm-remote.conf", RESOURCES + "pekko-shm-cluster.conf");
    private static final Pattern MARKER = Pattern.compile("^<!-- verbatim: (\\S+) -->$");
    private static final Pattern INCLUDE = Pattern.compile("^\\s*include\\s+\"([^\"]+)\"\\s*$");
    private static final String FENCE = "```";
    private static final String UPDATE_PROPERTY = "docs.update";
    private static final String FIX =
        "To bring " + PAGE + " in step, run\n" +
        "  mvn -o -B -pl pekko-shm-remote verify -Dtest=DocsConfigurationTest " +
        "-Dsurefire.failIfNoSpecifiedTests=false -Dmaven.javadoc.skip=true -D" + UPDATE_PROPERTY + "=true\n" +
        "which copies the files into their blocks, then commit " + PAGE +
        " (or paste each file into its block by hand).";

    /** A block of the page: the file its marker names and the lines between its fences (0-based, end exclusive). */
    record Block(String file, int firstLine, int endLine)
    {
    }

    /** The repository: the parent of the module's directory (surefire's basedir). */
    private static Path repository()
    {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
    }

    /**
     * The verbatim blocks of a Markdown text, in order.
     *
     * @throws IllegalArgumentException if a marker is not followed at once by an opening fence, or a block is not
     *                                  closed.
     */
    static List<Block> blocks(final List<String> lines)
    {
        final List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final Matcher marker = MARKER.matcher(lines.get(i).strip());
            if (!marker.matches())
            {
                continue;
            }
            if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith(FENCE))
            {
                throw new IllegalArgumentException("line " + (i + 1) + ": the marker for " + marker.group(1) +
                    " must be followed at once by a line opening a fenced block (" + FENCE + "hocon)");
            }
            int end = i + 2;
            while (end < lines.size() && !lines.get(end).equals(FENCE))
            {
                end++;
            }
            if (end >= lines.size())
            {
                throw new IllegalArgumentException("line " + (i + 2) + ": the block of " + marker.group(1) +
                    " is never closed by a line " + FENCE);
            }
            blocks.add(new Block(marker.group(1), i + 2, end));
            i = end;
        }
        return blocks;
    }

    /** The files {@code include "..."} names in a configuration file, relative to the same directory. */
    static List<String> includes(final List<String> lines)
    {
        final List<String> names = new ArrayList<>();
        for (final String line : lines)
        {
            final Matcher include = INCLUDE.matcher(line);
            if (include.matches())
            {
                names.add(include.group(1));
            }
        }
        return names;
    }

    /** The first line where two texts differ, for the failure message. */
    static String firstDifference(final List<String> expected, final List<String> actual)
    {
        final int common = Math.min(expected.size(), actual.size());
        for (int i = 0; i < common; i++)
        {
            if (!expected.get(i).equals(actual.get(i)))
            {
                return "line " + (i + 1) + " of the file is \"" + expected.get(i) + "\", the page has \"" +
                    actual.get(i) + "\"";
            }
        }
        return expected.size() > actual.size() ?
            "the page lacks the file's lines from line " + (common + 1) + " (\"" + expected.get(common) + "\")" :
            "the page has lines the file lacks, from line " + (common + 1) + " (\"" + actual.get(common) + "\")";
    }

    private static List<String> read(final Path file) throws IOException
    {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static List<String> requiredFiles() throws IOException
    {
        final List<String> required = new ArrayList<>(ALWAYS_EMBEDDED);
        for (final String included : includes(read(repository().resolve(RESOURCES + "reference.conf"))))
        {
            required.add(RESOURCES + included);
        }
        return required;
    }

    @Test
    void shouldEmbedEveryConfigurationFileVerbatimInTheConfigurationPage() throws IOException
    {
        final Path page = repository().resolve(PAGE);
        final List<String> lines = read(page);
        final Map<String, Block> byFile = new LinkedHashMap<>();
        blocks(lines).forEach(block -> byFile.put(block.file(), block));

        final List<String> problems = new ArrayList<>();
        for (final String file : requiredFiles())
        {
            if (!byFile.containsKey(file))
            {
                problems.add(PAGE + " does not embed " + file + ": add a line \"<!-- verbatim: " + file +
                    " -->\" followed by an empty " + FENCE + "hocon block, then run the command below.");
            }
        }

        final List<String> updated = new ArrayList<>(lines);
        final List<Block> fromLast = new ArrayList<>(byFile.values());
        fromLast.sort((a, b) -> Integer.compare(b.firstLine(), a.firstLine()));
        for (final Block block : fromLast)
        {
            final Path file = repository().resolve(block.file());
            if (!Files.isRegularFile(file))
            {
                problems.add(PAGE + " line " + (block.firstLine() - 1) + " embeds " + block.file() +
                    ", which does not exist: fix or remove the marker.");
                continue;
            }
            final List<String> expected = read(file);
            final List<String> actual = lines.subList(block.firstLine(), block.endLine());
            if (!expected.equals(actual))
            {
                problems.add("the copy of " + block.file() + " in " + PAGE + " (from line " + (block.firstLine() + 1) +
                    ") differs from the file: " + firstDifference(expected, actual) + ".");
                updated.subList(block.firstLine(), block.endLine()).clear();
                updated.addAll(block.firstLine(), expected);
            }
        }

        if (!problems.isEmpty() && Boolean.getBoolean(UPDATE_PROPERTY) && !updated.equals(lines))
        {
            Files.write(page, updated, StandardCharsets.UTF_8);
            problems.add("(-D" + UPDATE_PROPERTY + "=true: " + PAGE + " has been rewritten from the files; " +
                "run the test again without it, then commit the page)");
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n" + FIX);
    }

    @Test
    void shouldFindTheBlockAfterEachMarkerAndTheIncludesOfAFile()
    {
        final List<String> markdown = List.of(
            "# Configuration",
            "<!-- verbatim: a.conf -->",
            "```hocon",
            "include \"b.conf\"",
            "x = 1",
            "```",
            "```",
            "not = embedded",
            "```",
            "<!-- verbatim: b.conf -->",
            "```hocon",
            "```");
        assertEquals(List.of(new Block("a.conf", 3, 5), new Block("b.conf", 11, 11)), blocks(markdown));
        assertEquals(List.of("b.conf"), includes(markdown.subList(3, 5)));
    }

    @Test
    void shouldRefuseAMarkerWithoutABlockAndABlockNeverClosed()
    {
        assertThrows(IllegalArgumentException.class, () -> blocks(List.of("<!-- verbatim: a.conf -->", "text")));
        assertThrows(IllegalArgumentException.class, () -> blocks(List.of("<!-- verbatim: a.conf -->", "```", "x")));
    }

    @Test
    void shouldNameTheFirstLineThatDiffers()
    {
        assertEquals("line 2 of the file is \"b\", the page has \"c\"",
            firstDifference(List.of("a", "b"), List.of("a", "c")));
        assertTrue(firstDifference(List.of("a", "b"), List.of("a")).contains("lacks the file's lines from line 2"));
        assertTrue(firstDifference(List.of("a"), List.of("a", "b")).contains("lines the file lacks, from line 2"));
    }
}
