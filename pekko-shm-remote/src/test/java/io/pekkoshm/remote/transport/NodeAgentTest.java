package io.pekkoshm.remote.transport;

import com.typesafe.config.ConfigFactory;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.blob.BlobBlock;
import io.pekkoshm.remote.blob.BlobPool;
import io.pekkoshm.remote.blob.BlobReader;
import io.pekkoshm.remote.host.NodeRegistry;
import io.pekkoshm.remote.host.ProcessLiveness;
import io.pekkoshm.remote.support.FlightRecordings;
import io.pekkoshm.remote.support.ShmTestDirectory;
import io.pekkoshm.remote.wire.BlobDescriptorFlyweight;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import io.pekkoshm.remote.wire.HelloFlyweight;
import jdk.jfr.consumer.RecordedEvent;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.event.NoLogging$;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The node agent's duty cycle with test doubles in place of the media driver (publications that record their
 * frames, a subscription fed by the test), of the host's processes, and of the clock: what each frame and each
 * command leads to, without a driver, a second node or a timing assumption.
 */
@Timeout(30)
class NodeAgentTest
{
    private static final String SYSTEM = "agent-test";
    private static final String HOST = "localhost";
    private static final int SELF_PORT = 5001;
    private static final int PEER_PORT = 5002;
    private static final int PEER_SESSION = 77;
    private static final byte[] SECRET = "the directory's secret".getBytes(StandardCharsets.UTF_8);
    private static final String ENDED = "(ended)";
    private static final Address SELF_ADDRESS = new Address("shm", SYSTEM, HOST, SELF_PORT);

    private final ShmSettings settings = ShmSettings.fromConfig(
        ConfigFactory.defaultReference().getConfig(ShmSettings.ROOT));
    private final Aeron aeron = MockAeron.withCounters();
    private final Subscription subscription = mock(Subscription.class);
    private final NodeRegistry registry = mock(NodeRegistry.class);
    private final CachedNanoClock clock = new CachedNanoClock();
    private final Map<Integer, FakeLog> logsByStream = new HashMap<>();
    private final ArrayDeque<InboundFrame> inbound = new ArrayDeque<>();
    private final List<Link> inboundLinks = new ArrayList<>();
    private final List<NodeIdentity> exitedPeers = new ArrayList<>();
    private final NodeIdentity self = identity(SYSTEM, SELF_PORT, 1);
    private final NodeIdentity peer = identity(SYSTEM, PEER_PORT, 2);
    private boolean peerAlive = true;
    private int nextSessionId = 1000;
    private TransportCounters counters;
    private NodeAgent agent;

    @BeforeEach
    void setUp()
    {
        when(aeron.addExclusivePublication(anyString(), anyInt())).thenAnswer(invocation ->
        {
            final FakeLog log = new FakeLog(nextSessionId++);
            logsByStream.put(invocation.getArgument(1), log);
            return log.publication;
        });
        when(subscription.poll(any(FragmentHandler.class), anyInt())).thenAnswer(invocation ->
        {
            final FragmentHandler handler = invocation.getArgument(0);
            int count = 0;
            InboundFrame frame;
            while (null != (frame = inbound.poll()))
            {
                frame.deliverTo(handler);
                count++;
            }
            return count;
        });
        counters = new TransportCounters(aeron, "test");
        agent = builder().blobs(null, null).build();
        agent.proxy().listen(inboundLinks::add);
    }

    private NodeAgentBuilder builder()
    {
        return new NodeAgentBuilder()
            .settings(settings, "shm")
            .driver(aeron, subscription, 0, null)
            .node(self, SELF_ADDRESS, registry, new HandshakeProof(SECRET))
            .counters(counters, NoLogging$.MODULE$)
            .upperLayers(new DirectRoutes(false, "classic"), (address, peer) -> exitedPeers.add(peer))
            .processCheck((pid, startMillis) -> peerAlive)
            .clock(clock);
    }

    @AfterEach
    void tearDown()
    {
        counters.close();
    }

