package io.pekkoshm.remote.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.remote.support.Await;
import io.pekkoshm.remote.support.EmbeddedNodes;
import io.pekkoshm.remote.support.ShmTestDirectory;
import io.pekkoshm.remote.wire.FrameHeaderFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeProofTest
{
    private static final NodeIdentity IDENTITY = new NodeIdentity("sys", "localhost", 2552, 1, 2, 3, 4);

    @Test
    void shouldVerifyWhatTheSameSecretSignedAndNothingElse()
    {
        final byte[] secret = new byte[32];
        secret[0] = 1;
        final byte[] other = new byte[32];
        final byte[] signed = new HandshakeProof(secret).sign(IDENTITY.helloBody(0));
        assertTrue(new HandshakeProof(secret).verify(new UnsafeBuffer(signed), 0, signed.length));
        assertFalse(new HandshakeProof(other).verify(new UnsafeBuffer(signed), 0, signed.length), "another secret");
        signed[5] ^= 1;
        assertFalse(new HandshakeProof(secret).verify(new UnsafeBuffer(signed), 0, signed.length),
            "a changed identity");
        assertFalse(new HandshakeProof(secret).verify(new UnsafeBuffer(new byte[10]), 0, 10), "too short for a proof");
    }

    /** A process that does not know the directory's secret writes a HELLO into a node's stream: it is rejected. */
    @Test
    @Timeout(60)
    void shouldRejectAHandshakeThatDoesNotKnowTheSecret() throws Exception
    {
        final Path directory = ShmTestDirectory.newPath("proof");
        final ActorSystem node = ActorSystem.create("node", EmbeddedNodes.config(directory, 0));
        try
        {
            final Path secretFile = directory.resolve("secret");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)));
            final int port = (Integer)ShmRemote.get(node).address().orElseThrow().port().get();
            final byte[] forged = new HandshakeProof(new byte[32]).sign(
                new NodeIdentity("intruder", "localhost", 4242, 7, 8, ProcessHandle.current().pid(), 0).helloBody(0));
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[FrameHeaderFlyweight.LENGTH + forged.length]);
            new FrameHeaderFlyweight().wrap(frame, 0)
                .write(FrameHeaderFlyweight.HELLO, 0, FrameHeaderFlyweight.FLAG_DIRECT);
            frame.putBytes(FrameHeaderFlyweight.LENGTH, forged);
            try (Aeron aeron = Aeron.connect(
                new Aeron.Context().aeronDirectoryName(directory.resolve("aeron").toString()));
                 ExclusivePublication publication = aeron.addExclusivePublication("aeron:ipc",
                     EmbeddedNodes.streamOf(directory, port)))
            {
                Await.until(Duration.ofSeconds(10), publication::isConnected,
                    () -> "publication to the node connected");
                Await.until(Duration.ofSeconds(10), () -> publication.offer(frame) > 0,
                    () -> "the forged HELLO offered");
                Await.until(Duration.ofSeconds(10), () -> ShmRemote.get(node).counters().framesRejected() > 0,
                    () -> "the node rejects the forged HELLO: " + ShmRemote.get(node).counters());
            }
            final ShmCountersSnapshot counters = ShmRemote.get(node).counters();
            assertEquals(0, counters.associations(), "no association for a process without the secret");
            assertEquals(0, counters.messagesReceived());
        }
        finally
        {
            TestKit.shutdownActorSystem(node);
        }
        assertFalse(Files.exists(directory), ShmTestDirectory.describe(directory));
    }
}
