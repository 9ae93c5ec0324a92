package io.pekkoshm.samples.marketdata;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pekkoshm.remote.ShmSettings;
import io.pekkoshm.remote.pekko.ShmRemote;
import io.pekkoshm.samples.support.Args;
import io.pekkoshm.samples.support.ChildProcess;
import io.pekkoshm.samples.support.SampleFailure;
import io.pekkoshm.samples.support.Samples;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Market-data fan-out, the plugin's small-message case: this JVM is the feed; it starts two consumer JVMs
 * ({@link Consumer}) and publishes every quote to both. Each consumer checks that the quotes of every symbol arrive
 * numbered without a gap and reports count, gaps (must be 0), rate and latency; the feed prints its totals.
 * <pre>
 *   mvn -q -Pmarket-data -pl samples -am verify -DskipTests [-Dsample.args="--quotes 1000000 --rate 20000"]
 * </pre>
 * Options: {@code --quotes N} (sent to each consumer), {@code --symbols N} (1 to 16), {@code --rate N} (quotes per
 * second; 0 = as fast as the consumers keep up). The feed never runs more than a window of quotes ahead of a
 * consumer's acknowledgements, so at full speed the latency the consumers report is mostly time spent queued
 * behind that window; with a {@code --rate} the consumers can follow, it is the transport's.
 */
