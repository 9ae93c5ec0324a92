package io.pekkoshm.remote.transport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.pekko.ShmTransport;
import io.pekkoshm.remote.support.ShmTestDirectory;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up and limits of the transport in one JVM, with an embedded driver in a directory of the test's own. */
@Timeout(60)
class TransportStartupTest
{
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(15);

    private Path directory;
    private final List<ActorSystem> systems = new ArrayList<>();

    static final class Echo extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchAny(m -> getSender().tell(m, getSelf())).build();
        }
    }

    /** Replies with the length of the byte[] it got (a small reply, whatever the size asked). */
    static final class Sizer extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(byte[].class, m -> getSender().tell(m.length, getSelf())).build();
        }
    }

    @BeforeEach
    void newDirectory()
    {
        directory = ShmTestDirectory.newPath("startup");
    }

    @AfterEach
    void shutDownAndCheckNothingRemains()
    {
        try
        {
            for (int i = systems.size() - 1; i >= 0; i--)
            {
                TestKit.shutdownActorSystem(systems.get(i));
            }
            assertFalse(Files.exists(directory),
                "after every actor system terminated the directory should be gone: " +
                ShmTestDirectory.describe(directory));
        }
        finally
        {
            ShmTestDirectory.deleteRecursively(directory);
        }
    }

    private ActorSystem start(final String name, final Config config)
    {
        final ActorSystem system = ActorSystem.create(name, config);
        systems.add(system);
        return system;
    }

    private Config config(final int port)
    {
        return TwoSystemsInOneJvmTest.config(directory, port);
    }

    /** With the blob store off, the limit is the largest Aeron message for the term length. */
    private static final String BLOB_STORE_OFF = "pekko.remote.shm.blob.max-bytes = 0";

    private Config config(final String overrides)
    {
        return ConfigFactory.parseString(overrides).withFallback(config(0));
    }

    private static int portOf(final ActorSystem system)
    {
        return ShmRemote.get(system).address().orElseThrow().getPort().orElseThrow();
    }

    /** Every message of a throwable, its causes and suppressed ones, to look for what the user must be told. */
    private static String chain(final Throwable failure)
    {
        final StringBuilder text = new StringBuilder();
        final Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        final List<Throwable> pending = new ArrayList<>(List.of(failure));
        while (!pending.isEmpty())
        {
            final Throwable t = pending.remove(0);
            if (null == t || null != seen.put(t, Boolean.TRUE))
            {
                continue;
            }
            text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
            pending.add(t.getCause());
            pending.addAll(Arrays.asList(t.getSuppressed()));
        }
        return text.toString();
    }

    /** The ActorRef of {@code name} under /user of {@code target}, as seen from {@code from}. */
    private static ActorRef resolve(final ActorSystem from, final ActorSystem target, final String name)
    {
        final ActorSelection selection =
            from.actorSelection(ShmRemote.get(target).address().orElseThrow() + "/user/" + name);
        try
        {
            return selection.resolveOne(REPLY_TIMEOUT).toCompletableFuture().get(REPLY_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("Could not resolve " + selection, ex);
        }
    }

    /** Asks the echo actor of {@code target} from {@code from} and expects the same bytes back. */
    private static void assertEchoes(final ActorSystem from, final ActorSystem target, final String text)
    {
        final TestKit probe = new TestKit(from);
        final ActorSelection echo = from.actorSelection(ShmRemote.get(target).address().orElseThrow() + "/user/echo");
        echo.tell(text.getBytes(), probe.getRef());
        assertArrayEquals(text.getBytes(), probe.expectMsgClass(REPLY_TIMEOUT, byte[].class));
    }

    @Test
    void shouldFailToStartOnAPortTakenByAnotherSystemAndKeepTheFirstWorking()
    {
        final ActorSystem first = start("first", config(0));
        first.actorOf(Props.create(Echo.class), "echo");
        final int port = portOf(first);

        final Throwable failure = assertThrows(Throwable.class, () -> start("second", config(port)));
        final String told = chain(failure);
        assertTrue(told.contains(Integer.toString(port)), "the failure should name port " + port + ":\n" + told);
        assertTrue(told.contains("already taken"), "the failure should say the port is already taken:\n" + told);

        final ActorSystem third = start("third", config(0));
        assertEchoes(third, first, "still working");
        assertEquals(port, portOf(first));
    }

    @Test
    void shouldFailToStartWithABadSettingNamingTheKeyAndTheValue()
    {
        final Throwable failure = assertThrows(Throwable.class,
            () -> start("bad", config("pekko.remote.shm.idle-cpu-level = 42")));
        final String told = chain(failure);
        assertTrue(told.contains("pekko.remote.shm.idle-cpu-level") && told.contains("42"),
            "the failure should name pekko.remote.shm.idle-cpu-level and 42:\n" + told);
    }

    @Test
    void shouldCountTheAssociationAndDropAPayloadLargerThanTheTransportCarries()
    {
        final ActorSystem a = start("a", config(BLOB_STORE_OFF));
        final ActorSystem b = start("b", config(BLOB_STORE_OFF));
        a.actorOf(Props.create(Echo.class), "echo");
        assertEchoes(b, a, "associate");

        final ShmCountersSnapshot countersOfA = ShmRemote.get(a).counters();
        final ShmCountersSnapshot countersOfB = ShmRemote.get(b).counters();
        assertTrue(countersOfA.associations() >= 1, countersOfA.toString());
        assertTrue(countersOfB.associations() >= 1, countersOfB.toString());

        final int limit = ShmSettings.maxMessageLength(1024 * 1024) - FrameHeaderFlyweight.LENGTH -
            ShmTransport.CLASSIC_ENVELOPE_MARGIN;
        final TestKit dropped = new TestKit(b);
        b.getEventStream().subscribe(dropped.getRef(), Dropped.class);
        final TestKit sender = new TestKit(b);
        final ActorRef echo = resolve(b, a, "echo");

        final byte[] oversized = new byte[limit + 1];
        echo.tell(oversized, sender.getRef());
        final Dropped drop = dropped.expectMsgClass(REPLY_TIMEOUT, Dropped.class);
        assertTrue(drop.message() instanceof byte[], String.valueOf(drop.message()));
        assertEquals(oversized.length, ((byte[])drop.message()).length);
        assertTrue(drop.reason().contains(Integer.toString(limit)), "the reason should name the limit: " +
            drop.reason());

        echo.tell("after".getBytes(), sender.getRef());
        assertArrayEquals("after".getBytes(), sender.expectMsgClass(REPLY_TIMEOUT, byte[].class),
            "the association should still deliver after an oversized payload was dropped");
        assertEquals(0, ShmRemote.get(b).counters().framesRejected());
        assertEquals(0, ShmRemote.get(a).counters().framesRejected());
    }

    /**
     * Around the limit every payload is either delivered or published as Dropped, none is lost silently. Finds the
     * smallest payload classic remoting drops, then sends each of the sizes just below it.
     */
    @Test
    void shouldDeliverEveryPayloadThatClassicRemotingDoesNotDrop()
    {
        final ActorSystem a = start("a", config(BLOB_STORE_OFF));
        final ActorSystem b = start("b", config(BLOB_STORE_OFF));
        a.actorOf(Props.create(Sizer.class), "sizer");
        final ActorRef sizer = resolve(b, a, "sizer");
        final TestKit probe = new TestKit(b);
        b.getEventStream().subscribe(probe.getRef(), Dropped.class);

        final int limit = ShmSettings.maxMessageLength(1024 * 1024) - FrameHeaderFlyweight.LENGTH -
            ShmTransport.CLASSIC_ENVELOPE_MARGIN;
        int delivered = limit - 4096;
        int dropped = limit + 1;
        assertEquals("delivered", send(probe, sizer, delivered));
        assertEquals("dropped", send(probe, sizer, dropped));
        while (dropped - delivered > 1)
        {
            final int middle = (delivered + dropped) >>> 1;
            if ("dropped".equals(send(probe, sizer, middle)))
            {
                dropped = middle;
            }
            else
            {
                delivered = middle;
            }
        }
        final List<String> outcomes = new ArrayList<>();
        for (int size = dropped - 16; size < dropped; size++)
        {
            final String outcome = send(probe, sizer, size);
            if (!"delivered".equals(outcome))
            {
                outcomes.add(size + " bytes: " + outcome);
            }
        }
        assertTrue(outcomes.isEmpty(), "payloads below classic's limit (smallest dropped: " + dropped + " bytes) " +
            "were not delivered: " + outcomes + "; counters of the sender: " + ShmRemote.get(b).counters());
        assertEquals(0, ShmRemote.get(b).counters().messagesDropped());
    }

    /** Sends a payload of {@code size} bytes: "delivered", "dropped" (a Dropped event) or "lost" (neither). */
    private static String send(final TestKit probe, final ActorRef sizer, final int size)
    {
        sizer.tell(new byte[size], probe.getRef());
        final Object outcome = probe.receiveOne(Duration.ofSeconds(3));
        if (outcome instanceof Integer && (Integer)outcome == size)
        {
            return "delivered";
        }
        if (outcome instanceof Dropped)
        {
            return "dropped";
        }
        return null == outcome ? "lost" : "unexpected " + outcome;
    }

    @Test
    void shouldCarryAPayloadJustUnderTheLimit()
    {
        final ActorSystem a = start("a", config(0));
        final ActorSystem b = start("b", config(0));
        a.actorOf(Props.create(Echo.class), "echo");
        final TestKit probe = new TestKit(b);
        final ActorSelection echo = b.actorSelection(ShmRemote.get(a).address().orElseThrow() + "/user/echo");
        final byte[] large = new byte[100 * 1024];
        for (int i = 0; i < large.length; i++)
        {
            large[i] = (byte)i;
        }
        echo.tell(large, probe.getRef());
        assertArrayEquals(large, probe.expectMsgClass(REPLY_TIMEOUT, byte[].class));
    }

    @Test
    void shouldFailToStartWithExternalDriverModeAndNoDriverNamingTheAeronDirectory()
    {
        final Throwable failure = assertThrows(Throwable.class,
            () -> start("external", config("pekko.remote.shm.driver.mode = external")));
        final String told = chain(failure);
        assertTrue(told.contains(directory.resolve("aeron").toString()),
            "the failure should name the aeron directory " + directory.resolve("aeron") + ":\n" + told);
    }

    @Test
    void shouldRemoveTheDirectoryWhenTheLastSystemTerminates()
    {
        final ActorSystem a = start("a", config(0));
        final ActorSystem b = start("b", config(0));
        assertTrue(Files.isDirectory(directory));
        TestKit.shutdownActorSystem(a);
        assertTrue(Files.isDirectory(directory), "b still runs");
        TestKit.shutdownActorSystem(b);
        assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
    }

    @Test
    void shouldPublishTheAddressAndStopCountingWhenTheSystemTerminates()
    {
        final ActorSystem a = start("a", config(0));
        final ShmRemote remote = ShmRemote.get(a);
        final Address address = remote.address().orElseThrow();
        assertEquals("pekko.shm", address.protocol());
        assertEquals("a", address.system());
        assertEquals("localhost", address.getHost().orElseThrow());
        assertEquals(0, remote.counters().associations());
        TestKit.shutdownActorSystem(a);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, remote::counters);
        assertTrue(ex.getMessage().contains("not running"), ex.getMessage());
    }
}
