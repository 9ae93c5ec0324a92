package io.pekkoshm.samples.pingpong;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.samples.support.Args;
import io.pekkoshm.samples.support.ChildProcess;
import io.pekkoshm.samples.support.SampleFailure;
import io.pekkoshm.samples.support.Samples;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ping-pong latency between two JVMs: this JVM starts a second one ({@link PongNode}), sends it a small record and
 * waits for the answer before sending the next, N times, and prints the round-trip percentiles in microseconds.
 * <pre>
 *   mvn -q -Pping-pong -pl samples -am verify -DskipTests [-Dsample.args="--round-trips 100000"]
 * </pre>
 * Options: {@code --round-trips N} (measured), {@code --warm-up N} (not measured, first).
 */
public final class PingPong
{
    private PingPong()
    {
    }

    /** Starts the pings when told, one at a time, from the actor itself: no thread hop per round trip. */
    static final class Pinger extends AbstractActor
    {
        /** Tells the pinger to start. */
        record Start(long warmUp, long roundTrips)
        {
        }

        private final CompletableFuture<ActorRef> pong;
        private final CompletableFuture<Histogram> done;
        private final Histogram histogram = Samples.nanosHistogram();
        private long warmUp;
        private long total;
        private long sequence;
        private long sentAt;

        Pinger(final CompletableFuture<ActorRef> pong, final CompletableFuture<Histogram> done)
        {
            this.pong = pong;
            this.done = done;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(PingPongProtocol.Hello.class, hello -> pong.complete(getSender()))
                .match(Start.class, this::start)
                .match(PingPongProtocol.Pong.class, this::onPong)
                .build();
        }

        private void start(final Start start)
        {
            warmUp = start.warmUp();
            total = start.warmUp() + start.roundTrips();
            sequence = 0;
            ping();
        }

        private void ping()
        {
            sentAt = System.nanoTime();
            pong.join().tell(new PingPongProtocol.Ping(sequence), getSelf());
        }

        private void onPong(final PingPongProtocol.Pong answer)
        {
            final long roundTrip = System.nanoTime() - sentAt;
            if (answer.sequence() != sequence)
            {
                done.completeExceptionally(new SampleFailure("pong " + answer.sequence() + " answered ping " +
                    sequence));
                return;
            }
            if (sequence >= warmUp)
            {
                Samples.record(histogram, roundTrip);
            }
            if (++sequence < total)
            {
                ping();
            }
            else
            {
                done.complete(histogram);
            }
        }
    }

    /**
     * @param args {@code [--round-trips N] [--warm-up N]}.
     */
    public static void main(final String[] args)
    {
        Samples.runAndExit("ping-pong", () -> run(Args.parse("ping-pong", args,
            "round-trips", "20000", "warm-up", "2000")));
    }

    private static void run(final Args args) throws Exception
    {
        final long roundTrips = args.number("round-trips", 1);
        final long warmUp = args.number("warm-up", 0);
        final Config config = ConfigFactory.load("ping-pong");
        final ShmSettings settings = ShmSettings.fromRootConfig(config);

        final ActorSystem system = ActorSystem.create("ping", config);
        try
        {
            final CompletableFuture<ActorRef> pong = new CompletableFuture<>();
            final CompletableFuture<Histogram> done = new CompletableFuture<>();
            final ActorRef pinger = system.actorOf(Props.create(Pinger.class, () -> new Pinger(pong, done)), "ping");
            final String address = ShmRemote.get(system).address().orElseThrow().toString();
            Samples.say("ping-pong: ping node " + address + ", shared memory in " + settings.transport().directory());

            try (ChildProcess pongJvm = ChildProcess.start("pong", PongNode.class, List.of("-Xmx256m"), address))
            {
                final ActorRef pongRef = Samples.await(pong, Duration.ofSeconds(60), "hello from the pong node",
                    pongJvm);
                Samples.say("ping-pong: pong node " + pongRef.path().address() + " (pid " + pongJvm.pid() + ")");

                pinger.tell(new Pinger.Start(warmUp, roundTrips), ActorRef.noSender());
                final Histogram h = Samples.await(done,
                    Duration.ofSeconds(60)
                        .plusMillis(TimeUnit.NANOSECONDS.toMillis(10_000_000L * (warmUp + roundTrips))),
                    "end of the round trips", pongJvm);
                Samples.say(String.format("ping-pong: %,d round trips (after %,d not measured), microseconds: %s",
                    h.getTotalCount(), warmUp, Samples.percentilesMicros(h)));

                pongRef.tell(new PingPongProtocol.Stop(), ActorRef.noSender());
                pongJvm.awaitSuccessfulExit(Duration.ofSeconds(30));
            }
        }
        finally
        {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Samples.awaitSharedMemoryReleased(settings);
    }
}
