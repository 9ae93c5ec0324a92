package io.pekkoshm.remote;

import io.pekkoshm.remote.pekko.PekkoTransportHost;
import io.pekkoshm.remote.transport.TransportHost;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport is the lower layer and the Pekko seam ({@code io.pekkoshm.remote.pekko}) the upper one: the transport
 * reaches the seam only through {@link TransportHost}, whose implementation is registered in {@code META-INF/services}.
 */
class LayeringTest
{
    private static Path sources(final String pkg)
    {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath()
            .resolve("src/main/java/io/pekkoshm/remote").resolve(pkg);
    }

    @Test
    void shouldKeepTheTransportFreeOfImportsFromThePekkoSeam() throws IOException
    {
        final List<String> upward;
        try (Stream<Path> files = Files.walk(sources("transport")))
        {
            upward = files.filter(f -> f.toString().endsWith(".java")).flatMap(f ->
            {
                try
                {
                    return Files.readAllLines(f).stream()
                        .filter(line -> line.matches("\\s*import\\s+(static\\s+)?io\\.pekkoshm\\.remote\\.pekko\\..*"))
                        .map(line -> f.getFileName() + ": " + line.trim());
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }).collect(Collectors.toList());
        }
        assertTrue(upward.isEmpty(), "transport imports the Pekko seam (use TransportHost instead): " + upward);
    }

    @Test
    void shouldFindTheSeamAsTheTransportHost()
    {
        final List<Class<?>> factories = ServiceLoader.load(TransportHost.Factory.class).stream()
            .map(ServiceLoader.Provider::type).collect(Collectors.toList());
        assertEquals(List.of(PekkoTransportHost.class), factories);
    }
}