    @Test
    void shouldAnswerAVerifiedHelloWithHelloAckNamingItsSessionAndHandTheLinkUp()
    {
        inbound.add(hello(PEER_SESSION, peer, SECRET));

        agent.doWork();

        final FakeLog back = logsByStream.get(PEER_PORT);
        assertNotNull(back, "a publication back into the peer's stream");
        assertEquals(List.of(FrameHeaderFlyweight.HELLO_ACK), back.types());
        assertEquals(PEER_SESSION, new FrameHeaderFlyweight().wrap(back.frames.get(0), 0).argument());
        assertEquals(peer.incarnation(), addressee(back.frames.get(0)),
            "HELLO_ACK names the incarnation the initiator's HELLO gave");
        assertEquals(1, inboundLinks.size());
        assertEquals(new Address("shm", SYSTEM, HOST, PEER_PORT), inboundLinks.get(0).remoteAddress());
        assertEquals(1, counters.associations.get());
    }

    /**
     * A node killed while a peer's publication to it held unread frames: Aeron lets the subscription of the node that
     * replaces it on the port join that publication where the dead one stopped, so its HELLO may be read again by the
     * wrong node. It names the dead node's incarnation: refused with everything after it, so the new node never
     * acknowledges system messages classic remoting sent to the old one (which quarantined the restarted node).
     */
    @Test
    void shouldRefuseAHelloForTheNodeThisOneReplacedOnItsPortAndTheFramesAfterIt()
    {
        inbound.add(hello(PEER_SESSION, peer, self.incarnation() + 1, SECRET));
        inbound.add(data(PEER_SESSION, "a message for the node before this one"));

        agent.doWork();

        assertTrue(logsByStream.isEmpty(), "no publication back for a HELLO meant for another incarnation");
        assertTrue(inboundLinks.isEmpty());
        assertEquals(2, counters.rejected.get());

        inbound.add(hello(PEER_SESSION + 1, peer, self.incarnation(), SECRET));
        agent.doWork();
        assertEquals(List.of(FrameHeaderFlyweight.HELLO_ACK), logsByStream.get(PEER_PORT).types());
        assertEquals(1, inboundLinks.size(), "a HELLO naming this node's incarnation is answered");
    }

    /**
     * Over IPC a node's stream is the one its node file names (its port, and a generation that differs from its
     * predecessor's on the port): the reply to a HELLO and a new association both publish into it.
     */
    @Test
    void shouldPublishIntoTheStreamThePeersNodeFileNames()
    {
        final int peerStream = 7 << 16 | PEER_PORT;
        when(registry.lookupLive(PEER_PORT)).thenReturn(Optional.of(new NodeRegistry.NodeInfo(
            PEER_PORT, 2, 0, peer.incarnation(), peerStream, "pekko.shm://" + SYSTEM + "@" + HOST)));
        inbound.add(hello(PEER_SESSION, peer, SECRET));
        agent.doWork();
        assertEquals(List.of(FrameHeaderFlyweight.HELLO_ACK), logsByStream.get(peerStream).types());

        agent.proxy().associate(new Address("shm", SYSTEM, HOST, PEER_PORT), new CompletableFuture<>());
        agent.doWork();
        assertEquals(List.of(FrameHeaderFlyweight.HELLO), logsByStream.get(peerStream).types());
        assertFalse(logsByStream.containsKey(PEER_PORT), "nothing into the bare port's stream");
    }

    @Test
    void shouldRejectAHelloThatDoesNotProveTheDirectorysSecret()
    {
        inbound.add(hello(PEER_SESSION, peer, "another secret".getBytes(StandardCharsets.UTF_8)));

        agent.doWork();

        assertTrue(logsByStream.isEmpty(), "no publication for an unproven peer");
        assertTrue(inboundLinks.isEmpty());
        assertEquals(1, counters.rejected.get());
    }

    /** What a poll delivers to an inline actor runs in the same duty cycle: the tasks run right after the poll. */
    @Test
    void shouldRunTheTasksAPolledFrameQueuedInTheSameDutyCycle()
    {
        final List<String> events = new ArrayList<>();
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();
        agent = builder().blobs(null, null).tasks(new AgentTasks()
        {
            @Override
            public void onAgentStart()
            {
            }

            @Override
            public int runQueued(final NanoClock clock)
            {
                int ran = 0;
                Runnable task;
                while (null != (task = queued.poll()))
                {
                    task.run();
                    ran++;
                }
                return ran;
            }

            @Override
            public void onAgentClose()
            {
            }

            @Override
            public Counts counts()
            {
                return Counts.ZERO;
            }
        }).build();
        agent.proxy().listen(inboundLinks::add);
        final Link link = accept();
        link.reader(new LinkReader()
        {
            @Override
            public void onPayload(final byte[] payload)
            {
                final String text = new String(payload, StandardCharsets.UTF_8);
                events.add("delivered " + text);
                queued.add(() -> events.add("handled " + text));
            }

            @Override
            public void onEnded()
            {
                events.add(ENDED);
            }
        });
        agent.doWork();
        inbound.add(data(PEER_SESSION, "one"));
        inbound.add(data(PEER_SESSION, "two"));

        agent.doWork();

        assertEquals(List.of("delivered one", "delivered two", "handled one", "handled two"), events);
    }

