package io.pekkoshm.remote.serialization;

import io.pekkoshm.remote.serialization.TestMessages.ClassicReply;
import io.pekkoshm.remote.serialization.TestMessages.ClassicRequest;
import io.pekkoshm.remote.serialization.TestMessages.Holder;
import io.pekkoshm.remote.serialization.TestMessages.TypedReply;
import io.pekkoshm.remote.serialization.TestMessages.TypedRequest;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Classic and typed ActorRefs inside messages are written as their serialized path and resolved on receipt. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KryoActorRefTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final KryoTestSystems SYSTEMS = new KryoTestSystems();
    private static ActorSystem system;

    @BeforeAll
    static void start()
    {
        system = SYSTEMS.start("refs", KryoTestSystems.ARTERY, TestMessages.classesConfig());
    }

    @AfterAll
    static void stop()
    {
        SYSTEMS.close();
    }

    @Test
    void shouldResolveClassicActorRefInsideRecord() throws Exception
    {
        final TestKit probe = new TestKit(system);
        final ClassicRequest back = (ClassicRequest)KryoRoundTripTest.roundTrip(
            system, new ClassicRequest("hi", probe.getRef()));
        assertEquals(probe.getRef(), back.replyTo());
        back.replyTo().tell(new ClassicReply("via resolved ref"), ActorRef.noSender());
        probe.expectMsg(WAIT, new ClassicReply("via resolved ref"));
    }

    @Test
    void shouldWriteClassicActorRefWithSystemAddress()
    {
        final TestKit probe = new TestKit(system);
        final byte[] bytes = KryoTestSystems.kryo(system).toBinary(new ClassicRequest("hi", probe.getRef()));
        final String payload = new String(bytes, StandardCharsets.ISO_8859_1);
        final String expectedAddress = "pekko://refs@127.0.0.1:";
        assertTrue(payload.contains(expectedAddress), "the path carries the remote address: " + payload);
    }

    @Test
    void shouldResolveTypedActorRefInsideRecord() throws Exception
    {
        final TestKit probe = new TestKit(system);
        final org.apache.pekko.actor.typed.ActorRef<TypedReply> typed = Adapter.toTyped(probe.getRef());
        final TypedRequest back = (TypedRequest)KryoRoundTripTest.roundTrip(system, new TypedRequest("hi", typed));
        assertEquals(typed, back.replyTo());
        back.replyTo().tell(new TypedReply("typed", List.of()));
        probe.expectMsg(WAIT, new TypedReply("typed", List.of()));
    }

    @Test
    void shouldResolveActorRefsInsideCollectionsOptionalsAndNulls() throws Exception
    {
        final TestKit a = new TestKit(system);
        final TestKit b = new TestKit(system);
        final org.apache.pekko.actor.typed.ActorRef<TypedReply> typedA = Adapter.toTyped(a.getRef());
        final org.apache.pekko.actor.typed.ActorRef<TypedReply> typedB = Adapter.toTyped(b.getRef());

        final TypedReply reply = new TypedReply("refs", List.of(typedA, typedB));
        assertEquals(reply, KryoRoundTripTest.roundTrip(system, reply));

        final Holder holder = new Holder("mixed", Map.of(
            "classic", List.of(a.getRef(), b.getRef()),
            "typed", Optional.of(typedB),
            "deadLetters", system.deadLetters()));
        assertEquals(holder, KryoRoundTripTest.roundTrip(system, holder));

        final ClassicRequest noReplyTo = new ClassicRequest("nobody", null);
        assertEquals(noReplyTo, KryoRoundTripTest.roundTrip(system, noReplyTo));
    }
}
