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
 * 1, 2, 3, ... without a gap, and reports count, gaps, rate and latency at the end of the feed. Started by
 * {@link MarketData} with the feed's address and its own name.
 */
public final class Consumer
{
    private Consumer()
    {
    }

    static final class QuoteChecker extends AbstractActor
    {
        private final String name;
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
            if (++received % MarketDataProtocol.ACK_EVERY == 0)
            {
                getSender().tell(new MarketDataProtocol.Ack(received), getSelf());
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
            final double seconds = Math.max(1, lastNanos - firstNanos) / 1e9;
            Samples.say(String.format("received %,d quotes on %d symbols, gaps %d, out of order %d, %,.0f quotes/s",
                received, lastSequence.size(), gaps, outOfOrder, received / seconds));
            Samples.say("latency feed to consumer, microseconds: " + Samples.percentilesMicros(latency));
            getSender().tell(new MarketDataProtocol.Report(name, received, gaps, outOfOrder), getSelf());
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