    @Test
    void shouldKeepPayloadsInOrderUntilTheReaderRegistersThenHandThemOver()
    {
        final Link link = accept();
        inbound.add(data(PEER_SESSION, "one"));
        inbound.add(data(PEER_SESSION, "two"));
        agent.doWork();

        final List<String> events = listen(link);
        inbound.add(data(PEER_SESSION, "three"));
        agent.doWork();

        assertEquals(List.of("one", "two", "three"), events);
        assertEquals(3, counters.messagesReceived.get());
    }

    @Test
    void shouldCountAPollOfHeartbeatsAsNoWorkButAPollWithAPayloadAsWork()
    {
        final Link link = accept();
        final List<String> events = listen(link);
        agent.doWork();

        inbound.add(control(PEER_SESSION, FrameHeaderFlyweight.HEARTBEAT));
        inbound.add(control(PEER_SESSION, FrameHeaderFlyweight.HEARTBEAT));
        assertEquals(0, agent.doWork(), "a peer's heartbeats should let an idle node go to sleep");

        inbound.add(control(PEER_SESSION, FrameHeaderFlyweight.HEARTBEAT));
        inbound.add(data(PEER_SESSION, "one"));
        assertEquals(1, agent.doWork(), "a payload is work, the heartbeat read with it is not");
        assertEquals(List.of("one"), events);
    }

    @Test
    void shouldEndTheAssociationAndTellTheReaderAndTheListenerWhenThePeersProcessExits()
    {
        final Link link = accept();
        final List<String> events = listen(link);
        peerAlive = false;

        clock.advance(settings.transport().heartbeatInterval().toNanos());
        agent.doWork();

        assertEquals(List.of(ENDED), events);
        assertEquals(List.of(peer), exitedPeers);
        assertEquals(0, counters.associations.get());
        verify(logsByStream.get(PEER_PORT).publication).close();
    }

    @Test
    void shouldEndASilentAssociationAfterThePeerTimeoutAndTellThePeer()
    {
        final Link link = accept();
        final List<String> events = listen(link);

        clock.advance(settings.transport().peerTimeout().toNanos() +
            settings.transport().heartbeatInterval().toNanos());
        agent.doWork();

        assertEquals(List.of(ENDED), events);
        assertTrue(exitedPeers.isEmpty(), "a silent peer is not an exited one");
        assertEquals(FrameHeaderFlyweight.DISASSOCIATE, last(logsByStream.get(PEER_PORT).types()));
    }

    @Test
    void shouldCompleteAnAssociateWithTheLinkOnlyAfterAVerifiedHelloAck()
    {
        final CompletableFuture<Link> promise = associate();
        final FakeLog out = logsByStream.get(PEER_PORT);
        assertEquals(List.of(FrameHeaderFlyweight.HELLO), out.types());
        assertEquals(peer.incarnation(), addressee(out.frames.get(0)),
            "HELLO names the incarnation the node registry gives for the port");

        inbound.add(helloAck(PEER_SESSION, out.sessionId + 1, peer, SECRET));
        agent.doWork();
        assertFalse(promise.isDone(), "a reply for another session is not this association's");

        inbound.add(helloAck(PEER_SESSION + 1, out.sessionId, peer, "forged".getBytes(StandardCharsets.UTF_8)));
        agent.doWork();
        assertFalse(promise.isDone(), "a forged reply does not end the handshake");

        inbound.add(helloAck(PEER_SESSION, out.sessionId, peer, SECRET));
        agent.doWork();
        assertEquals(PEER_PORT, promise.join().remoteAddress().port().get());
        assertEquals(2, counters.rejected.get());
    }

