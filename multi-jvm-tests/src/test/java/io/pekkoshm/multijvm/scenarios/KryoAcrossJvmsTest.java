package io.pekkoshm.multijvm.scenarios;

import io.pekkoshm.testkit.MultiJvmExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.pekkoshm.multijvm.scenarios.Nodes.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kryo serializer between JVMs: two nodes whose registrations disagree get a clear error, never a wrong object. */
@Timeout(300)
class KryoAcrossJvmsTest
{
    private static final Duration AWAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final MultiJvmExtension multiJvm = new MultiJvmExtension();

    @Test
    void shouldReportRegistrationMismatchAndDeliverNothingWrong()
    {
        final Nodes.Node service = Nodes.start(multiJvm, "service", "service", 0);
        final Nodes.Node client = Nodes.start(multiJvm, "client", "client", 0, "node.config", "kryo-mismatch");
        run(service, "typed-service", "^OK typed-service$", AWAIT);

        final String failed = run(client, "typed-ask " + service.address() + "/user/greeter bob",
            "^(FAILED|GREETED) .*$", AWAIT).group();

        assertTrue(failed.startsWith("FAILED typed-ask"), "a mismatched registration must not produce a reply: " +
            failed);
        final String error = service.jvm().awaitLine(
            line -> line.contains("Messages$Greet") && (line.contains("102") || line.contains("103")), AWAIT);
        assertTrue(error.contains("WARN") || error.contains("ERROR"), error);
        assertTrue(run(service, "counters", "^COUNTERS (.*)$", AWAIT).group(1).contains("associations="));
    }
}
