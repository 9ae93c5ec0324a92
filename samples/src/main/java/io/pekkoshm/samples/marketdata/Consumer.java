package io.pekkoshm.samples.marketdata;

import com.typesafe.config.ConfigFactory;
import io.pekkoshm.samples.support.SampleChild;
import io.pekkoshm.samples.support.Samples;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A consumer JVM of the market-data sample: subscribes to the feed, checks that each symbol's quotes arrive numbered
 * 1, 2, 3, ... without a gap, and at the end of each phase of the feed reports count, gaps and rate, and for the
 * paced phase the feed-to-consumer latency of every quote. Started by {@link MarketData} with the feed's address and
 * its own name.
 */
public final class Consumer
{
    private Consumer()
    {
    }

    static final class QuoteChecker extends AbstractActor
    {
        private final String name;
        /** Quotes received over both phases: what the flow-control acks count. */
        private long acknowledgeable;
        // The current phase's figures, reset at its end.
        private final Map<String, Long> lastSequence = new HashMap<>();
        private final Histogram latency = Samples.nanosHistogram();
        private long received;
        private long gaps;
        private long outOfOrder;
        private long firstNanos;
        private long lastNanos;

        QuoteChecker(final String name)
        {
            this.name = name;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(MarketDataProtocol.Quote.class, this::onQuote)
                .match(MarketDataProtocol.EndOfFeed.class, this::onEnd)
                .match(MarketDataProtocol.Stop.class, stop -> getContext().getSystem().terminate())
                .build();
        }

        private void onQuote(final MarketDataProtocol.Quote quote)
        {
            final long now = System.nanoTime();
            if (0 == received)
            {
                firstNanos = now;
            }
            lastNanos = now;
            received++;
            Samples.record(latency, now - quote.sentNanos());
            final long previous = lastSequence.getOrDefault(quote.symbol(), 0L);
            if (quote.seq() > previous)
            {
                gaps += quote.seq() - previous - 1;
                lastSequence.put(quote.symbol(), quote.seq());
            }
            else
            {
                outOfOrder++;
            }
            if (++acknowledgeable % MarketDataProtocol.ACK_EVERY == 0)
            {
                getSender().tell(new MarketDataProtocol.Ack(acknowledgeable), getSelf());
            }
        }

        private void onEnd(final MarketDataProtocol.EndOfFeed end)
        {
            long missingAtEnd = 0;
            for (final Map.Entry<String, Long> sent : end.lastSequence().entrySet())
            {
                missingAtEnd += Math.max(0, sent.getValue() - lastSequence.getOrDefault(sent.getKey(), 0L));
            }
            gaps += missingAtEnd;
            final String phase = MarketDataProtocol.phaseName(end.phase());
            final double seconds = Math.max(1, lastNanos - firstNanos) / 1e9;
            Samples.say(String.format("%s: received %,d quotes on %d symbols, gaps %d, out of order %d, %,.0f quotes/s",
                phase, received, lastSequence.size(), gaps, outOfOrder, received / seconds));
            if (MarketDataProtocol.PACED == end.phase())
            {
                // At full speed the same figure would be mostly time queued behind the feed's window: not printed.
                Samples.say(phase + ": latency feed to consumer, microseconds: " + percentilesMicros(latency));
            }
            getSender().tell(new MarketDataProtocol.Report(name, end.phase(), received, gaps, outOfOrder), getSelf());
            lastSequence.clear();
            latency.reset();
            received = 0;
            gaps = 0;
            outOfOrder = 0;
        }

        private static String percentilesMicros(final Histogram histogram)
        {
            return String.format("p50 %,.1f  p90 %,.1f  p99 %,.1f  p99.9 %,.1f  max %,.1f",
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(90) / 1e3,
                histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3,
                histogram.getMaxValue() / 1e3);
        }
    }

    /**
     * @param args the feed's address, and this consumer's name.
     */
    public static void main(final String[] args)
    {
        SampleChild.exitWhenParentExits();
        Samples.runAndExit(args[1], () ->
        {
            final ActorSystem system = ActorSystem.create(args[1], ConfigFactory.load("market-data"));
            final ActorRef checker = system.actorOf(Props.create(QuoteChecker.class, () -> new QuoteChecker(args[1])),
                "quotes");
            system.actorSelection(args[0] + "/user/feed").tell(new MarketDataProtocol.Subscribe(args[1]), checker);
            system.getWhenTerminated().toCompletableFuture().get(Duration.ofHours(1).toMillis(), TimeUnit.MILLISECONDS);
        });
    }
}