    @Test
    void shouldFailAPendingAssociateWhenTheDriverClientCloses()
    {
        final CompletableFuture<Link> promise = associate();

        when(aeron.isClosed()).thenReturn(true);
        agent.doWork();

        assertInstanceOf(AssociationException.class, failure(promise));
        assertEquals(0, counters.associations.get());

        final CompletableFuture<Link> later = new CompletableFuture<>();
        agent.proxy().associate(new Address("shm", SYSTEM, HOST, PEER_PORT), later);
        agent.doWork();
        assertInstanceOf(AssociationException.class, failure(later),
            "a node without its driver (embedded: not attached again) refuses new associations");
    }

    @Test
    void shouldRecordTheDriverLostTheAssociationItEndedAndTheDriverReattachedWhenTheClientCloses() throws Exception
    {
        final Aeron freshAeron = MockAeron.withCounters();
        agent = builder()
            .driver(aeron, subscription, 0, () -> new Reattacher.Attachment(freshAeron, subscription, 4242))
            .blobs(null, null).build();
        agent.proxy().listen(inboundLinks::add);
        try (FlightRecordings recording = FlightRecordings.start())
        {
            associate();
            when(aeron.isClosed()).thenReturn(true);
            agent.doWork();

            recording.stop();
            final String self = "pekko." + SELF_ADDRESS;
            final List<RecordedEvent> lost = recording.events("MediaDriverLost", e -> true);
            assertEquals(1, lost.size(), recording.describe());
            assertEquals(self, lost.get(0).getString("localAddress"));
            assertTrue(lost.get(0).getString("reason").contains("Aeron client closed"), lost.get(0).toString());
            assertTrue(lost.get(0).getBoolean("reattaches"));
            final List<RecordedEvent> reattached = recording.events("MediaDriverReattached", e -> true);
            assertEquals(1, reattached.size(), recording.describe());
            assertEquals(4242, reattached.get(0).getLong("driverPid"));
            final String peerAddress = "pekko.shm://" + SYSTEM + "@" + HOST + ":" + PEER_PORT;
            assertEquals(1, recording.events("AssociationHandshakeStarted",
                e -> peerAddress.equals(e.getString("peerAddress")) && e.getBoolean("outbound")).size(),
                recording.describe());
            final List<RecordedEvent> ended = recording.events("AssociationEnded",
                e -> peerAddress.equals(e.getString("peerAddress")));
            assertEquals(1, ended.size(), recording.describe());
            assertEquals("media driver connection lost", ended.get(0).getString("reason"));
            assertFalse(ended.get(0).getBoolean("established"));
        }
    }

    @Test
    void shouldEndAnAssociationWithoutWaitingForAWriterThatHoldsItsOutbox() throws InterruptedException
    {
        final Link link = accept();
        final List<String> events = listen(link);
        final FakeLog back = logsByStream.get(PEER_PORT);
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        back.blockNextClaim(writing, release);
        final byte[] slow = "large and slow".getBytes(StandardCharsets.UTF_8);
        final Thread writer = new Thread(() -> link.write(slow, slow.length, false));
        writer.start();
        writing.await();

        inbound.add(control(PEER_SESSION, FrameHeaderFlyweight.DISASSOCIATE));
        agent.doWork(); // would never return if ending the association waited for the writer

        assertEquals(List.of(ENDED), events, "the reader is told at once");
        assertFalse(link.write(slow, slow.length, false), "later writes are refused at once");
        verify(back.publication, never()).close();

        release.countDown();
        writer.join();
        agent.doWork();
        verify(back.publication).close();
    }

    @Test
    void shouldHandTheBlockOfABlobFrameThatArrivesAfterItsAssociationEndedBackToItsOwner() throws Exception
    {
        final Path root = ShmTestDirectory.newPath("late-blob");
        Files.createDirectories(root);
        final NodeIdentity blobPeer = new NodeIdentity(SYSTEM, HOST, PEER_PORT, 2, 20, ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartMillis());
        final long idle = TimeUnit.MINUTES.toNanos(5);
        final BlobPool peerPool = new BlobPool(BlobPool.directoryOf(root, blobPeer.pid(), blobPeer.incarnation()),
            16 << 20, idle, new AtomicLong(), new AtomicLong());
        final BlobReader reader = new BlobReader(root, idle);
        agent = builder().blobs(null, reader).build();
        agent.proxy().listen(inboundLinks::add);
        try
        {
            inbound.add(hello(PEER_SESSION, blobPeer, SECRET));
            agent.doWork();
            inbound.add(control(PEER_SESSION, FrameHeaderFlyweight.DISASSOCIATE));
            agent.doWork();
            assertEquals(0, counters.associations.get());

            final BlobBlock block = peerPool.acquire(1 << 20, 0);
            peerPool.sent(block, 1 << 20, ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis(), 0);
            inbound.add(blob(PEER_SESSION, block.id(), block.generation(), 1 << 20));
            agent.doWork();

            assertEquals(1, counters.dropped.get(), "the late message is counted as dropped");
            assertEquals(1, peerPool.sweep(0, false), "its block is back in its owner's pool at once");
        }
        finally
        {
            agent.onClose();
            reader.close();
            peerPool.close();
            ShmTestDirectory.deleteRecursively(root);
        }
    }