public final class MarketData
{
    private static final int CONSUMERS = 2;
    /** Quotes a consumer may be behind before the feed waits for it. */
    private static final int WINDOW = 2_000;
    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "ORCL",
        "IBM", "INTC", "AMD", "CSCO", "ADBE", "CRM", "NFLX", "QCOM");

    private MarketData()
    {
    }

    /** The feed's actor: takes subscriptions, flow-control acks and the consumers' reports. */
    static final class Feed extends AbstractActor
    {
        private final Map<ActorRef, Semaphore> windows;
        private final List<ActorRef> consumers;
        private final CompletableFuture<Void> subscribed;
        private final List<MarketDataProtocol.Report> reports;
        private final CompletableFuture<Void> reported;
        private final Map<ActorRef, Long> acknowledged = new HashMap<>();

        Feed(final Map<ActorRef, Semaphore> windows, final List<ActorRef> consumers,
            final CompletableFuture<Void> subscribed, final List<MarketDataProtocol.Report> reports,
            final CompletableFuture<Void> reported)
        {
            this.windows = windows;
            this.consumers = consumers;
            this.subscribed = subscribed;
            this.reports = reports;
            this.reported = reported;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(MarketDataProtocol.Subscribe.class, subscribe ->
                {
                    windows.put(getSender(), new Semaphore(WINDOW));
                    consumers.add(getSender());
                    Samples.say("feed: " + subscribe.consumer() + " subscribed from " + getSender().path().address());
                    if (consumers.size() == CONSUMERS)
                    {
                        subscribed.complete(null);
                    }
                })
                .match(MarketDataProtocol.Ack.class, ack ->
                {
                    final long before = acknowledged.getOrDefault(getSender(), 0L);
                    acknowledged.put(getSender(), ack.received());
                    windows.get(getSender()).release((int)(ack.received() - before));
                })
                .match(MarketDataProtocol.Report.class, report ->
                {
                    reports.add(report);
                    if (reports.size() == CONSUMERS)
                    {
                        reported.complete(null);
                    }
                })
                .build();
        }
    }

    /**
     * @param args {@code [--quotes N] [--symbols N] [--rate N]}.
     */
    public static void main(final String[] args)
    {
        Samples.runAndExit("market-data", () -> run(Args.parse("market-data", args,
            "quotes", "200000", "symbols", "8", "rate", "0")));
    }

    private static void run(final Args args) throws Exception
    {
        final long quotes = args.number("quotes", 1);
        final int symbols = (int)args.number("symbols", 1);
        final long rate = args.number("rate", 0);
        if (symbols > SYMBOLS.size())
        {
            throw new SampleFailure("--symbols is at most " + SYMBOLS.size());
        }
        final Config config = ConfigFactory.load("market-data");
        final ShmSettings settings = ShmSettings.fromRootConfig(config);

        final ActorSystem system = ActorSystem.create("feed", config);
        final List<ChildProcess> consumerJvms = new ArrayList<>();
        try
        {
            final Map<ActorRef, Semaphore> windows = new ConcurrentHashMap<>();
            final List<ActorRef> consumers = new CopyOnWriteArrayList<>();
            final CompletableFuture<Void> subscribed = new CompletableFuture<>();
            final List<MarketDataProtocol.Report> reports = new CopyOnWriteArrayList<>();
            final CompletableFuture<Void> reported = new CompletableFuture<>();
            final ActorRef feed = system.actorOf(Props.create(Feed.class,
                () -> new Feed(windows, consumers, subscribed, reports, reported)), "feed");
            final String address = ShmRemote.get(system).address().orElseThrow().toString();
            Samples.say("feed: " + address + ", shared memory in " + settings.directory);

            for (int i = 1; i <= CONSUMERS; i++)
            {
                consumerJvms.add(ChildProcess.start("consumer-" + i, Consumer.class, List.of("-Xmx256m"), address,
                    "consumer-" + i));
            }
            final ChildProcess[] consumerArray = consumerJvms.toArray(new ChildProcess[0]);
            Samples.await(subscribed, Duration.ofSeconds(60), "subscription from both consumers", consumerArray);

            final long start = System.nanoTime();
            final Map<String, Long> lastSequence = publish(feed, consumers, windows, quotes, symbols, rate);
            for (final ActorRef consumer : consumers)
            {
                consumer.tell(new MarketDataProtocol.EndOfFeed(quotes, Map.copyOf(lastSequence)), feed);
            }
            // A report comes after the consumer has taken every quote: the end of the feed follows them in order.
            Samples.await(reported, Duration.ofSeconds(60), "report from both consumers", consumerArray);
            final double seconds = (System.nanoTime() - start) / 1e9;
            Samples.say(String.format("feed: published %,d quotes on %d symbols to %d consumers (%,d messages), " +
                "all taken in %.2f s = %,.0f quotes/s", quotes, symbols, consumers.size(), quotes * consumers.size(),
                seconds, quotes / seconds));
            long delivered = 0;
            for (final MarketDataProtocol.Report report : reports)
            {
                if (report.quotes() != quotes || report.gaps() != 0 || report.outOfOrder() != 0)
                {
                    throw new SampleFailure(report.consumer() + " received " + report.quotes() + " of " + quotes +
                        " quotes, with " + report.gaps() + " gaps and " + report.outOfOrder() + " out of order");
                }
                delivered += report.quotes();
            }
            Samples.say(String.format("feed: every quote reached both consumers in order: %,d delivered, 0 gaps",
                delivered));

            for (final ActorRef consumer : consumers)
            {
                consumer.tell(new MarketDataProtocol.Stop(), ActorRef.noSender());
            }
            for (final ChildProcess consumer : consumerJvms)
            {
                consumer.awaitSuccessfulExit(Duration.ofSeconds(30));
            }
        }
        finally
        {
            consumerJvms.forEach(ChildProcess::close);
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Samples.awaitSharedMemoryReleased(settings);
    }

    /**
     * Sends {@code quotes} quotes, symbol after symbol, to every consumer, each within its flow-control window, paced
     * to {@code rate} per second if it is not 0.
     *
     * @return the last sequence number sent of each symbol.
     */
    private static Map<String, Long> publish(final ActorRef feed, final List<ActorRef> consumers,
        final Map<ActorRef, Semaphore> windows, final long quotes, final int symbols, final long rate)
        throws InterruptedException
    {
        final SplittableRandom random = new SplittableRandom(42);
        final long[] sequence = new long[symbols];
        final double[] mid = new double[symbols];
        for (int s = 0; s < symbols; s++)
        {
            mid[s] = 50 + 25 * s;
        }
        final long start = System.nanoTime();
        for (long i = 0; i < quotes; i++)
        {
            if (rate > 0)
            {
                final long due = start + (long)(i * 1e9 / rate);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime())
                {
                    LockSupport.parkNanos(Math.min(wait, TimeUnit.MICROSECONDS.toNanos(200))); // pacing
                }
            }
            final int s = (int)(i % symbols);
            mid[s] = Math.max(1, mid[s] + (random.nextDouble() - 0.5) * 0.05);
            final double halfSpread = 0.005 + random.nextInt(4) * 0.005;
            final MarketDataProtocol.Quote quote = new MarketDataProtocol.Quote(SYMBOLS.get(s), ++sequence[s],
                mid[s] - halfSpread, mid[s] + halfSpread, System.nanoTime());
            for (final ActorRef consumer : consumers)
            {
                if (!windows.get(consumer).tryAcquire(30, TimeUnit.SECONDS))
                {
                    throw new SampleFailure(consumer.path().address() + " acknowledged nothing for 30 s after " + i +
                        " quotes");
                }
                consumer.tell(quote, feed);
            }
        }
        final Map<String, Long> last = new LinkedHashMap<>();
        for (int s = 0; s < symbols; s++)
        {
            last.put(SYMBOLS.get(s), sequence[s]);
        }
        return last;
    }
}
