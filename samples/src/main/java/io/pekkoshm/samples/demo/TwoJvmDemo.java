package io.pekkoshm.samples.demo;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmCountersSnapshot;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.samples.support.ChildProcess;
import io.pekkoshm.samples.support.Samples;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The two-JVM demo: this JVM starts a second one ({@link DemoPeer}); the two talk through shared memory only.
 * The messages are records serialized with the plugin's Kryo serializer. It streams small messages with flow control
 * and prints messages per second, then runs a ping-pong and prints round-trip percentiles, then stops the peer, shuts
 * down, and waits for the host's media driver to exit so that nothing is left behind.
 * <pre>
 *   mvn -q -Pdemo -pl samples -am verify -DskipTests      (see README)
 * </pre>
 */
public final class TwoJvmDemo
{
    private static final int STREAM_MESSAGES = Integer.getInteger("demo.messages", 500_000);
    private static final int MESSAGE_SIZE = 64;
    /** Padding that brings a Tick or Ping to about MESSAGE_SIZE bytes once serialized. */
    private static final int PAYLOAD_SIZE = 48;
    private static final int WINDOW = 20_000;
    private static final int PINGS = Integer.getInteger("demo.pings", 20_000);
    private static final int WARMUP_PINGS = 2_000;

    private TwoJvmDemo()
    {
    }

    /** Receives the peer's hello, acks and pongs; drives the ping-pong itself (no thread hop per round trip). */
    static final class Main extends AbstractActor
    {
        final CompletableFuture<ActorRef> peer;
        final Semaphore window;
        final CompletableFuture<Histogram> pingsDone;
        private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        private final DemoProtocol.Ping ping = new DemoProtocol.Ping(0, new byte[PAYLOAD_SIZE]);
        private int pingsLeft = -1;
        private long sentAt;

        Main(final CompletableFuture<ActorRef> peer, final Semaphore window,
            final CompletableFuture<Histogram> pingsDone)
        {
            this.peer = peer;
            this.window = window;
            this.pingsDone = pingsDone;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(DemoProtocol.Hello.class, hello -> peer.complete(getSender()))
                .match(DemoProtocol.Ack.class, ack -> window.release(DemoProtocol.ACK_EVERY))
                .match(DemoProtocol.Ping.class, this::onPong)
                .matchEquals("start-pings", m -> startPings())
                .build();
        }

        private void startPings()
        {
            pingsLeft = WARMUP_PINGS + PINGS;
            sendPing();
        }

        private void sendPing()
        {
            sentAt = System.nanoTime();
            peer.join().tell(ping, getSelf());
        }

        private void onPong(final DemoProtocol.Ping pong)
        {
            final long rtt = System.nanoTime() - sentAt;
            if (pingsLeft-- <= PINGS)
            {
                histogram.recordValue(rtt);
            }
            if (pingsLeft > 0)
            {
                sendPing();
            }
            else
            {
                pingsDone.complete(histogram);
            }
        }
    }

    /**
     * @param args none.
     */
    public static void main(final String[] args)
    {
        Samples.runAndExit("demo", TwoJvmDemo::run);
    }

    private static void run() throws Exception
    {
        final var config = ConfigFactory.load("demo");
        final ShmSettings settings = ShmSettings.fromRootConfig(config);
        final ActorSystem system = ActorSystem.create("demo", config);
        final CompletableFuture<ActorRef> peerRef = new CompletableFuture<>();
        final Semaphore window = new Semaphore(WINDOW);
        final CompletableFuture<Histogram> pings = new CompletableFuture<>();
        final ActorRef main = system.actorOf(Props.create(Main.class, () -> new Main(peerRef, window, pings)), "main");
        final String address = ShmRemote.get(system).address().orElseThrow().toString();
        System.out.println("main node: " + address + " (shared memory in " + settings.transport().directory() + ")");

        try (ChildProcess peer = ChildProcess.start("peer", DemoPeer.class, List.of(), address))
        {
            final ActorRef peerActor = Samples.await(peerRef, Duration.ofSeconds(60), "hello from the peer", peer);
            System.out.println("peer node: " + peerActor.path().address() + " (pid " + peer.pid() + ")");

            final byte[] padding = new byte[PAYLOAD_SIZE];
            final long start = System.nanoTime();
            for (int i = 0; i < STREAM_MESSAGES; i++)
            {
                if (!window.tryAcquire(30, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("no flow-control ack from the peer for 30 s after " + i +
                        " messages");
                }
                peerActor.tell(new DemoProtocol.Tick(i, padding), main);
            }
            if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("the peer did not acknowledge every stream message");
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                "stream:    %,d messages (records of ~%d bytes, Kryo) in %.2f s = %,.0f msgs/s (window %,d)%n",
                STREAM_MESSAGES, MESSAGE_SIZE, seconds, STREAM_MESSAGES / seconds, WINDOW);

            main.tell("start-pings", ActorRef.noSender());
            final Histogram h = Samples.await(pings, Duration.ofMinutes(5), "end of the ping-pong", peer);
            System.out.printf(
                "ping-pong: %,d round trips, microseconds p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);

            final ShmCountersSnapshot c = ShmRemote.get(system).counters();
            System.out.printf(
                "counters:  sent %,d msgs / %,d bytes, received %,d msgs, batches %,d, back-pressure %,d, " +
                "dropped %,d%n",
                c.messagesSent(), c.bytesSent(), c.messagesReceived(), c.batchesSent(), c.backPressureEvents(),
                c.messagesDropped());

            peerActor.tell(new DemoProtocol.Exit(), ActorRef.noSender());
            peer.awaitSuccessfulExit(Duration.ofSeconds(30));
        }
        finally
        {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        awaitDriverExit(settings);
    }

    /** The driver exits by itself after its idle timeout once no node is left; say so when it has. */
    private static void awaitDriverExit(final ShmSettings settings)
    {
        final long deadline =
            System.nanoTime() + settings.driver().idleTimeout().toNanos() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(settings.transport().directory()) && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        System.out.println(Files.exists(settings.transport().directory()) ?
            "done; " + settings.transport().directory() + " is still in use by other nodes of this host" :
            "done; the media driver has exited and " + settings.transport().directory() + " is gone");
    }
}