    private Link accept()
    {
        inbound.add(hello(PEER_SESSION, peer, SECRET));
        agent.doWork();
        return inboundLinks.get(inboundLinks.size() - 1);
    }

    /** Registers a reader that records payloads as text and the end as {@link #ENDED}. */
    private List<String> listen(final Link link)
    {
        final List<String> events = new ArrayList<>();
        link.reader(new LinkReader()
        {
            @Override
            public void onPayload(final byte[] payload)
            {
                events.add(new String(payload, StandardCharsets.UTF_8));
            }

            @Override
            public void onEnded()
            {
                events.add(ENDED);
            }
        });
        agent.doWork();
        return events;
    }

    private static Throwable failure(final CompletableFuture<Link> future)
    {
        assertTrue(future.isCompletedExceptionally(), "the associate should have failed");
        return future.handle((link, failure) -> failure).join();
    }

    private CompletableFuture<Link> associate()
    {
        when(registry.lookupLive(PEER_PORT)).thenReturn(Optional.of(new NodeRegistry.NodeInfo(
            PEER_PORT, 2, 0, peer.incarnation(), PEER_PORT, "pekko.shm://" + SYSTEM + "@" + HOST)));
        final CompletableFuture<Link> promise = new CompletableFuture<>();
        agent.proxy().associate(new Address("shm", SYSTEM, HOST, PEER_PORT), promise);
        agent.doWork();
        return promise;
    }

    private static NodeIdentity identity(final String system, final int port, final long incarnation)
    {
        return new NodeIdentity(system, HOST, port, incarnation, incarnation * 10, 1000 + incarnation, 0);
    }

    private static InboundFrame hello(final int sessionId, final NodeIdentity from, final byte[] secret)
    {
        return hello(sessionId, from, 0, secret);
    }

    private static InboundFrame hello(final int sessionId, final NodeIdentity from, final long addressee,
        final byte[] secret)
    {
        return handshake(sessionId, FrameHeaderFlyweight.HELLO, 0, from, addressee, secret);
    }

    private static InboundFrame helloAck(final int sessionId, final int initiatorSession, final NodeIdentity from,
        final byte[] secret)
    {
        return handshake(sessionId, FrameHeaderFlyweight.HELLO_ACK, initiatorSession, from, 0, secret);
    }

