package io.pekkoshm.remote;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport is the lower layer and the Pekko seam ({@code io.pekkoshm.remote.pekko}) the upper one: the transport
 * names nothing of the seam (not even in a comment) and nothing of classic remoting's SPI, the actor system or
 * Scala; what it needs from above (the peer-exit reaction, where dropped blobs go) is handed to {@code ShmNode} when
 * the seam's classic adapter starts it.
 */
class LayeringTest
{
    /** The only Pekko types the transport uses: addresses and logging. */
    private static final Set<String> PEKKO_TYPES_ALLOWED =
        Set.of("org.apache.pekko.actor.Address", "org.apache.pekko.event.LoggingAdapter");

    private static Path sources(final String pkg)
    {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath()
            .resolve("src/main/java/io/pekkoshm/remote").resolve(pkg);
    }

    /** Every qualified name in the transport package's sources (imports and code) that matches, with its file. */
    private static List<String> transportNames(final Predicate<String> matching) throws IOException
    {
        final Pattern qualified = Pattern.compile("\\b(?:io|org|scala)\\.[\\w.]*\\w");
        try (Stream<Path> files = Files.walk(sources("transport")))
        {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(f ->
            {
                try
                {
                    return qualified.matcher(Files.readString(f)).results().map(MatchResult::group).filter(matching)
                        .map(name -> f.getFileName() + ": " + name);
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }).collect(Collectors.toList());
        }
    }

    @Test
    void shouldSeeTheQualifiedNamesTheTransportUses() throws IOException
    {
        assertFalse(transportNames(type -> type.equals("org.apache.pekko.actor.Address")).isEmpty(),
            "the scan should find the transport's uses of Address in " + sources("transport"));
    }

    @Test
    void shouldKeepThePekkoSeamOutOfTheTransport() throws IOException
    {
        final List<String> upward = transportNames(name -> name.startsWith("io.pekkoshm.remote.pekko"));
        assertTrue(upward.isEmpty(), "transport names the Pekko seam (pass what it needs to ShmNode): " + upward);
    }

    @Test
    void shouldKeepClassicRemotingsSpiAndScalaOutOfTheTransport() throws IOException
    {
        final List<String> found = transportNames(name -> name.startsWith("scala.") ||
            name.startsWith("org.apache.pekko.") && !PEKKO_TYPES_ALLOWED.contains(name));
        assertTrue(found.isEmpty(), "transport uses classic remoting, the actor system or Scala (only " +
            PEKKO_TYPES_ALLOWED + " are allowed; the classic adapter lives in io.pekkoshm.remote.pekko): " + found);
    }
}
