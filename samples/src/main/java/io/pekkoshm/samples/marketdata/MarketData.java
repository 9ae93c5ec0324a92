package io.pekkoshm.samples.marketdata;

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
 * ({@link Consumer}) and publishes every quote to both, on the direct path ({@code market-data.conf} sets the
 * plugin's provider). Each consumer checks that the quotes of every symbol arrive numbered without a gap. Two phases:
 * <ol>
 *   <li><b>full speed</b>: {@code --quotes} quotes as fast as the consumers take them; prints the rate. The feed
 *   never runs more than a window of quotes ahead of a consumer's acknowledgements, so at this speed the time from
 *   feed to consumer is mostly time queued behind that window: no latency is printed for this phase;</li>
 *   <li><b>paced</b>: {@code --paced-quotes} quotes at {@code --rate} quotes per second, a rate the consumers can
 *   follow, each sent at its own deadline; each consumer prints the feed-to-consumer latency percentiles of every
 *   quote, and the feed how far behind schedule its sends were and whether the window ever filled (if it did, the
 *   consumers did not keep up and the latency includes queueing).</li>
 * </ol>
 * <pre>
 *   mvn -q -Pmarket-data -pl samples -am verify -DskipTests [-Dsample.args="--paced-quotes 50000 --rate 5000"]
 * </pre>
 * Options: {@code --quotes N} (full speed, sent to each consumer), {@code --symbols N} (1 to 16), {@code --rate N}
 * (quotes per second of the paced phase), {@code --paced-quotes N} (paced, sent to each consumer).
 */
public final class MarketData
{
    private static final int CONSUMERS = 2;
    /** Quotes a consumer may be behind before the feed waits for it. */
    private static final int WINDOW = 2_000;
    /**
     * The longest the paced feed parks at a time while waiting for a deadline. A park on Linux lasts at least the
     * timer slack (about 50 us), so at 20,000 quotes/s (one every 50 us) the feed wakes about once per quote and sends
     * what is due: never early, and when a little late the quotes whose deadline has passed, one after the other.
     */
    private static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    /**
     * The most a paced feed catches up after a stall (a GC pause, the scheduler): when a quote is later than this (or
     * one interval, if longer) after its deadline, the rest of the schedule moves back so that it is only this late.
     * The feed so sends at most this much worth of quotes back to back (20 at 20,000/s), and the missed time is
     * counted instead of being sent in a burst.
     */
    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "ORCL",
        "IBM", "INTC", "AMD", "CSCO", "ADBE", "CRM", "NFLX", "QCOM");

    private MarketData()
    {
    }

    /** The feed's actor: takes subscriptions, flow-control acks and the consumers' reports of each phase. */
    static final class Feed extends AbstractActor
    {
        private final Map<ActorRef, Semaphore> windows;
        private final List<ActorRef> consumers;
        private final CompletableFuture<Void> subscribed;
        private final List<MarketDataProtocol.Report> reports;
        private final Map<Integer, CompletableFuture<Void>> reported;
        private final Map<ActorRef, Long> acknowledged = new HashMap<>();

        Feed(final Map<ActorRef, Semaphore> windows, final List<ActorRef> consumers,
            final CompletableFuture<Void> subscribed, final List<MarketDataProtocol.Report> reports,
            final Map<Integer, CompletableFuture<Void>> reported)
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
                    if (reports.stream().filter(r -> r.phase() == report.phase()).count() == CONSUMERS)
                    {
                        reported.get(report.phase()).complete(null);
                    }
                })
                .build();
        }
    }

    /**
     * @param args {@code [--quotes N] [--symbols N] [--rate N] [--paced-quotes N]}.
     */
    public static void main(final String[] args)
    {
        Samples.runAndExit("market-data", () -> run(Args.parse("market-data", args,
            "quotes", "200000", "symbols", "8", "rate", "20000", "paced-quotes", "100000")));
    }

    private static void run(final Args args) throws Exception
    {
        final long quotes = args.number("quotes", 1);
        final int symbols = (int)args.number("symbols", 1);
        final long rate = args.number("rate", 1);
        final long pacedQuotes = args.number("paced-quotes", 1);
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
            final Map<Integer, CompletableFuture<Void>> reported = Map.of(
                MarketDataProtocol.FULL_SPEED, new CompletableFuture<>(),
                MarketDataProtocol.PACED, new CompletableFuture<>());
            final ActorRef feed = system.actorOf(Props.create(Feed.class,
                () -> new Feed(windows, consumers, subscribed, reports, reported)), "feed");
            final String address = ShmRemote.get(system).address().orElseThrow().toString();
            Samples.say("feed: " + address + ", shared memory in " + settings.transport().directory());

            for (int i = 1; i <= CONSUMERS; i++)
            {
                consumerJvms.add(ChildProcess.start("consumer-" + i, Consumer.class, List.of("-Xmx256m"), address,
                    "consumer-" + i));
            }
            final ChildProcess[] consumerArray = consumerJvms.toArray(new ChildProcess[0]);
            Samples.await(subscribed, Duration.ofSeconds(60), "subscription from both consumers", consumerArray);
            final Publisher publisher = new Publisher(feed, consumers, windows, symbols);

            Samples.say(String.format("feed: full speed: %,d quotes on %d symbols to each of %d consumers, at most " +
                "%,d unacknowledged per consumer", quotes, symbols, consumers.size(), WINDOW));
            long start = System.nanoTime();
            endPhase(MarketDataProtocol.FULL_SPEED, quotes, publisher.publish(quotes, 0, null), feed, consumers,
                reported, consumerArray);
            double seconds = (System.nanoTime() - start) / 1e9;
            Samples.say(String.format("feed: full speed: %,d quotes to each consumer, all taken in %.2f s = %,.0f " +
                "quotes/s per consumer, %,.0f in total (no latency figure: at this speed it is mostly time queued " +
                "behind the window)", quotes, seconds, quotes / seconds, quotes * consumers.size() / seconds));
            long delivered = check(reports, MarketDataProtocol.FULL_SPEED, quotes);

            Samples.say(String.format("feed: paced: %,d quotes on %d symbols to each consumer at %,d quotes/s, each " +
                "sent at its deadline", pacedQuotes, symbols, rate));
            final Histogram behindSchedule = Samples.nanosHistogram();
            start = System.nanoTime();
            endPhase(MarketDataProtocol.PACED, pacedQuotes, publisher.publish(pacedQuotes, rate, behindSchedule),
                feed, consumers, reported, consumerArray);
            seconds = (System.nanoTime() - start) / 1e9;
            Samples.say(String.format("feed: paced: %,d quotes to each consumer in %.2f s = %,.0f quotes/s " +
                "(target %,d); %s", pacedQuotes, seconds, pacedQuotes / seconds, rate, 0 == publisher.windowFull ?
                "the window never filled" : "the window was full " + publisher.windowFull + " time(s): the " +
                "consumers fell behind and the latency includes queueing"));
            Samples.say(String.format("feed: paced: sends behind schedule, microseconds: p50 %,.1f  p99 %,.1f  max " +
                "%,.1f; %,d stalls over %d ms moved the schedule back %,.1f ms in all (instead of a catch-up burst)",
                behindSchedule.getValueAtPercentile(50) / 1e3, behindSchedule.getValueAtPercentile(99) / 1e3,
                behindSchedule.getMaxValue() / 1e3, publisher.stalls, TimeUnit.NANOSECONDS.toMillis(STALL_NANOS),
                publisher.slipNanos / 1e6));
            delivered += check(reports, MarketDataProtocol.PACED, pacedQuotes);
            Samples.say(String.format("feed: every quote reached both consumers in order in both phases: %,d " +
                "delivered, 0 gaps", delivered));

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

    /** Tells every consumer the phase has ended and waits for their reports. */
    private static void endPhase(final int phase, final long quotes, final Map<String, Long> lastSequence,
        final ActorRef feed, final List<ActorRef> consumers, final Map<Integer, CompletableFuture<Void>> reported,
        final ChildProcess[] consumerJvms) throws InterruptedException
    {
        for (final ActorRef consumer : consumers)
        {
            consumer.tell(new MarketDataProtocol.EndOfFeed(phase, quotes, Map.copyOf(lastSequence)), feed);
        }
        // A report comes after the consumer has taken every quote: the end of the phase follows them in order.
        Samples.await(reported.get(phase), Duration.ofSeconds(60), "report from both consumers at the end of the " +
            MarketDataProtocol.phaseName(phase) + " phase", consumerJvms);
    }

    /**
     * @return the quotes delivered in the phase.
     * @throws SampleFailure unless every consumer received all {@code quotes} without a gap and in order.
     */
    private static long check(final List<MarketDataProtocol.Report> reports, final int phase, final long quotes)
    {
        long delivered = 0;
        for (final MarketDataProtocol.Report report : reports)
        {
            if (report.phase() != phase)
            {
                continue;
            }
            if (report.quotes() != quotes || report.gaps() != 0 || report.outOfOrder() != 0)
            {
                throw new SampleFailure(report.consumer() + " received " + report.quotes() + " of " + quotes +
                    " quotes in the " + MarketDataProtocol.phaseName(phase) + " phase, with " + report.gaps() +
                    " gaps and " + report.outOfOrder() + " out of order");
            }
            delivered += report.quotes();
        }
        return delivered;
    }

    /** Makes up the quotes and sends them to every consumer within its window; used by the main thread only. */
    static final class Publisher
    {
        private final ActorRef feed;
        private final List<ActorRef> consumers;
        private final Map<ActorRef, Semaphore> windows;
        private final int symbols;
        private final SplittableRandom random = new SplittableRandom(42);
        private final double[] mid;
        /** How many times, in the last phase, a consumer's window was full when a quote was due. */
        long windowFull;
        /** How many times, in the last paced phase, the schedule moved back after a stall. */
        long stalls;
        /** How far, in the last paced phase, the schedule moved back in all, in nanoseconds. */
        long slipNanos;

        Publisher(final ActorRef feed, final List<ActorRef> consumers, final Map<ActorRef, Semaphore> windows,
            final int symbols)
        {
            this.feed = feed;
            this.consumers = consumers;
            this.windows = windows;
            this.symbols = symbols;
            mid = new double[symbols];
            for (int s = 0; s < symbols; s++)
            {
                mid[s] = 50 + 25 * s;
            }
        }

        /**
         * Sends {@code quotes} quotes, symbol after symbol, each symbol's numbered from 1, to every consumer within
         * its flow-control window: as fast as that lets it if {@code rate} is 0, else quote {@code i} at its deadline
         * {@code start + i / rate}, the schedule moving back after a stall ({@link #STALL_NANOS}).
         *
         * @param behindSchedule if paced, takes how long after its deadline each quote was sent, in nanoseconds.
         * @return the last sequence number sent of each symbol.
         */
        Map<String, Long> publish(final long quotes, final long rate, final Histogram behindSchedule)
            throws InterruptedException
        {
            final long[] sequence = new long[symbols];
            windowFull = 0;
            stalls = 0;
            slipNanos = 0;
            final long stallNanos = rate > 0 ? Math.max(STALL_NANOS, 1_000_000_000L / rate) : 0;
            final long start = System.nanoTime();
            for (long i = 0; i < quotes; i++)
            {
                long due = 0;
                if (rate > 0)
                {
                    due = start + slipNanos + i * 1_000_000_000L / rate;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime())
                    {
                        LockSupport.parkNanos(Math.min(wait, PARK_NANOS));
                    }
                    final long late = System.nanoTime() - due;
                    if (late > stallNanos)
                    {
                        stalls++;
                        slipNanos += late - stallNanos;
                    }
                }
                final int s = (int)(i % symbols);
                mid[s] = Math.max(1, mid[s] + (random.nextDouble() - 0.5) * 0.05);
                final double halfSpread = 0.005 + random.nextInt(4) * 0.005;
                final long now = System.nanoTime();
                if (rate > 0)
                {
                    Samples.record(behindSchedule, now - due);
                }
                final MarketDataProtocol.Quote quote = new MarketDataProtocol.Quote(SYMBOLS.get(s), ++sequence[s],
                    mid[s] - halfSpread, mid[s] + halfSpread, now);
                for (final ActorRef consumer : consumers)
                {
                    final Semaphore window = windows.get(consumer);
                    if (!window.tryAcquire())
                    {
                        windowFull++;
                        if (!window.tryAcquire(30, TimeUnit.SECONDS))
                        {
                            throw new SampleFailure(consumer.path().address() +
                                " acknowledged nothing for 30 s after " + i + " quotes");
                        }
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
}