    private static InboundFrame handshake(final int sessionId, final byte type, final int argument,
        final NodeIdentity from, final long addressee, final byte[] secret)
    {
        final byte[] body = new HandshakeProof(secret).sign(from.helloBody(addressee));
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FrameHeaderFlyweight.LENGTH + body.length]);
        new FrameHeaderFlyweight().wrap(frame, 0).write(type, argument);
        frame.putBytes(FrameHeaderFlyweight.LENGTH, body);
        return new InboundFrame(sessionId, frame.byteArray());
    }

    /** The addressee's incarnation in a handshake frame the agent wrote. */
    private static long addressee(final UnsafeBuffer frame)
    {
        return new HelloFlyweight().wrap(frame, FrameHeaderFlyweight.LENGTH)
            .addresseeIncarnation(frame.capacity() - FrameHeaderFlyweight.LENGTH - HandshakeProof.LENGTH);
    }

    private static InboundFrame data(final int sessionId, final String payload)
    {
        final byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FrameHeaderFlyweight.LENGTH + bytes.length]);
        new FrameHeaderFlyweight().wrap(frame, 0).write(FrameHeaderFlyweight.DATA, 0);
        frame.putBytes(FrameHeaderFlyweight.LENGTH, bytes);
        return new InboundFrame(sessionId, frame.byteArray());
    }

    private static InboundFrame blob(final int sessionId, final long blockId, final long generation, final long length)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[BlobDescriptorFlyweight.FRAME_LENGTH]);
        new FrameHeaderFlyweight().wrap(frame, 0).write(FrameHeaderFlyweight.BLOB, FrameHeaderFlyweight.DIRECT);
        new BlobDescriptorFlyweight().wrap(frame, FrameHeaderFlyweight.LENGTH)
            .blockId(blockId)
            .generation(generation)
            .bodyLength(length);
        return new InboundFrame(sessionId, frame.byteArray());
    }

    private static InboundFrame control(final int sessionId, final byte type)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FrameHeaderFlyweight.LENGTH]);
        new FrameHeaderFlyweight().wrap(frame, 0).write(type, 0);
        return new InboundFrame(sessionId, frame.byteArray());
    }

    private static <T> T last(final List<T> list)
    {
        return list.get(list.size() - 1);
    }

    /** A frame as the node's subscription hands it over: unfragmented, behind Aeron's data header. */
    private record InboundFrame(int sessionId, byte[] frame)
    {
        void deliverTo(final FragmentHandler handler)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[DataHeaderFlyweight.HEADER_LENGTH + frame.length]);
            final DataHeaderFlyweight dataHeader = new DataHeaderFlyweight(buffer);
            dataHeader.frameLength(DataHeaderFlyweight.HEADER_LENGTH + frame.length);
            dataHeader.flags(DataHeaderFlyweight.BEGIN_AND_END_FLAGS);
            dataHeader.sessionId(sessionId);
            buffer.putBytes(DataHeaderFlyweight.HEADER_LENGTH, frame);
            final Header header = new Header(0, 16);
            header.buffer(buffer);
            header.offset(0);
            handler.onFragment(buffer, DataHeaderFlyweight.HEADER_LENGTH, frame.length, header);
        }
    }

    /** A publication double: always connected, every claimed or offered frame recorded. */
    private static final class FakeLog
    {
        final int sessionId;
        final ExclusivePublication publication = mock(ExclusivePublication.class);
        final List<UnsafeBuffer> frames = new ArrayList<>();
        private CountDownLatch claiming;
        private CountDownLatch release;

        FakeLog(final int sessionId)
        {
            this.sessionId = sessionId;
            when(publication.sessionId()).thenReturn(sessionId);
            when(publication.isConnected()).thenReturn(true);
            when(publication.maxPayloadLength()).thenReturn(4064);
            when(publication.maxMessageLength()).thenReturn(1024 * 1024);
            when(publication.tryClaim(anyInt(), any(BufferClaim.class))).thenAnswer(invocation ->
            {
                blockIfAsked();
                final int length = invocation.getArgument(0);
                final UnsafeBuffer frame = new UnsafeBuffer(new byte[DataHeaderFlyweight.HEADER_LENGTH + length]);
                ((BufferClaim)invocation.getArgument(1)).wrap(frame, 0, frame.capacity());
                frames.add(new UnsafeBuffer(frame, DataHeaderFlyweight.HEADER_LENGTH, length));
                return 64L * frames.size();
            });
            when(publication.offer(any(), anyInt(), anyInt())).thenAnswer(invocation ->
            {
                final UnsafeBuffer source = new UnsafeBuffer((org.agrona.DirectBuffer)invocation.getArgument(0));
                final byte[] copy = new byte[(int)invocation.getArgument(2)];
                source.getBytes(invocation.getArgument(1), copy);
                frames.add(new UnsafeBuffer(copy));
                return 64L * frames.size();
            });
        }

        /** The next claim waits, holding the outbox, until {@code release}; {@code claiming} says it is waiting. */
        void blockNextClaim(final CountDownLatch claiming, final CountDownLatch release)
        {
            this.claiming = claiming;
            this.release = release;
        }

        List<Byte> types()
        {
            final List<Byte> types = new ArrayList<>();
            for (final UnsafeBuffer frame : frames)
            {
                types.add(new FrameHeaderFlyweight().wrap(frame, 0).type());
            }
            return types;
        }

        private void blockIfAsked() throws InterruptedException
        {
            final CountDownLatch waiting = claiming;
            if (null != waiting)
            {
                claiming = null;
                waiting.countDown();
                assertTrue(release.await(20, TimeUnit.SECONDS), "the test never released the writer");
            }
        }
    }
}
