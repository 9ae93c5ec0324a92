package io.pekkoshm.remote.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pekkoshm.remote.pekko.ShmRemote;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Two actor systems of one JVM on the direct path; one's metrics bound to a {@link SimpleMeterRegistry}. */
@Timeout(120)
class ShmRemoteMetricsTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MESSAGES = 200;

    private final Path directory = Path.of("/dev/shm", "pekko-shm-unit-metrics-" + UUID.randomUUID());
    private ActorSystem a;
    private ActorSystem b;
    private ActorSystem c;

    private static Config config(final Path directory)
    {
        return config(directory, "");
    }

    private static Config config(final Path directory, final String extra)
    {
        return ConfigFactory.parseString(extra +
            "pekko.actor.provider = \"io.pekkoshm.remote.ShmRemoteProvider\"\n" +
            "pekko.loglevel = INFO\n" +
            "pekko.remote.artery.enabled = off\n" +
            "pekko.remote.classic.enabled-transports = [\"pekko.remote.shm\"]\n" +
            "pekko.remote.use-unsafe-remote-features-outside-cluster = on\n" +
            "pekko.remote.shm.port = 0\n" +
            "pekko.remote.shm.directory = \"" + directory + "\"\n" +
            "pekko.remote.shm.driver.mode = embedded\n" +
            "pekko.remote.shm.term-length = 1 MiB\n")
            .withFallback(ConfigFactory.load());
    }

    @AfterEach
    void stop()
    {
        if (null != c)
        {
            TestKit.shutdownActorSystem(c);
        }
        if (null != b)
        {
            TestKit.shutdownActorSystem(b);
        }
        if (null != a)
        {
            TestKit.shutdownActorSystem(a);
        }
        assertFalse(Files.exists(directory), "the shared-memory directory should be gone: " + directory);
    }

    @Test
    void shouldMeasureTheNodeAndEachAssociationTaggedByPeerAndMediumWhenBoundToARegistry()
    {
        a = ActorSystem.create("a", config(directory));
        b = ActorSystem.create("b", config(directory));
        b.actorOf(Props.create(Echo.class), "echo");
        final String addressOfA = ShmRemote.get(a).address().orElseThrow().toString();
        final String addressOfB = ShmRemote.get(b).address().orElseThrow().toString();

        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShmRemoteMetrics metrics = ShmRemoteMetrics.of(a, Tags.of("app", "test")))
        {
            metrics.bindTo(registry);
            final TestKit probe = new TestKit(a);
            a.actorSelection(addressOfB + "/user/echo").tell(new Identify(1), probe.getRef());
            final ActorRef echo = probe.expectMsgClass(WAIT, ActorIdentity.class).getActorRef().orElseThrow();
            for (int i = 0; i < MESSAGES; i++)
            {
                echo.tell("m" + i, probe.getRef());
            }
            for (int i = 0; i < MESSAGES; i++)
            {
                probe.expectMsg(WAIT, "m" + i);
            }
            echo.tell(new byte[1 << 20], probe.getRef());
            probe.expectMsgClass(WAIT, byte[].class);

            assertTrue(metrics.refresh() >= 1, ShmRemote.get(a).associations().toString());
            final Tags toB = Tags.of("address", addressOfA, "app", "test", "peer", addressOfB, "medium", "ipc");
            final FunctionCounter sentToB = registry.find("pekko.shm.association.messages.sent").tags(toB)
                .functionCounter();
            assertNotNull(sentToB, registry.getMetersAsString());
            assertTrue(sentToB.count() >= MESSAGES + 1, registry.getMetersAsString());
            assertTrue(registry.get("pekko.shm.association.payload.sent").tags(toB).functionCounter().count() >
                1 << 20, registry.getMetersAsString());
            assertTrue(registry.get("pekko.shm.association.blobs.sent").tags(toB).functionCounter().count() >= 1,
                registry.getMetersAsString());
            assertFalse(Double.isNaN(registry.get("pekko.shm.association.backpressure.events").tags(toB)
                .functionCounter().count()), registry.getMetersAsString());

            final Tags node = Tags.of("address", addressOfA, "app", "test");
            assertTrue(registry.get("pekko.shm.messages.sent").tags(node).functionCounter().count() >= MESSAGES + 1);
            assertTrue(registry.get("pekko.shm.messages.received").tags(node).functionCounter().count() >= MESSAGES);
            assertEquals(0, registry.get("pekko.shm.messages.dropped").tags(node).functionCounter().count());
            assertTrue(registry.get("pekko.shm.associations").tags(node).gauge().value() >= 1);
            assertTrue(registry.get("pekko.shm.blob.allocated").tags(node).gauge().value() > 1 << 20,
                registry.getMetersAsString());
            final Gauge pendingForB = registry.find("pekko.shm.direct.pending").tags("peer", addressOfB).gauge();
            assertNotNull(pendingForB, registry.getMetersAsString());
            assertEquals(0, pendingForB.value());
            assertEquals(0, registry.get("pekko.shm.association.messages.dropped").tags(toB).functionCounter().count(),
                registry.getMetersAsString());
            final Gauge blobInUseAtB = registry.get("pekko.shm.association.blob.in.use").tags(toB).gauge();
            assertEquals("bytes", blobInUseAtB.getId().getBaseUnit());
            await(() -> 0 == blobInUseAtB.value(), "b has handed back the block of the 1 MiB message");
            assertNull(registry.find("pekko.shm.direct.dropped").meter(), "nothing dropped: no drop counter per peer");

            TestKit.shutdownActorSystem(b);
            b = null;
            await(() -> ShmRemote.get(a).associations().isEmpty(), "a's associations with b closed");
            assertEquals(0, metrics.refresh());
            assertNull(registry.find("pekko.shm.association.messages.sent").tags(toB).functionCounter(),
                registry.getMetersAsString());
            assertTrue(registry.get("pekko.shm.messages.sent").tags(node).functionCounter().count() >= MESSAGES + 1,
                "the node's totals keep the ended association's sends");
        }
        assertTrue(registry.getMeters().isEmpty(), "close() removes every meter: " + registry.getMetersAsString());
    }

    @Test
    void shouldCountADropUnderTheAssociationAndPeerItWasForOnly()
    {
        final String smallCap = "pekko.remote.shm.blob.threshold = 64 KiB\npekko.remote.shm.blob.max-bytes = 1 MiB\n";
        a = ActorSystem.create("a", config(directory, smallCap));
        b = ActorSystem.create("b", config(directory, smallCap));
        c = ActorSystem.create("c", config(directory, smallCap));
        b.actorOf(Props.create(Echo.class), "echo");
        c.actorOf(Props.create(Echo.class), "echo");
        final String addressOfB = ShmRemote.get(b).address().orElseThrow().toString();
        final String addressOfC = ShmRemote.get(c).address().orElseThrow().toString();
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShmRemoteMetrics metrics = ShmRemoteMetrics.of(a))
        {
            metrics.bindTo(registry);
            final TestKit probe = new TestKit(a);
            final TestKit dropped = new TestKit(a);
            a.getEventStream().subscribe(dropped.getRef(), Dropped.class);
            final ActorRef echoOnB = identify(probe, addressOfB + "/user/echo");
            final ActorRef echoOnC = identify(probe, addressOfC + "/user/echo");
            echoOnB.tell("first", probe.getRef());
            probe.expectMsg(WAIT, "first");
            echoOnC.tell("first", probe.getRef());
            probe.expectMsg(WAIT, "first");

            echoOnB.tell(new byte[4 << 20], probe.getRef()); // over blob.max-bytes: dropped
            dropped.expectMsgClass(WAIT, Dropped.class);
            echoOnB.tell("after", probe.getRef());
            probe.expectMsg(WAIT, "after");

            assertEquals(2, metrics.refresh(), ShmRemote.get(a).associations().toString());
            assertEquals(1, registry.get("pekko.shm.messages.dropped").functionCounter().count(), "counted once");
            assertEquals(1, dropsOfAssociations(registry, addressOfB), registry.getMetersAsString());
            assertEquals(0, dropsOfAssociations(registry, addressOfC), registry.getMetersAsString());
            final FunctionCounter directForB = registry.get("pekko.shm.direct.dropped").tags("peer", addressOfB)
                .functionCounter();
            assertEquals(1, directForB.count());
            assertEquals(1, registry.find("pekko.shm.direct.dropped").meters().size(),
                "no drop counter for c: " + registry.getMetersAsString());
            dropped.expectNoMessage(Duration.ofMillis(100));
        }
    }

    @Test
    void shouldRegisterTheMetersOfANewAssociationWhenRefreshingOnTheScheduler()
    {
        a = ActorSystem.create("a", config(directory));
        b = ActorSystem.create("b", config(directory));
        b.actorOf(Props.create(Echo.class), "echo");
        final String addressOfB = ShmRemote.get(b).address().orElseThrow().toString();
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShmRemoteMetrics metrics = ShmRemoteMetrics.of(a))
        {
            metrics.bindTo(registry);
            assertNull(registry.find("pekko.shm.association.messages.sent").functionCounter(),
                "no association yet: " + registry.getMetersAsString());
            metrics.refreshEvery(Duration.ofMillis(50));
            assertThrows(IllegalStateException.class, () -> metrics.refreshEvery(Duration.ofMillis(50)));

            final TestKit probe = new TestKit(a);
            a.actorSelection(addressOfB + "/user/echo").tell("ping", probe.getRef());
            probe.expectMsg(WAIT, "ping");

            await(() -> null != registry.find("pekko.shm.association.messages.sent").tags("peer", addressOfB)
                .functionCounter(), "the association's meters registered by the scheduled refresh");
        }
    }

    @Test
    void shouldRefuseToMeasureAnActorSystemWithoutThePekkoShmTransport()
    {
        a = ActorSystem.create("local", ConfigFactory.parseString("pekko.actor.provider = local")
            .withFallback(ConfigFactory.load()));
        final IllegalStateException error = assertThrows(IllegalStateException.class, () -> ShmRemoteMetrics.of(a));
        assertTrue(error.getMessage().contains("actor system local"), error.getMessage());
    }

    @Test
    void shouldRefuseARefreshIntervalThatIsNotPositive()
    {
        a = ActorSystem.create("a", config(directory));
        try (ShmRemoteMetrics metrics = ShmRemoteMetrics.of(a))
        {
            final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> metrics.refreshEvery(Duration.ZERO));
            assertTrue(error.getMessage().contains("PT0S"), error.getMessage());
        }
    }

    private static ActorRef identify(final TestKit probe, final String path)
    {
        probe.getSystem().actorSelection(path).tell(new Identify(path), probe.getRef());
        return probe.expectMsgClass(WAIT, ActorIdentity.class).getActorRef().orElseThrow();
    }

    /** The drops of every association of a with a peer (one each way, should both nodes have asked at once). */
    private static double dropsOfAssociations(final SimpleMeterRegistry registry, final String peer)
    {
        final var counters = registry.find("pekko.shm.association.messages.dropped").tags("peer", peer, "medium", "ipc")
            .functionCounters();
        assertFalse(counters.isEmpty(), "a's associations with " + peer + " have drop counters");
        return counters.stream().mapToDouble(FunctionCounter::count).sum();
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("Not within " + WAIT + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Replies with whatever it gets. */
    public static final class Echo extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchAny(m -> getSender().tell(m, getSelf())).build();
        }
    }
}
