package io.pekkoshm.remote.serialization;

import io.pekkoshm.remote.serialization.TestMessages.Apple;
import io.pekkoshm.remote.serialization.TestMessages.ClassicReply;
import io.pekkoshm.remote.serialization.TestMessages.ClassicRequest;
import io.pekkoshm.remote.serialization.TestMessages.Holder;
import io.pekkoshm.remote.serialization.TestMessages.TypedReply;
import io.pekkoshm.remote.serialization.TestMessages.TypedRequest;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.event.Logging;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two ActorSystems in this JVM talk over Artery TCP on loopback; every user message between them goes through the
 * Kryo serializer (Artery refuses to send a message without serializing it).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KryoArteryEndToEndTest
{
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final KryoTestSystems systems = new KryoTestSystems();

    @AfterEach
    void stop()
    {
        systems.close();
    }

    /** Replies to a ClassicRequest's replyTo with its text in upper case. */
    static final class Echo extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(ClassicRequest.class, r -> r.replyTo().tell(new ClassicReply(r.text().toUpperCase()), self()))
                .build();
        }
    }

    static Behavior<TypedRequest> responder()
    {
        return Behaviors.receiveMessage(request ->
        {
            request.replyTo().tell(new TypedReply(request.text().toUpperCase(), List.of(request.replyTo())));
            return Behaviors.same();
        });
    }

    private ActorSystem system(final String name, final String classes)
    {
        return systems.start(name, KryoTestSystems.ARTERY, classes);
    }

    /** A ref in {@code from} to an actor of another system, as a remote peer would get it. */
    private static ActorRef remoteRef(final ActorSystem from, final ActorRef target)
    {
        return ((ExtendedActorSystem)from).provider().resolveActorRef(Serialization.serializedActorPath(target));
    }

    @Test
    void shouldReplyToClassicReplyToInsideRecordAcrossArtery()
    {
        final ActorSystem server = system("server", TestMessages.classesConfig());
        final ActorSystem client = system("client", TestMessages.classesConfig());
        final ActorRef echo = server.actorOf(Props.create(Echo.class), "echo");
        final ActorRef remoteEcho = remoteRef(client, echo);
        assertTrue(remoteEcho.path().address().hasGlobalScope(), "a remote ref: " + remoteEcho);

        final TestKit probe = new TestKit(client);
        remoteEcho.tell(new ClassicRequest("hello", probe.getRef()), ActorRef.noSender());
        probe.expectMsg(WAIT, new ClassicReply("HELLO"));
    }

    @Test
    void shouldReplyToTypedReplyToInsideRecordAcrossArtery() throws Exception
    {
        final ActorSystem server = system("server", TestMessages.classesConfig());
        final ActorSystem client = system("client", TestMessages.classesConfig());
        final org.apache.pekko.actor.typed.ActorRef<TypedRequest> local = Adapter.spawn(server, responder(),
            "responder");
        final org.apache.pekko.actor.typed.ActorRef<TypedRequest> remote =
            Adapter.toTyped(remoteRef(client, Adapter.toClassic(local)));

        // ask: the replyTo is a temporary actor of the client, serialized with the client's address.
        final TypedReply reply = AskPattern.<TypedRequest, TypedReply>ask(
                remote, replyTo -> new TypedRequest("typed", replyTo), WAIT, Adapter.toTyped(client).scheduler())
            .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("TYPED", reply.text());
        assertEquals(1, reply.seen().size());
        assertTrue(reply.seen().get(0).path().toString().contains("/temp/"),
            "the ref came back resolved to the client's ask actor: " + reply.seen());

        final TestKit probe = new TestKit(client);
        remote.tell(new TypedRequest("probe", Adapter.toTyped(probe.getRef())));
        final TypedReply toProbe = probe.expectMsgClass(WAIT, TypedReply.class);
        assertEquals("PROBE", toProbe.text());
        assertEquals(Adapter.toTyped(probe.getRef()), toProbe.seen().get(0), "the round trip yields the same ref");
    }

    @Test
    void shouldKeepAssociationWhenMessageCannotBeSerialized()
    {
        final ActorSystem server = system("server", TestMessages.classesConfig());
        final ActorSystem client = system("client", TestMessages.classesConfig());
        final ActorRef remoteEcho = remoteRef(client, server.actorOf(Props.create(Echo.class), "echo"));
        final TestKit probe = new TestKit(client);
        remoteEcho.tell(new ClassicRequest("before", probe.getRef()), ActorRef.noSender());
        probe.expectMsg(WAIT, new ClassicReply("BEFORE"));

        final TestKit errors = new TestKit(client);
        client.getEventStream().subscribe(errors.getRef(), Logging.Error.class);
        remoteEcho.tell(new Holder("bad", new Thread(() -> { })), ActorRef.noSender());
        final Logging.Error error = (Logging.Error)errors.fishForMessage(WAIT, "serialization failure",
            m -> m instanceof Logging.Error e && e.cause() instanceof KryoSerializationException);
        assertTrue(String.valueOf(error.message()).contains("Failed to serialize"), String.valueOf(error.message()));
        final String reason = error.cause().getMessage();
        assertTrue(reason.contains(Holder.class.getName()) && reason.contains("java.lang.Thread") &&
            reason.contains("content ("), reason);

        remoteEcho.tell(new ClassicRequest("after", probe.getRef()), ActorRef.noSender());
        probe.expectMsg(WAIT, new ClassicReply("AFTER"));
    }

    @Test
    void shouldDetectRegistrationMismatchBetweenSystemsAndKeepAssociation()
    {
        // The server gives Apple's id to Orange and Orange's to Apple.
        final ActorSystem server = system("server", TestMessages.classesConfig(121, 120));
        final ActorSystem client = system("client", TestMessages.classesConfig(120, 121));
        final TestKit inbox = new TestKit(server);
        final TestKit errors = new TestKit(server);
        server.getEventStream().subscribe(errors.getRef(), Logging.Error.class);
        final ActorRef remoteInbox = remoteRef(client, inbox.getRef());

        remoteInbox.tell(new Apple("Cox"), ActorRef.noSender());
        final Logging.Error error = (Logging.Error)errors.fishForMessage(WAIT, "deserialization failure",
            m -> m instanceof Logging.Error e && e.cause() != null &&
                String.valueOf(e.cause().getMessage()).contains("Class id 120"));
        assertInstanceOf(java.io.NotSerializableException.class, error.cause());
        assertTrue(error.cause().getMessage().contains(TestMessages.Orange.class.getName()),
            error.cause().getMessage());

        // Nothing wrong was delivered: the first message the inbox gets is the next, well-registered one.
        remoteInbox.tell(new ClassicReply("still associated"), ActorRef.noSender());
        inbox.expectMsg(WAIT, new ClassicReply("still associated"));
    }
}
